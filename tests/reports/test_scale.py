"""``manage.py generate_scale`` (``reports.scale.generate``): the rows it writes, a line of
progress for every phase, and on PostgreSQL the indexes and constraints it sets aside for
the load: all back at the end with the same definitions, checked against the loaded rows,
and untouched when the load fails."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection

from communes.models import Commune, District, ModelArea, NtmRecognition, Submission, Village
from criteria.aggregates import criteria_set_for
from criteria.catalogue import entered_indicators
from criteria.models import CriterionAssessment, IndicatorValue
from reports import scale
from reports.models import IndicatorRollup
from reports.scale import BIG_TABLES, VILLAGES, ScaleError, generate

PHASES = ["communes", "villages", "NTM recognitions", "model areas",
          "submissions, figures, criteria", "roll-ups…", "committing…"]
POSTGRES_PHASES = ["dropping the indexes and constraints of", "rebuilding 1/",
                   "updating the planner's statistics (ANALYZE)…"]

CATALOGUE_SQL = """
    SELECT 'index', tablename, indexname, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = ANY(%(tables)s)
    UNION ALL
    SELECT 'constraint', conrelid::regclass::text, conname,
           concat_ws(' ', contype, condeferrable, condeferred, convalidated,
                     pg_get_constraintdef(oid))
    FROM pg_constraint
    WHERE conrelid = ANY(%(tables)s::regclass[]) OR confrelid = ANY(%(tables)s::regclass[])
"""

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The indexes are set aside on PostgreSQL only; SQLite loads with them.")


def catalogue():
    """Every index and constraint of the big tables, and the foreign keys pointing at them."""
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE_SQL, {"tables": [m._meta.db_table for m in BIG_TABLES]})
        return sorted(cursor.fetchall())


def counts():
    return {model.__name__: model.objects.count()
            for model in (District, Commune, Village, Submission, IndicatorValue,
                          CriterionAssessment, IndicatorRollup)}


def expected_rows(district, communes):
    """Figures and assessments the district should hold: one per required entered indicator,
    one per criterion of the quarter's set, for each of its submissions."""
    submissions = Submission.objects.filter(commune__district=district).select_related("period")
    indicators = len([i for i in entered_indicators(district) if i.is_required])
    periods = {s.period for s in submissions}
    criteria = sum(communes * criteria_set_for(p).all_criteria().count() for p in periods)
    return submissions.count() * indicators, criteria


def lines(stream):
    return [line for line in re.split(r"[\r\n]", stream.getvalue()) if line.strip()]


def assert_rows(district, communes, quarters):
    assert district.communes.count() == communes
    assert Village.objects.filter(commune__district=district).count() == communes * VILLAGES
    assert NtmRecognition.objects.filter(commune__district=district).count() == communes - (
        communes + 9) // 10
    assert ModelArea.objects.filter(village__commune__district=district).count() == (
        communes * VILLAGES + 1) // 2
    submissions = Submission.objects.filter(commune__district=district)
    assert submissions.count() == communes * quarters
    assert submissions.values("commune", "period").distinct().count() == communes * quarters
    values, assessments = expected_rows(district, communes)
    assert values > 0 and assessments > 0
    assert IndicatorValue.objects.filter(submission__commune__district=district).count() == values
    assert CriterionAssessment.objects.filter(
        submission__commune__district=district).count() == assessments
    assert IndicatorRollup.objects.filter(district=district).exists()


def test_generate_scale_refuses_a_second_run(db, demo):
    generate(3, 1, name="Huyện hai lần", stream=StringIO())
    with pytest.raises(ScaleError, match="exists already"):
        generate(3, 1, name="Huyện hai lần", stream=StringIO())


def test_generate_scale_command(db, demo):
    """A small run (the tables hold more than it adds: on PostgreSQL the indexes stay)."""
    out, err = StringIO(), StringIO()
    call_command("generate_scale", "--communes", "5", "--quarters", "2", "--name", "Huyện lệnh",
                 stdout=out, stderr=err)
    assert "5 communes" in out.getvalue()
    district = District.objects.get(name="Huyện lệnh")
    assert_rows(district, 5, 2)
    printed = lines(err)
    for phase in PHASES:
        assert any(line.startswith(phase) for line in printed), phase
    assert not any("dropping the indexes" in line for line in printed)
    # Every bar reaches its total.
    for label in PHASES[:5]:
        last = [line for line in printed if line.startswith(label)][-1]
        done, total = re.search(r"(\d+)/(\d+)$", last).groups()
        assert done == total, last


def test_a_database_without_a_catalogue_is_refused_not_filled_with_nothing(db):
    """Without required indicators or criteria (a database only migrated) the district
    would have no figures to measure."""
    from criteria.models import Indicator

    Indicator.objects.update(is_required=False)
    with pytest.raises(ScaleError, match="No required indicators"):
        generate(3, 1, name="Huyện trống", stream=StringIO())
    assert not District.objects.filter(name="Huyện trống").exists()


def test_the_options_are_checked(db, demo):
    with pytest.raises(ValueError, match="indexes must be one of"):
        generate(2, 1, name="Huyện tùy chọn", indexes="drop", stream=StringIO())


@needs_postgres
def test_a_load_with_the_indexes_set_aside_recreates_every_one(db, demo):
    before = catalogue()
    assert any(row[2] == "indicator_value_unique" for row in before)
    err = StringIO()
    district = generate(6, 3, name="Huyện chỉ mục", indexes="rebuild", stream=err)
    assert_rows(district, 6, 3)
    assert catalogue() == before  # the same names, definitions, deferrability, validated
    printed = lines(err)
    for phase in PHASES + POSTGRES_PHASES:
        assert any(line.startswith(phase) for line in printed), phase
    rebuilt = [line for line in printed if line.startswith("rebuilding ")]
    # A line for each key, index and foreign key (a key brings its index back; checks stay).
    recreated = {name for kind, _table, name, definition in before
                 if kind == "index" or not definition.startswith("c ")}
    assert len(rebuilt) == len(recreated)
    for name in recreated:
        assert any(f" {name}" in line for line in rebuilt), name
    assert all(re.search(r"… \d+\.\d s$", line) for line in rebuilt)


@needs_postgres
def test_a_run_that_doubles_the_submissions_sets_the_indexes_aside(db, demo):
    existing = Submission.objects.count()
    err = StringIO()
    generate(existing // 2 + 1, 2, name="Huyện tự động", stream=err)
    assert "dropping the indexes and constraints of" in err.getvalue()


@needs_postgres
def test_a_failed_load_leaves_the_indexes_and_the_rows_as_they_were(db, demo, monkeypatch):
    before, rows = catalogue(), counts()
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("the server went away")

    monkeypatch.setattr(scale, "insert_product", failing)
    with pytest.raises(RuntimeError):
        generate(4, 2, name="Huyện hỏng", indexes="rebuild", batch=2, stream=StringIO())
    assert catalogue() == before
    assert counts() == rows


@needs_postgres
def test_rows_that_break_a_key_fail_the_rebuild_and_are_rolled_back(db, demo, monkeypatch):
    """The unique key is checked when it is built again: a duplicate loaded without it
    fails the run, and everything goes back as it was."""
    before, rows = catalogue(), counts()
    insert_product = scale.insert_product

    def twice(model, *args):
        insert_product(model, *args)
        if model is IndicatorValue:
            insert_product(model, *args)

    monkeypatch.setattr(scale, "insert_product", twice)
    with pytest.raises(IntegrityError, match="indicator_value_unique"):
        generate(3, 1, name="Huyện trùng", indexes="rebuild", stream=StringIO())
    assert catalogue() == before
    assert counts() == rows
