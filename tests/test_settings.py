"""Settings come from the environment through strict helpers that fail fast."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ntm_portal.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert env_bool("SOME_FLAG") is True
    monkeypatch.setenv("SOME_FLAG", "0")
    assert env_bool("SOME_FLAG", default=True) is False


def test_env_int_refuses_text(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_env_list_drops_blank_items(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, ,b.example,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_the_production_variables():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="x" * 20 + "a-long-random-production-key-0123456789!",
        ALLOWED_HOSTS="ntm.example.vn", CSRF_TRUSTED_ORIGINS="https://ntm.example.vn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_a_shared_cache():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="x" * 20 + "a-long-random-production-key-0123456789!",
        ALLOWED_HOSTS="ntm.example.vn", CSRF_TRUSTED_ORIGINS="https://ntm.example.vn",
    )
    assert result.returncode != 0
    assert "ntm.W001" in result.stderr + result.stdout


def test_env_file_fills_only_what_the_environment_lacks(tmp_path, monkeypatch):
    from ntm_portal.env import load_env_file

    env_file = tmp_path / ".env"
    env_file.write_text("# local\nNTM_TEST_A=from-file\nNTM_TEST_B='quoted'\n\nNTM_TEST_C=file\n")
    monkeypatch.setenv("NTM_TEST_C", "from-environment")
    monkeypatch.delenv("NTM_TEST_A", raising=False)
    monkeypatch.delenv("NTM_TEST_B", raising=False)
    load_env_file(env_file)
    assert os.environ["NTM_TEST_A"] == "from-file"
    assert os.environ["NTM_TEST_B"] == "quoted"
    assert os.environ["NTM_TEST_C"] == "from-environment"


def test_a_malformed_env_file_line_stops_start_up(tmp_path):
    from ntm_portal.env import load_env_file

    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nnot a setting\n")
    with pytest.raises(ImproperlyConfigured, match="line 2"):
        load_env_file(env_file)
