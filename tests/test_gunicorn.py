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


def test_a_worker_gives_back_memory_after_a_large_request(monkeypatch):
    """After each request (gunicorn's post_request), a worker grown more than GROWTH_MB
    above its size empties the type attribute cache (whose names pin arenas), then
    collects and trims; a worker at its size does none of it."""
    from ntm_portal import memory

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    sizes, calls = [100.0], []
    monkeypatch.setattr(memory, "_state", {"baseline": None})
    monkeypatch.setattr(memory, "resident_mb", lambda: sizes[-1])
    monkeypatch.setattr(memory.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(memory.sys, "_clear_type_cache", lambda: calls.append("types"))
    monkeypatch.setattr(memory, "_TRIM", lambda pad: (calls.append("trim"), sizes.append(104.0)))

    hook = config["post_request"]
    hook(None, None, {}, None)  # the first request sets the worker's size
    sizes.append(110.0)
    hook(None, None, {}, None)  # within GROWTH_MB: nothing
    assert calls == []
    sizes.append(100.0 + memory.GROWTH_MB + 60)  # a district workbook
    hook(None, None, {}, None)
    assert calls == ["types", "collect", "trim"]
    assert memory._state["baseline"] == 100.0
    # Nothing given back: the grown size becomes the worker's, no trim after every request.
    monkeypatch.setattr(memory, "_TRIM", lambda pad: calls.append("trim"))
    sizes.append(200.0)
    hook(None, None, {}, None)
    assert memory._state["baseline"] == 200.0
    calls.clear()
    hook(None, None, {}, None)
    assert calls == []


def test_resident_memory_is_read_from_proc():
    from ntm_portal.memory import resident_mb

    size = resident_mb()
    assert size is None or 10 < size < 4096
