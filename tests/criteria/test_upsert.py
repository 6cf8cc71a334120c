"""Saving figures: one upsert of new and changed values, one insert of their history."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, Submission
from criteria.entry import entered_indicators, save_figures
from criteria.models import IndicatorValue


def ky_anh():
    """The demo district (its catalogue choices apply to its communes' forms)."""
    from communes.models import District

    return District.objects.get(slug="ky-anh").pk


def _submission(period):
    commune = Commune.objects.get(slug="ky-tay")
    submission, _created = Submission.objects.get_or_create(commune=commune, period=period)
    return Submission.objects.select_related("period", "commune").get(pk=submission.pk)


def _save(submission, officer, inputs):
    indicators = entered_indicators(ky_anh())
    submission.refresh_from_db()
    with CaptureQueriesContext(connection) as context:
        checked = save_figures(submission, officer, indicators, inputs, submission.version)
    assert not any(c.errors for c in checked.values())
    return context.captured_queries


def test_new_changed_and_unchanged_values_in_one_upsert_with_history(officer, open_period):
    submission = _submission(open_period)
    IndicatorValue.objects.filter(submission=submission).delete()
    indicators = entered_indicators(ky_anh())
    first, second, third = indicators[:3]
    _save(submission, officer, {first.pk: ("5", "a"), second.pk: ("7", "")})
    before = {v.indicator_id: v.pk for v in IndicatorValue.objects.filter(submission=submission)}
    assert set(before) == {first.pk, second.pk}

    # first unchanged, second changed, third new
    queries = _save(submission, officer, {first.pk: ("5", "a"), second.pk: ("8", "b"),
                                          third.pk: ("15", "")})
    rows = {v.indicator_id: v for v in IndicatorValue.objects.filter(submission=submission)}
    assert rows[first.pk].value == 5 and rows[second.pk].value == 8 and rows[third.pk].value == 15
    assert rows[second.pk].comment == "b"
    assert rows[second.pk].pk == before[second.pk]  # updated in place, not replaced
    history = IndicatorValue.history.filter(submission_id=submission.pk)
    assert list(history.filter(indicator_id=first.pk).values_list("history_type", flat=True)) == ["+"]
    assert sorted(history.filter(indicator_id=second.pk).values_list("history_type", "value")) == [
        ("+", Decimal("7")), ("~", Decimal("8"))]
    third_history = history.get(indicator_id=third.pk)
    assert third_history.history_type == "+" and third_history.history_user == officer
    assert third_history.id == rows[third.pk].pk
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2, inserts  # the upsert and the history
    assert "ON CONFLICT" in inserts[0]
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "indicatorvalue" in q["sql"]]


def test_a_full_form_takes_the_same_queries_as_one_value(officer, open_period):
    submission = _submission(open_period)
    IndicatorValue.objects.filter(submission=submission).delete()
    indicators = entered_indicators(ky_anh())
    one = len(_save(submission, officer, {indicators[0].pk: ("1", "")}))
    full = len(_save(submission, officer, {i.pk: ("2", "") for i in indicators}))
    changed = len(_save(submission, officer, {i.pk: ("3", "") for i in indicators}))
    assert one == full == changed
    assert IndicatorValue.objects.filter(submission=submission).count() == len(indicators)
    assert IndicatorValue.history.filter(submission_id=submission.pk).count() == 1 + 2 * len(indicators)
