"""Demo data: ``seed_demo`` runs each app's ``seed.seed_demo(out)`` in ``seed_order``.

Discovering the apps' seed modules here keeps ``communes`` free of imports of the
apps built on it; each app seeds its own data, idempotently.
"""

from importlib import import_module, util

from django.apps import apps


def app_seeders():
    configs = sorted(
        (c for c in apps.get_app_configs() if hasattr(c, "seed_order")),
        key=lambda c: c.seed_order,
    )
    for config in configs:
        name = f"{config.name}.seed"
        if util.find_spec(name):
            yield config.label, import_module(name).seed_demo
