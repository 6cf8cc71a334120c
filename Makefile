# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test install install-dev migrate seed messages check clean backup restore

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# A developer's local settings (not committed): DEBUG on, so that `python manage.py …`
# works in this checkout. Deployments set their variables in the real environment.
.env:
	printf '# Local development settings (see README, Configuration). Not committed.\nDEBUG=1\n' > $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# SQLite in the project folder unless DATABASE_URL says otherwise; DEBUG on for local use.
run: install .env
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Uses DATABASE_URL when it is set (CI sets PostgreSQL), SQLite otherwise.
test: install-dev .env
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check --quiet .
	DEBUG=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

# Refresh the Vietnamese catalogue (then translate new entries) and compile it.
messages: install-dev
	$(PY) scripts/messages.py

check: install-dev
	DEBUG=1 $(PY) manage.py check

# The database and the uploaded files in one archive (README, "Backup and restore").
backup: install
	$(PY) manage.py backup $(if $(FILE),--output $(FILE),)

# Into a migrated database without data: make restore FILE=backups/ntm-....tar.gz [FORCE=1]
restore: install
	@test -n "$(FILE)" || (echo "Usage: make restore FILE=backups/ntm-YYYYmmdd-HHMMSS.tar.gz" && exit 2)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore $(FILE) $(if $(FORCE),--force,)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
