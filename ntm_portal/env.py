"""Strict helpers that read settings from environment variables.

Each helper fails fast with a message naming the variable, so that a typo in a
deployment's configuration stops the process at start-up instead of surfacing
later as odd behaviour (the healthchecks approach).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, required=False):
    value = os.environ.get(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name, default=()):
    """A comma-separated list; blank items are dropped."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_rate(name, default):
    """A DRF throttle rate such as ``60/minute``; ``off`` disables the limit."""
    import re

    value = env_str(name, default=default)
    if value.strip().lower() in ("off", "none", ""):
        return None
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", value.strip()):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate such as 60/minute (per second, minute, hour, day)."
        )
    return value.strip()


def load_env_file(path):
    """Read KEY=VALUE lines of a local ``.env`` file into the environment.

    Variables already set win, so a deployment's environment is never overridden. The
    file is for a developer's checkout (``make run`` writes one with ``DEBUG=1``); it is
    not committed. Blank lines and ``#`` comments are skipped; a malformed line stops
    start-up with its number.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE.")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))
