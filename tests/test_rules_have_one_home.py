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
        "communes.accounts._check_row",  # accounts in bulk: an officer's row names a commune
        "communes.views.home",  # the home page's link to one's commune
        "criteria.panels._report_panels",  # the officer's home panel
        "criteria.panels._task_panels",  # the officer's open tasks on the home page
        "criteria.tasks.is_owner",  # a commune's officer answers for its tasks
        "criteria.notices._owners",  # who is told that a task falls due
        "ocop.lifecycle.can_propose",  # OCOP: who proposes
        "ocop.lifecycle.edit_refusal",  # OCOP: who edits a candidate
        "ocop.lifecycle.propose_refusal",  # OCOP (Decision 1489): who pre-assesses, proposes
    }, places
    wording = _places(lambda n: isinstance(n, ast.Constant) and isinstance(n.value, str)
                      and "enters its figures" in n.value)
    assert wording == {"communes.workflow.check_enters_figures"}, wording


def test_lock_is_decided_once():
    places = _places(lambda n: isinstance(n, ast.Call) and _attribute(n.func, "is_locked_on"))
    assert places == {
        # the unit's deadline plus grace days (lock_state, is_late and return_for_correction
        # call it)
        "communes.workflow.period_locked",
        "communes.api.serializers.ReportingPeriodSerializer.get_is_locked",  # the caller's unit's
        # the district's own figures lock with the period, on the unit's terms
        "criteria.unit_entry.district_lock",
    }, places


def _calls(name):
    return lambda n: isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == name) or _attribute(n.func, name))


def test_figures_are_summed_in_one_place():
    """Entered values are summed in SQL by value_sums alone; what the sums become (flow,
    stock) is decided by combine alone, for the page, the trend and the roll-ups."""
    def sums_values(node):
        return _calls("Sum")(node) and node.args and isinstance(node.args[0], ast.Constant) \
            and node.args[0].value == "value"

    assert _places(sums_values) == {"criteria.aggregates.value_sums"}
    stock_rule = _places(lambda n: _attribute(n, "STOCK"))
    assert stock_rule == {
        "criteria.aggregates.combine",  # a stock's year to date is its level
        "criteria.models.Indicator.clean",  # the catalogue: only a stock may be averaged
        "criteria.seed",  # the demo catalogue's data
    }, stock_rule


def test_unit_figure_is_formed_in_one_place():
    """How a unit's figure is formed from its communes' (sum, mean, ratio): combine and
    ratio_of. Nobody else averages or divides sums: no Avg anywhere, no division in the
    modules that read figures."""
    assert _places(_calls("Avg")) == set()
    mean = _places(lambda n: _attribute(n, "MEAN"))
    assert mean == {
        "criteria.aggregates._level",  # the district figure of a rate (combine's column)
        "criteria.models.Indicator.clean",  # the catalogue: only a stock may be averaged
    }, mean
    readers = ("criteria.aggregates", "criteria.computations", "reports.rollups",
               "ocop.computations")
    divisions = {place for place in _places(
        lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Div, ast.FloorDiv)))
        if place.startswith(readers)}
    assert divisions == {"criteria.aggregates._level",  # combine's, and per commune
                         "criteria.aggregates._divided",  # ratio_of's, and per commune
                         # the change on last year in percent, of two figures formed
                         "criteria.aggregates.year_on_year"}, divisions
    # Quarters are added up to the year to date and cumulative by combine's callers in
    # aggregates only (SQL filters in _columns, stored quarters in _summed).
    pluses = {place for place in _places(lambda n: isinstance(n, ast.BinOp) and isinstance(
        n.op, ast.Add)) if place.startswith(("reports.rollups", "criteria.computations"))}
    # (criteria.computations._levels adds up communes counted by pairs of levels, not
    # quarters.)
    assert pluses <= {"criteria.computations._levels"}, pluses


def test_ocop_status_is_decided_once():
    """The certificate's validity decides the status only in lifecycle.status_expression."""
    deciding = {"cert_valid_until__gte", "cert_valid_until__lt", "cert_valid_until__isnull"}
    places = _places(lambda n: isinstance(n, ast.keyword) and n.arg in deciding)
    assert places == {"ocop.lifecycle.status_expression"}, places
    stage_tests = _places(lambda n: isinstance(n, ast.Compare) and any(
        _attribute(side, "CANDIDATE") for side in [n.left, *n.comparators]))
    assert stage_tests <= {"ocop.lifecycle.edit_refusal", "ocop.lifecycle.register_refusal",
                           "ocop.lifecycle.check_rate", "ocop.lifecycle.propose_refusal"}, stage_tests


def test_ocop_rule_by_date_is_decided_once():
    """Which procedure a product follows is decided by its date in one function; the
    rest of the code reads the product's ``procedure``."""
    places = _places(lambda n: isinstance(n, ast.Name) and n.id == "TWO_TIER_FROM")
    assert places <= {"ocop.lifecycle.procedure_for", "ocop.lifecycle"}, places
    national = _places(lambda n: isinstance(n, ast.Name) and n.id == "NATIONAL_MIN_SCORE")
    assert national <= {"ocop.lifecycle", "ocop.lifecycle.status_expression",
                        "ocop.lifecycle.level_refusal"}, national


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


def test_a_units_catalogue_choice_is_read_in_one_place():
    """Filtering the catalogue on its defaults (used, required) happens only where no unit
    is named; every form, check, import, API and report reads ``criteria.catalogue``."""
    places = _places(lambda n: isinstance(n, ast.Call) and any(
        k.arg in ("is_active", "is_required") for k in n.keywords)
        and _attribute(n.func, "filter") and "Indicator" in ast.unparse(n.func.value))
    assert places == {
        "criteria.aggregates.figures",  # called without a unit's indicators: the defaults
        "criteria.aggregates.figures_by_commune",  # idem
    }, places
    reads = _places(lambda n: _attribute(n, "unit_required") or _attribute(n, "unit_used"))
    assert reads <= {"criteria.catalogue.catalogue_for"}, reads


def test_a_units_period_terms_are_read_in_one_place():
    """A period's own deadline, grace days and back-fill are read only by
    ``communes.periods`` (``period_terms``, which applies the unit's setting over them);
    everything else reads the unit's terms."""
    fields = ("is_backfill", "grace_days", "entry_deadline")
    places = _places(lambda n: isinstance(n, ast.Attribute) and n.attr in fields
                     and "period" in ast.unparse(n.value) and "terms" not in ast.unparse(n.value))
    allowed = {
        "communes.period_views._save",  # an emptied field keeps the period's value
        "communes.notifications.deadline_drafts",  # the database filter finding candidates
    }
    others = {p for p in places if not p.startswith((
        "communes.periods.", "criteria.seed", "communes.seed", "reports.scale"))}
    assert others <= allowed, others - allowed
