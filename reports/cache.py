"""Cached dashboards that are never stale: a data version that every write bumps.

Every dashboard is stored in the deployment's shared cache (``django.core.cache``:
Redis where ``CACHES`` says so, the embedded default otherwise) under a key made of
the data version, the period, the district, the options, the scope, the language and
today's date (lateness depends on it). Any write to the data a dashboard reads bumps
the version (``bump``, connected in ``reports.apps`` to the model signals of the
communes, criteria and ocop apps and to ``communes.signals.data_changed``), so the next
view computes afresh and older entries are simply never read again (they expire).

The version is bumped at once and again when the transaction commits: a view that
read the new version before the commit, and cached figures without the write, is
superseded by the second bump.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

VERSION_KEY = "reports:data-version"
# Dashboards expire after an hour anyway; the version key never does.
TIMEOUT = 3600
# Models whose writes do not change any figure.
IGNORED = {"apitoken", "submissionevent"}


def data_version():
    """The current data version (created from the clock if the cache lost it).

    Starting from the clock in nanoseconds, never from 0, means a version lost by an
    eviction or a restart is never reused: the new one is larger than any before.
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, time.time_ns())
    return version


def _incr():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing: start again from the clock
        cache.add(VERSION_KEY, time.time_ns(), None)


def bump():
    """Invalidate every cached dashboard: now, and again when the transaction commits."""
    _incr()
    transaction.on_commit(_incr)


def on_write(sender, **kwargs):
    """Receiver for post_save, post_delete, m2m_changed and data_changed."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in ("communes", "criteria", "ocop"):
        return
    if meta.model_name in IGNORED or meta.model_name.startswith("historical"):
        return
    bump()


def dashboard_key(kind, period, district, communes, restricted, include_submitted, span=None):
    """The cache key of one dashboard (``kind`` "page", "export"...) for one scope and one
    span (``ntm_portal.spans.Span``; None: the period's quarter)."""
    if restricted:
        ids = ",".join(str(pk) for pk in communes.order_by("pk").values_list("pk", flat=True))
        scope = hashlib.sha256(ids.encode()).hexdigest()[:16]
    else:
        scope = "all"
    return ":".join(str(part) for part in (
        "reports", kind, data_version(), period.pk, span.slug if span else f"q{period.quarter}",
        district.pk, int(include_submitted), scope,
        translation.get_language(), timezone.localdate().isoformat()))


def panel_key(kind, *parts):
    """The cache key of a panel (its content is the same for everyone who may see it)."""
    return ":".join(str(part) for part in (
        "reports", kind, data_version(), *parts, translation.get_language(),
        timezone.localdate().isoformat()))


def cached(key, build):
    """``cache.get(key)``, else ``build()`` stored under ``key``."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
