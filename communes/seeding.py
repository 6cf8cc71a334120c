"""Hooks that let the apps built on ``communes`` add to it without upward imports.

An app may have:

- ``seed.py`` with ``seed_demo(out)``: ``seed_demo`` runs them in the apps' ``hook_order``;
- ``seed_reform.py`` with ``seed_reform(out)``: the demo's years 2024–2026 and the reform of
  1 July 2025, run right after the app's ``seed_demo`` when ``seed_demo --until 2026`` (so the
  last app's ``seed_demo``, the reports' roll-ups, still runs after every app's data);
- ``panels.py`` with ``home_panels(request)`` and/or ``commune_panels(request, commune)``:
  each returns a list of ``Panel`` to show on the home page or on a commune's page;
- ``setup.py`` with ``setup_items(request)``: the steps of the "set up your unit" checklist
  (``SetupItem``) the app owns. An item names its page by URL name (the first of
  ``url_names`` that resolves); one whose page does not exist is left out, and its count
  (a callable, so that nothing is counted for a hidden item) is not run.

Discovering them here keeps ``communes`` free of imports of ``criteria``, ``ocop``
and ``reports`` (docs/ARCHITECTURE.md: dependencies run one way).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module, util

from django.apps import apps
from django.urls import NoReverseMatch, reverse


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


def app_seeders(until=2021):
    """(label, function(out)) of every app's demo seeding, in ``hook_order``; with ``until``
    2026 or later each app's ``seed_reform`` follows its ``seed_demo``."""
    for label, module in _app_modules("seed"):
        yield label, module.seed_demo
        reform = f"{module.__name__.rpartition('.')[0]}.seed_reform"
        if until >= 2026 and util.find_spec(reform):
            yield f"{label}: 2024–2026", import_module(reform).seed_reform


def collect_panels(hook, *args):
    panels = []
    for _label, module in _app_modules("panels"):
        function = getattr(module, hook, None)
        if function is not None:
            panels.extend(function(*args))
    return sorted(panels, key=lambda panel: panel.order)


@dataclass
class SetupItem:
    """A step of setting up a unit: what it is, how many things are still missing (``count``:
    a callable returning a number, or None when there is nothing to count), where to do it."""

    key: str
    label: str
    help: str
    url_names: tuple
    count: Callable | None = None
    order: int = 50
    missing: int | None = None
    url: str = ""

    @property
    def done(self):
        return self.missing == 0


def collect_setup_items(request):
    """The checklist's items of every app, in order; items whose page is absent left out."""
    items = []
    for _label, module in _app_modules("setup"):
        function = getattr(module, "setup_items", None)
        for item in function(request) if function is not None else ():
            for name in item.url_names:
                try:
                    item.url = reverse(name)
                except NoReverseMatch:
                    continue
                break
            if not item.url:
                continue
            item.missing = item.count() if item.count is not None else None
            items.append(item)
    return sorted(items, key=lambda item: item.order)
