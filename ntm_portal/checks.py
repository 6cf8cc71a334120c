"""Deployment checks of the portal's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Warning, register


@register("caches", deploy=True)
def shared_cache(app_configs, **kwargs):
    """Several workers must share one cache, or each counts API throttles on its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [Warning(
            "The cache is private to each process: API throttles and cached sessions are not "
            "shared between workers.",
            hint="Set CACHE_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0.",
            id="ntm.W001",
        )]
    return []
