"""The dashboard's rows formed faster read the same as the plain rules they replace:
the names' order, the lagging order, the completeness counts, the cached copy."""

import pickle

import pytest

from communes.models import Commune, ReportingPeriod
from criteria import aggregates
from criteria.aggregates import criteria_matrix, criteria_summary
from criteria.models import CriterionAssessment
from ntm_portal.formats import vn_sort_key
from reports.dashboard import (
    PAGE_ROWS,
    CompletenessRow,
    build_dashboard,
    name_key,
    name_order,
    sort_by_name,
)

NAMES = ["Kỳ Đồng", "Kỳ Tân", "Kỳ Trung", "Ẩn Đức", "xã 00012", "Thượng Ẳ", "Kỳ", "Kỳ ",
         "kỳ a", "Kỳ A", "Kỳ Hà", "Kỳ Hạ", "Kỳ Há", "Kỳ Ha", "Đông", "Dông", "Ơn", "Ôn", "On",
         "Ưng", "Ung", "Phường 1", "Phường 10", "Phường 2", "", "Ä", "Z", "z", "Ⅻ", "İstanbul",
         "Kỳ Đồng"]


def test_name_order_orders_as_vn_sort_key():
    assert sorted(NAMES, key=name_order) == sorted(NAMES, key=vn_sort_key)
    for a in NAMES:
        for b in NAMES:
            assert (name_order(a) < name_order(b)) == (vn_sort_key(a) < vn_sort_key(b)), (a, b)
            assert (name_order(a) == name_order(b)) == (vn_sort_key(a) == vn_sort_key(b)), (a, b)


def test_sort_by_name_is_stable_and_falls_back_past_the_last_code_point():
    items = [(name, i) for i, name in enumerate(NAMES)]
    expected = sorted(items, key=lambda item: vn_sort_key(item[0]))
    sort_by_name(items, lambda item: item[0])
    assert items == expected  # equal names keep their order
    far = "\U0010ffff"  # its letter (100 + the code point) is no code point: the lists decide
    items = [(name, i) for i, name in enumerate(NAMES + [far, "a" + far])]
    expected = sorted(items, key=lambda item: name_key(item[0]))
    sort_by_name(items, lambda item: item[0])
    assert items == expected


def _dashboard(demo, quarter=1, include_submitted=True):
    period = ReportingPeriod.objects.get(year=2021, quarter=quarter)
    return build_dashboard(period, demo, Commune.objects.filter(district=demo), False,
                           include_submitted)


@pytest.mark.parametrize("quarter", [1, 2])
def test_rows_lagging_order_levels_and_counts(demo, quarter):
    d = _dashboard(demo, quarter)
    assert [r.commune.pk for r in d.alphabetical] == [
        r.commune.pk for r in sorted(d.rows, key=lambda r: vn_sort_key(r.commune.name))]
    assert d.rows == sorted(d.alphabetical,
                            key=lambda r: (not r.assessed, r.met if r.assessed else 0, r.level))
    assert dict(d.levels) == {level: sum(1 for r in d.rows if r.level == level)
                              for level, _n in d.levels}
    assert d.included_count == sum(1 for r in d.completeness if r.submission is not None
                                   and r.submission.status in d.statuses)
    counts = d.completeness_counts
    assert counts == {
        "on_time": sum(1 for r in d.completeness if r.category == "on_time"),
        "late": sum(1 for r in d.completeness if r.category == "late"),
        "missing": sum(1 for r in d.completeness if r.category == "missing"),
        "approved": sum(1 for r in d.completeness if r.submission is not None
                        and r.submission.status == "approved"),
        "total": len(d.completeness)}


def test_page_completeness_lists_missing_then_late_then_on_time(demo):
    d = _dashboard(demo)
    order = {"missing": 0, "late": 1, "on_time": 2}
    base = d.completeness
    d.completeness = [CompletenessRow(row.commune, row.submission, category, row.overdue)
                      for i in range(7) for row, category in
                      zip(base, ["on_time", "late", "missing"] * len(base))]
    assert len(d.completeness) > PAGE_ROWS
    assert d.page_completeness == sorted(d.completeness,
                                         key=lambda r: order[r.category])[:PAGE_ROWS]


def test_the_cached_copy_reads_the_same(demo):
    d = _dashboard(demo, 2)
    copy = pickle.loads(pickle.dumps(d))
    assert copy.rows == d.rows and copy.alphabetical == d.alphabetical
    assert copy.completeness == d.completeness
    assert [r.cells for r in copy.rows] == [r.cells for r in d.rows]
    assert copy.narrative == d.narrative
    assert copy.levels == d.levels and copy.completeness_counts == d.completeness_counts
    # The same objects where the built dashboard shares them.
    assert d.plan.laggards and copy.plan == d.plan
    rows = {row.commune.pk: row for row in copy.rows}
    assert all(laggard.row is rows[laggard.commune.pk] for laggard in copy.plan.laggards)
    assert {id(row) for row in copy.rows} == {id(row) for row in copy.alphabetical}
    assert all(line.commune is row.commune
               for line, row in zip(copy.completeness, copy.alphabetical))
    assert all(line.submission.period is copy.period
               for line in copy.completeness if line.submission is not None)
    assert all(row.criteria is copy.criteria for row in copy.rows)
    # Rows not as build_dashboard forms them are cached as they are.
    d.completeness = d.completeness[1:]
    again = pickle.loads(pickle.dumps(d))
    assert again.completeness == d.completeness and again.rows == d.rows
    assert again.plan == d.plan


@pytest.mark.parametrize("by_id", [1000, 0])
def test_criteria_summary_of_incomplete_communes(demo, monkeypatch, by_id):
    """Communes assessed on fewer criteria than the set has, named by id or selected by
    the grouped subquery, read as the full matrix does."""
    monkeypatch.setattr(aggregates, "INCOMPLETE_BY_ID", by_id)
    period = ReportingPeriod.objects.get(year=2021, quarter=1)
    assessments = CriterionAssessment.objects.filter(submission__period=period)
    assessments.filter(submission__commune__slug="ky-phu", criterion__number=3).delete()
    assessments.filter(submission__commune__slug="ky-phu", criterion__number=4).update(
        is_met=None)
    assessments.filter(submission__commune__slug="ky-tay", criterion__number__gt=15).delete()
    communes = Commune.objects.filter(district=demo)
    statuses = aggregates.APPROVED_OR_SUBMITTED
    matrix = criteria_matrix(period, communes, statuses)
    numbers = [c.number for c in aggregates.criteria_set_for(period).all_criteria()]
    total = len(numbers)
    summaries = criteria_summary(period, communes, statuses, total=total)
    assert set(summaries) == set(matrix)
    for commune_id, cells in matrix.items():
        summary = summaries[commune_id]
        complete = summary.assessed >= total
        assert summary.assessed == len(cells)
        assert summary.met == sum(1 for v in cells.values() if v)
        assert [summary.is_met(n, complete) for n in numbers] == [
            cells.get(n, True if complete else None) for n in numbers]


def test_marks_are_the_criteria_summary_read_one_criterion_at_a_time():
    """``CommuneRow.marks`` (the workbook's criteria cells, a row at once) against
    ``CriteriaSummary.is_met`` per criterion: complete, incomplete, unassessed rows."""
    from types import SimpleNamespace

    from communes.choices import NtmLevel
    from criteria.aggregates import CriteriaSummary
    from reports.dashboard import CommuneRef, CommuneRow

    criteria = [SimpleNamespace(number=n, name=f"C{n}") for n in range(1, 8)]
    summaries = [
        None, CriteriaSummary(0, 0, {}, set()),
        CriteriaSummary(7, 7, {}, set()),  # complete, all met
        CriteriaSummary(5, 7, {2: False, 6: False}, set()),  # complete, two not met
        CriteriaSummary(3, 5, {4: False, 5: None}, {1, 2, 7}),  # incomplete
        CriteriaSummary(0, 2, {3: False, 7: False}, set()),  # incomplete, none met
    ]
    for summary in summaries:
        row = CommuneRow(CommuneRef(1, "Kỳ Tây", "ky-tay"), NtmLevel.STANDARD, "", criteria,
                         summary)
        if row.assessed:
            complete = summary.assessed >= len(criteria)
            expected = [summary.is_met(c.number, complete) for c in criteria]
        else:
            expected = [None] * len(criteria)
        assert row.marks() == expected
        assert row.cells == list(zip(criteria, expected))
        assert [c for c, met in row.cells if met is False] == row.unmet
