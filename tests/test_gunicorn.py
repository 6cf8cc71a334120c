"""The production server settings in the repository, and the warm-up they run."""

import runpy
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parents[1]


def test_gunicorn_settings_preload_recycle_and_time_out(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert config["workers"] == 3
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert 30 <= config["timeout"] <= 120
    assert callable(config["when_ready"])


def test_warm_up_imports_the_views_and_compiles_the_templates(db):
    """``db``: the warm-up request runs the request signals, which look at connections."""
    from ntm_portal.warmup import warm_up

    views, templates = warm_up()
    assert views > 50 and templates > 20
    # Compiled templates are kept by the cached loader when DEBUG is off; either way
    # the dashboard's template is among those compiled.
    assert engines["django"].get_template("reports/dashboard.html")
