"""Hooks that let the apps built on ``communes`` add to it without upward imports.

An app may have:

- ``seed.py`` with ``seed_demo(out)``: ``seed_demo`` runs them in the apps' ``hook_order``;
- ``panels.py`` with ``home_panels(request)`` and/or ``commune_panels(request, commune)``:
  each returns a list of ``Panel`` to show on the home page or on a commune's page.

Discovering them here keeps ``communes`` free of imports of ``criteria``, ``ocop``
and ``reports`` (docs/ARCHITECTURE.md: dependencies run one way).
"""

from dataclasses import dataclass, field
from importlib import import_module, util

from django.apps import apps


@dataclass
class Panel:
    """A block of a page rendered from ``template`` with ``context``; lower ``order`` first."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


def _app_modules(submodule):
    configs = sorted(
        (c for c in apps.get_app_configs() if hasattr(c, "hook_order")),
        key=lambda c: c.hook_order,
    )
    for config in configs:
        name = f"{config.name}.{submodule}"
        if util.find_spec(name):
            yield config.label, import_module(name)


def app_seeders():
    for label, module in _app_modules("seed"):
        yield label, module.seed_demo


def collect_panels(hook, *args):
    panels = []
    for _label, module in _app_modules("panels"):
        function = getattr(module, hook, None)
        if function is not None:
            panels.extend(function(*args))
    return sorted(panels, key=lambda panel: panel.order)
