"""Each rule of the newcomer's table (docs/ARCHITECTURE.md) is decided by one function.

The tests read the source (AST): the construct that decides a rule may only appear in
the function that owns it (and in the places listed here, each with its reason). A new
second door makes a test fail, naming the file and function.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("communes", "criteria", "ocop", "reports", "ntm_portal")


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path, ast.parse(path.read_text(), str(path))


def _where(path, stack):
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join([module, *stack])


def _nodes():
    """(place "module.Class.function", node) for every node of the apps' code."""
    for path, tree in _sources():
        def visit(node, stack):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    yield from visit(child, [*stack, child.name])
                else:
                    yield _where(path, stack), child
                    yield from visit(child, stack)

        yield from visit(tree, [])


def _places(match):
    return {place for place, node in _nodes() if match(node)}


def _attribute(node, name):
    return isinstance(node, ast.Attribute) and node.attr == name


def test_apps_depend_one_way():
    allowed = {"communes": set(), "criteria": {"communes"}, "ocop": {"communes"},
               "reports": {"communes", "criteria", "ocop"}}
    for path, tree in _sources():
        app = path.relative_to(ROOT).parts[0]
        if app not in allowed:
            continue
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            for name in names:
                top = name.split(".")[0]
                if top in allowed and top != app:
                    assert top in allowed[app], f"{path.relative_to(ROOT)} imports {name}"


def test_who_enters_figures():
    """Comparing a user's role with the officer's: each place is a different rule, named."""
    places = _places(lambda n: isinstance(n, ast.Compare) and any(
        _attribute(side, "OFFICER") for side in [n.left, *n.comparators]))
    assert places == {
        "communes.workflow.enters_figures",  # who enters a submission's figures
        "communes.scoping.commune_scope",  # what an officer sees (scope)
        "communes.scoping.unit_scope",  # an officer reads its own district's records
        "communes.registry.date_errors",  # officers' registry dates stay in open quarters
        "communes.models.User.clean",  # an officer needs a commune
        "communes.views.home",  # the home page's link to one's commune
        "criteria.panels._report_panels",  # the officer's home panel
        "criteria.panels._task_panels",  # the officer's open tasks on the home page
        "criteria.tasks.is_owner",  # a commune's officer answers for its tasks
        "criteria.notices._owners",  # who is told that a task falls due
        "ocop.lifecycle.can_propose",  # OCOP: who proposes
        "ocop.lifecycle.edit_refusal",  # OCOP: who edits a candidate
    }, places
    wording = _places(lambda n: isinstance(n, ast.Constant) and isinstance(n.value, str)
                      and "enters its figures" in n.value)
    assert wording == {"communes.workflow.check_enters_figures"}, wording


def test_lock_is_decided_once():
    places = _places(lambda n: isinstance(n, ast.Call) and _attribute(n.func, "is_locked_on"))
    assert places == {
        "communes.workflow.lock_state",  # the submission's lock
        "communes.workflow.is_late",  # late: not handed in when the period locked
        "communes.workflow.return_for_correction",  # returned after the lock: reopened at once
        "communes.api.serializers.ReportingPeriodSerializer.get_is_locked",  # the period's own date
    }, places


def _calls(name):
    return lambda n: isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == name) or _attribute(n.func, name))


def test_figures_are_summed_in_one_place():
    """Entered values are summed (quarter, year to date, cumulative) by entered_values."""
    def sums_values(node):
        return _calls("Sum")(node) and node.args and isinstance(node.args[0], ast.Constant) \
            and node.args[0].value == "value"

    assert _places(sums_values) == {
        "criteria.aggregates.entered_values",
        # The same sums for every quarter shown at once (tested equal to entered_values
        # quarter by quarter in tests/criteria/test_trend.py), and the derived roll-ups
        # (tested equal to the raw aggregation in tests/reports/test_rollups.py).
        "criteria.aggregates.trend", "reports.rollups.rebuild",
    }
    stock_rule = _places(lambda n: _attribute(n, "STOCK"))
    assert stock_rule == {
        "criteria.aggregates.entered_values",  # a stock's year to date is its level
        "criteria.aggregates.span_value",  # a stock over a span: its level at the end
        "criteria.models.Indicator.clean",  # the catalogue: only a stock may be averaged
        "criteria.seed",  # the demo catalogue's data
        "reports.rollups.entered_figures",  # the same rule over the stored roll-ups
    }, stock_rule


def test_district_rate_is_averaged_in_one_place():
    assert _places(_calls("Avg")) == {"criteria.aggregates.entered_values",
                                      "criteria.aggregates.trend"}
    mean = _places(lambda n: _attribute(n, "MEAN"))
    assert mean == {
        "criteria.aggregates.entered_values",  # the district figure of a rate
        "criteria.aggregates.span_value",  # a rate over a span: its mean at the end
        "criteria.models.Indicator.clean",  # the catalogue: only a stock may be averaged
        # The same rule for every quarter shown at once, and over the stored roll-ups
        # (both tested equal to entered_values).
        "criteria.aggregates.trend", "reports.rollups._value",
    }, mean


def test_ocop_status_is_decided_once():
    """The certificate's validity decides the status only in lifecycle.status_expression."""
    deciding = {"cert_valid_until__gte", "cert_valid_until__lt", "cert_valid_until__isnull"}
    places = _places(lambda n: isinstance(n, ast.keyword) and n.arg in deciding)
    assert places == {"ocop.lifecycle.status_expression"}, places
    stage_tests = _places(lambda n: isinstance(n, ast.Compare) and any(
        _attribute(side, "CANDIDATE") for side in [n.left, *n.comparators]))
    assert stage_tests <= {"ocop.lifecycle.edit_refusal", "ocop.lifecycle.check_register",
                           "ocop.lifecycle.can_register", "ocop.lifecycle.check_rate"}, stage_tests


def test_current_period_has_one_home():
    if not (ROOT / "communes" / "periods.py").exists():
        pytest.skip("communes.periods.current_period lands with the phone branch")
    definers = _places(lambda n: False)  # functions are visited as places, not nodes
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    word in node.name for word in ("current_period", "latest_period",
                                                   "current_quarter")):
                definers.add(_where(path, [node.name]))
    assert definers == {"communes.periods.current_period"}, definers
