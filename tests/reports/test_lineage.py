"""Merged units keep their history (docs/DOMAIN.md#merged-units): the reading side.

Kỳ Lâm and Kỳ Hợp are merged into Lâm Hợp on 1 January 2022 (created here with the ORM,
as the merger service would). Every expected figure is worked out in the test from the
values it entered.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communes.choices import NtmLevel, SubmissionStatus
from communes.lineage import ancestors, with_history
from communes.models import Commune, NtmRecognition, ReportingPeriod, Submission
from criteria.aggregates import figures, trend
from criteria.models import Indicator, IndicatorValue
from ntm_portal.formats import format_date
from reports.dashboard import build_dashboard, communes_in_scope

from .test_export_golden import fingerprint

MERGER = datetime.date(2022, 1, 1)
FLOW, STOCK, HOUSEHOLDS, RATIO = ("ntm-houses-renovated", "gnbv-poor-households",
                                  "gnbv-households", "gnbv-poor-ratio")
QUARTERS = [(2021, 1), (2021, 2), (2021, 3), (2021, 4), (2022, 1), (2022, 2)]


def merge(predecessors, name, on=MERGER):
    """A merged commune as the merger service makes it: a new unit from ``on``, the old
    ones closed the day before."""
    first = predecessors[0]
    new = Commune.objects.create(district_id=first.district_id, name=name, valid_from=on)
    new.predecessors.set(predecessors)
    Commune.objects.filter(pk__in=[c.pk for c in predecessors]).update(
        valid_to=on - datetime.timedelta(days=1))
    return new


def enter(commune, year, quarter, values, status=SubmissionStatus.APPROVED):
    """An approved report of ``commune`` for the quarter with ``values`` ({code: value})."""
    period = ReportingPeriod.objects.get(year=year, quarter=quarter)
    submission, _ = Submission.objects.update_or_create(
        commune=commune, period=period, defaults={"status": status})
    for code, value in values.items():
        IndicatorValue.objects.update_or_create(
            submission=submission, indicator=Indicator.objects.get(code=code),
            defaults={"value": value})


def ratio_indicator():
    """Poor households ÷ households × 100: a ratio indicator over two entered stocks."""
    poor = Indicator.objects.get(code=STOCK)
    households = Indicator.objects.create(
        code=HOUSEHOLDS, name_vi="Tổng số hộ", unit_vi="hộ", programme=poor.programme,
        kind="stock", is_required=False, position=301)
    ratio = Indicator(code=RATIO, name_vi="Tỷ lệ hộ nghèo (tính)", unit_vi="%",
                      programme=poor.programme, kind="stock", source="ratio", numerator=poor,
                      denominator=households, decimals=2, position=302)
    ratio.full_clean()
    ratio.save()
    return ratio


def value_of(n, year, quarter, code):
    """A different value for each commune, quarter and indicator."""
    base = {FLOW: 11, STOCK: 37, HOUSEHOLDS: 900}[code]
    return Decimal(base + 7 * n + 3 * quarter + 13 * (year - 2021))


@pytest.fixture
def merged(demo):
    """Kỳ Lâm and Kỳ Hợp report 2021, Lâm Hợp (their merger) 2022: {commune: {quarter:
    {code: value}}} as entered, and the merged commune."""
    ratio_indicator()
    lam, hop = Commune.objects.get(slug="ky-lam"), Commune.objects.get(slug="ky-hop")
    new = merge([lam, hop], "Lâm Hợp")
    entered = {}
    for n, (commune, years) in enumerate(((lam, {2021}), (hop, {2021}), (new, {2022}))):
        for year, quarter in QUARTERS:
            if year in years:
                values = {code: value_of(n, year, quarter, code)
                          for code in (FLOW, STOCK, HOUSEHOLDS)}
                enter(commune, year, quarter, values)
                entered.setdefault(commune.pk, {})[(year, quarter)] = values
    return {"new": new, "old": [lam, hop], "entered": entered}


def _by_hand(merged, year, quarter, code):
    """The merged unit's value in a quarter: its predecessors' sum before the merger,
    its own after, from the entered values."""
    cells = [by_quarter[(year, quarter)][code] for by_quarter in merged["entered"].values()
             if (year, quarter) in by_quarter]
    return sum(cells) if cells else None


def _ratio_by_hand(merged, year, quarter):
    top, bottom = _by_hand(merged, year, quarter, STOCK), _by_hand(merged, year, quarter,
                                                                   HOUSEHOLDS)
    return (top * 100 / bottom).quantize(Decimal("0.01"))


def _periods():
    return [ReportingPeriod.objects.get(year=y, quarter=q) for y, q in QUARTERS]


def test_ancestors_at_any_depth_in_one_query(demo, django_assert_num_queries):
    lam, hop, phong = (Commune.objects.get(slug=s) for s in ("ky-lam", "ky-hop", "ky-phong"))
    first = merge([lam, hop], "Lâm Hợp")
    second = merge([first, phong], "Lâm Hợp Phong", on=datetime.date(2023, 1, 1))
    with django_assert_num_queries(1):
        found = ancestors([second.pk, first.pk, phong.pk])
    assert found == {second.pk: {first.pk, lam.pk, hop.pk, phong.pk}, first.pk: {lam.pk, hop.pk}}
    with django_assert_num_queries(1):
        assert ancestors(Commune.objects.filter(pk=second.pk)) == {
            second.pk: {first.pk, lam.pk, hop.pk, phong.pk}}
    assert ancestors([]) == {}


def test_merged_commune_trend_is_its_predecessors_sum_then_its_own(merged):
    new = merged["new"]
    series = trend(_periods(), [FLOW, STOCK, RATIO], with_history(Commune.objects.filter(pk=new.pk)))
    for i, (year, quarter) in enumerate(QUARTERS):
        assert series[FLOW][i] == _by_hand(merged, year, quarter, FLOW), (year, quarter)
        assert series[STOCK][i] == _by_hand(merged, year, quarter, STOCK), (year, quarter)
        assert series[RATIO][i] == _ratio_by_hand(merged, year, quarter), (year, quarter)
    # Before the merger the sum has two parts: the predecessors' values, not the new unit's.
    assert series[FLOW][0] == sum(merged["entered"][c.pk][(2021, 1)][FLOW] for c in merged["old"])


def test_year_on_year_and_cumulative_of_the_new_unit_include_its_predecessors(merged):
    new = merged["new"]
    history = with_history(Commune.objects.filter(pk=new.pk))
    q1 = ReportingPeriod.objects.get(year=2022, quarter=1)
    got = figures(q1, history)
    assert got[FLOW].quarter == _by_hand(merged, 2022, 1, FLOW)
    assert got[FLOW].year_ago == _by_hand(merged, 2021, 1, FLOW)
    assert got[STOCK].year_ago == _by_hand(merged, 2021, 1, STOCK)
    assert got[RATIO].year_ago == _ratio_by_hand(merged, 2021, 1)
    assert got[FLOW].previous == _by_hand(merged, 2021, 4, FLOW)
    q2 = ReportingPeriod.objects.get(year=2022, quarter=2)
    got = figures(q2, history)
    assert got[FLOW].ytd == _by_hand(merged, 2022, 1, FLOW) + _by_hand(merged, 2022, 2, FLOW)
    assert got[FLOW].cumulative == sum(_by_hand(merged, y, q, FLOW) for y, q in QUARTERS)
    assert got[STOCK].cumulative == _by_hand(merged, 2022, 2, STOCK)
    # Without its history the new unit would have no year before at all.
    assert figures(q1, Commune.objects.filter(pk=new.pk))[FLOW].year_ago is None


def _approved_sum(communes, year, quarter, code):
    return sum(v for v in IndicatorValue.objects.filter(
        submission__commune__in=communes, submission__period__year=year,
        submission__period__quarter=quarter, submission__status=SubmissionStatus.APPROVED,
        indicator__code=code).values_list("value", flat=True) if v is not None)


def test_district_dashboard_after_the_merger_reads_the_predecessors_year_before(merged, committee):
    q1 = ReportingPeriod.objects.get(year=2022, quarter=1)
    district, communes, restricted = communes_in_scope(committee, q1)
    dashboard = build_dashboard(q1, district, communes, restricted)
    everyone = Commune.objects.filter(district=district)  # old and new
    assert dashboard.figures[FLOW].quarter == _approved_sum(everyone, 2022, 1, FLOW)
    assert dashboard.figures[FLOW].year_ago == _approved_sum(everyone, 2021, 1, FLOW)
    assert dashboard.figures[FLOW].year_ago > _approved_sum(
        communes, 2021, 1, FLOW)  # Kỳ Lâm and Kỳ Hợp counted
    # The lists show the units of the quarter: the new commune, not the old ones.
    listed = {row.commune.pk for row in dashboard.rows}
    assert merged["new"].pk in listed and not listed & {c.pk for c in merged["old"]}
    assert dashboard.trends[FLOW][0] == _approved_sum(everyone, 2021, 1, FLOW)


def _standard_by_hand(district, day):
    """Communes of the district valid on ``day`` with a recognition at the standard or above
    decided by then."""
    valid = [c for c in Commune.objects.filter(district=district) if c.is_valid_on(day)]
    recognised = {r.commune_id for r in NtmRecognition.objects.filter(
        level__gte=NtmLevel.STANDARD, commune__in=valid)
        if (r.decision_date and r.decision_date <= day)
        or (r.decision_date is None and r.year < day.year)}
    return len(valid), len(recognised)


def test_level_counts_take_the_units_valid_on_the_day(merged, committee):
    new = merged["new"]
    NtmRecognition.objects.create(commune=new, level=NtmLevel.STANDARD, year=2022,
                                  decision_number="12/QĐ-UBND",
                                  decision_date=datetime.date(2022, 3, 15))
    q1 = ReportingPeriod.objects.get(year=2022, quarter=1)
    district, communes, restricted = communes_in_scope(committee, q1)
    dashboard = build_dashboard(q1, district, communes, restricted)
    valid_now, standard_now = _standard_by_hand(district, q1.end_date)
    valid_then, standard_then = _standard_by_hand(district, datetime.date(2021, 3, 31))
    assert sum(count for _level, count in dashboard.levels) == valid_now
    assert sum(count for _level, count in dashboard.levels_year_ago) == valid_then
    assert dashboard.figures["ntm-communes-standard"].quarter == standard_now
    assert dashboard.figures["ntm-communes-standard"].year_ago == standard_then
    # Kỳ Lâm and Kỳ Hợp were at the standard: counting them with Lâm Hợp would be 2 more.
    at_standard = sum(count for level, count in dashboard.levels if level >= NtmLevel.STANDARD)
    assert at_standard == standard_now
    # The level is the new unit's own: not inherited from its predecessors.
    q4 = ReportingPeriod.objects.get(year=2021, quarter=4)
    before = figures(q4, Commune.objects.filter(pk=new.pk), indicators=list(
        Indicator.objects.filter(code="ntm-communes-standard")))
    assert before["ntm-communes-standard"].quarter == 0


def _workbook(client, url):
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200
    today = format_date(timezone.localdate())
    return json.loads(json.dumps(fingerprint(response.getvalue(), today)))


@pytest.mark.parametrize("url", ["/reports/2021/q1/export.xlsx", "/reports/2021/year/export.xlsx"])
def test_a_workbook_before_the_merger_is_unchanged_cell_by_cell(demo, client_for, committee, url):
    client = client_for(committee)
    before = _workbook(client, url)
    lam, hop = Commune.objects.get(slug="ky-lam"), Commune.objects.get(slug="ky-hop")
    new = merge([lam, hop], "Lâm Hợp")
    enter(new, 2022, 1, {FLOW: Decimal(999)})
    NtmRecognition.objects.create(commune=new, level=NtmLevel.ADVANCED, year=2022,
                                  decision_date=datetime.date(2022, 2, 1))
    after = _workbook(client, url)
    assert [s["title"] for s in after["sheets"]] == [s["title"] for s in before["sheets"]]
    for got, want in zip(after["sheets"], before["sheets"]):
        assert got == want, got["title"]
    assert after["charts"] == before["charts"]


def test_commune_page_tells_the_merger_both_ways(merged, client_for, committee):
    new, (lam, hop) = merged["new"], merged["old"]
    NtmRecognition.objects.filter(commune=lam).update(decision_number="99/QĐ-UBND-LAM")
    client = client_for(committee)
    html = client.get(new.get_absolute_url()).content.decode()
    assert "Thành lập ngày 01/01/2022 trên cơ sở sáp nhập" in html
    assert f'href="{lam.get_absolute_url()}">xã Kỳ Lâm</a>' in html
    assert f'href="{hop.get_absolute_url()}">xã Kỳ Hợp</a>' in html
    assert "Công nhận trước sáp nhập" in html and "99/QĐ-UBND-LAM" in html
    # Its own level (none yet), not its predecessors' standard.
    assert '<span class="badge text-bg-success">Chưa đạt chuẩn NTM</span>' in html
    old_html = client.get(lam.get_absolute_url()).content.decode()
    assert "Đã sáp nhập vào" in old_html and "từ ngày 01/01/2022" in old_html
    assert f'href="{new.get_absolute_url()}">xã Lâm Hợp</a>' in old_html


def test_commune_block_shows_the_trend_with_the_predecessors(merged, client_for, committee):
    new = merged["new"]
    html = client_for(committee).get(f"/reports/communes/{new.slug}/").content.decode()
    assert 'id="commune-trend"' in html
    from ntm_portal.formats import format_number

    row = html.split('id="commune-trend"')[1].split("</table>")[0]
    for year, quarter in QUARTERS:
        assert f">{format_number(_by_hand(merged, year, quarter, FLOW))}</td>" in row
    assert "trước sáp nhập là tổng" in html


def _count(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_queries_do_not_grow_with_predecessors_or_quarters(merged, client_for, committee):
    """Lâm Hợp (two predecessors, six quarters) against a commune merged from four, one of
    them itself merged, with more quarters of data."""
    client = client_for(committee)
    small = merged["new"]
    pages = ["/communes/{}/", "/reports/communes/{}/"]
    for page in pages:
        client.get(page.format(small.slug))
    counts_small = [_count(client, page.format(small.slug)) for page in pages]
    dashboard_small = _count(client, "/reports/2022/q2/")
    others = [Commune.objects.get(slug=s) for s in ("ky-phong", "ky-tho", "ky-thu")]
    large = merge([small, *others], "Kỳ Lớn", on=datetime.date(2022, 7, 1))
    for commune in others:
        for year, quarter in QUARTERS:
            enter(commune, year, quarter, {FLOW: Decimal(5), STOCK: Decimal(6)})
        NtmRecognition.objects.create(commune=commune, level=NtmLevel.ADVANCED, year=2021,
                                      decision_date=datetime.date(2021, 9, 1))
    for quarter in (3, 4):
        enter(large, 2022, quarter, {FLOW: Decimal(7), STOCK: Decimal(8)})
    assert [_count(client, page.format(large.slug)) for page in pages] == counts_small
    assert _count(client, "/reports/2022/q4/") == dashboard_small


def test_mid_year_merger_the_year_to_date_and_the_target_include_the_predecessors(demo):
    """Merged on 1 July 2021: the new unit's year to date at Q3 is its predecessors' Q1
    and Q2 and its own Q3, and its target for the year is measured against that."""
    from criteria.models import Target
    from reports.panels import commune_block

    lam, hop = Commune.objects.get(slug="ky-lam"), Commune.objects.get(slug="ky-hop")
    new = merge([lam, hop], "Lâm Hợp", on=datetime.date(2021, 7, 1))
    entered = []
    for n, commune in enumerate((lam, hop)):
        for quarter in (1, 2):
            value = Decimal(40 + 9 * n + quarter)
            enter(commune, 2021, quarter, {FLOW: value})
            entered.append(value)
    enter(new, 2021, 3, {FLOW: Decimal(123)})
    ytd = sum(entered) + 123
    target = Target.objects.create(indicator=Indicator.objects.get(code=FLOW), year=2021,
                                   district=new.district, commune=new, low=Decimal(500))
    block = commune_block(new)
    assert (block["period"].year, block["period"].quarter) == (2021, 3)
    row = next(r for r in block["rows"] if r.indicator.code == FLOW)
    assert row.figure.quarter == 123
    assert row.figure.ytd == ytd
    assert row.share == pytest.approx(float(ytd) * 100 / float(target.low))


def test_a_unit_the_portal_never_held_makes_the_history_partial_and_says_so(
        merged, committee, client_for):
    """Lâm Hợp also took in a unit the portal never held: the figures that reach before
    the merger are partial; the page marks them and the narrative makes no year-on-year
    claim. Once the year before lies after the merger, only the cumulative column is
    marked and the narrative compares again."""
    from reports.narrative import narrative

    new = merged["new"]
    Commune.objects.filter(pk=new.pk).update(absent_predecessors="Xã Kỳ Hà (Thị xã Kỳ Anh)")
    q1 = ReportingPeriod.objects.get(year=2022, quarter=1)
    district, communes, restricted = communes_in_scope(committee, q1)
    dashboard = build_dashboard(q1, district, communes, restricted)
    assert dashboard.partial_history == [("Lâm Hợp", "Xã Kỳ Hà (Thị xã Kỳ Anh)")]
    text = " ".join(narrative(dashboard))
    assert "Không so sánh với cùng kỳ năm trước" in text and "Xã Kỳ Hà" in text
    assert "so với cùng kỳ" not in text.replace("Không so sánh với cùng kỳ", "")
    html = client_for(committee).get("/reports/2022/q1/").content.decode()
    assert 'id="partial-history"' in html and "Lâm Hợp: chưa gồm Xã Kỳ Hà (Thị xã Kỳ Anh)" in html
    assert html.count('<a href="#partial-history">(chưa đầy đủ)</a>') >= 2
    page = client_for(committee).get(new.get_absolute_url()).content.decode()
    assert 'id="lineage-partial"' in page and "Xã Kỳ Hà (Thị xã Kỳ Anh)" in page
    # The workbook and the Word report carry the same warning.
    import io

    import openpyxl
    from docx import Document

    assert dashboard.partial == {"previous", "cumulative", "year_ago", "trend"}
    note = ("Số liệu tính cả thời gian trước sáp nhập chưa đầy đủ (đánh dấu “(chưa đầy đủ)”): "
            "chưa gồm các đơn vị mà cổng chưa từng có báo cáo (Lâm Hợp: chưa gồm Xã Kỳ Hà "
            "(Thị xã Kỳ Anh)).")
    workbook = openpyxl.load_workbook(io.BytesIO(
        client_for(committee).get("/reports/2022/q1/export.xlsx").getvalue()))
    assert note in workbook.worksheets[0].cell(3, 1).value
    headers = [cell.value for cell in workbook.worksheets[0][5] if cell.value]
    assert "Cùng kỳ năm trước (chưa đầy đủ)" in headers, headers
    document = Document(io.BytesIO(
        client_for(committee).get("/reports/2022/q1/report.docx").content))
    assert note in [paragraph.text for paragraph in document.paragraphs]
    # A report whose year before and trend all lie after the merger is whole again.
    for year, quarter in ((2024, 4), (2025, 1)):
        ReportingPeriod.objects.get_or_create(year=year, quarter=quarter)
    later = ReportingPeriod.objects.get(year=2025, quarter=1)
    district, communes, restricted = communes_in_scope(committee, later)
    whole = build_dashboard(later, district, communes, restricted)
    # Only the cumulative column still reaches before the merger; the year before is
    # whole, so the narrative compares again.
    assert whole.partial == {"cumulative"}
    assert "Không so sánh" not in " ".join(whole.narrative)
    later_book = openpyxl.load_workbook(io.BytesIO(
        client_for(committee).get("/reports/2025/q1/export.xlsx").getvalue()))
    headings = [cell.value for cell in later_book.worksheets[0][5] if cell.value]
    assert "Lũy kế (chưa đầy đủ)" in headings and "Cùng kỳ năm trước" in headings, headings


def test_without_absent_units_the_narrative_still_compares(merged, committee):
    from reports.narrative import narrative

    q1 = ReportingPeriod.objects.get(year=2022, quarter=1)
    district, communes, restricted = communes_in_scope(committee, q1)
    dashboard = build_dashboard(q1, district, communes, restricted)
    assert dashboard.partial_history == []
    assert "Không so sánh" not in " ".join(narrative(dashboard))


def test_counts_of_units_by_level_are_not_compared_across_a_merger(merged, committee,
                                                                    client_for):
    """Lâm Hợp exists from 2022: a year before, the counts of communes by level counted Kỳ
    Lâm and Kỳ Hợp. Both counts are shown; no change is computed between them, on the
    page, in the level table, in the workbook and in the narrative."""
    import io

    import openpyxl

    q1 = ReportingPeriod.objects.get(year=2022, quarter=1)
    district, communes, restricted = communes_in_scope(committee, q1)
    dashboard = build_dashboard(q1, district, communes, restricted)
    assert dashboard.units_changed
    standard = dashboard.figures["ntm-communes-standard"]
    assert standard.quarter is not None and standard.year_ago is not None
    assert (standard.change, standard.change_percent) == (None, None)
    assert all(change is None and percent is None
               for _level, _count, _ago, change, percent in dashboard.level_rows)
    flow = dashboard.figures[FLOW]  # a flow over the lineage still compares
    assert flow.change is not None
    assert "Xã đạt chuẩn NTM" not in " ".join(dashboard.narrative).split("cùng kỳ năm trước")[-1]
    # The quarter just after the merger: the previous quarter counted the former
    # communes too, and both columns say so.
    assert dashboard.units_changed_previous
    html = client_for(committee).get("/reports/2022/q1/").content.decode()
    note = "không so với quý trước và cùng kỳ năm trước"
    assert 'id="levels-not-compared"' in html and note in html
    headline = html.split('data-code="ntm-communes-standard"')[1].split("</tr>")[0]
    assert headline.count('href="#levels-not-compared"') == 2, headline
    sheet = openpyxl.load_workbook(io.BytesIO(
        client_for(committee).get("/reports/2022/q1/export.xlsx").getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    row = next(r for r in rows if r[1] == "Xã đạt chuẩn NTM (lũy kế)")
    assert row[9] is not None and row[10] == "–" and row[11] == "–"
    assert any(isinstance(r[0], str) and note in r[0] for r in rows), "the workbook says why"
    # A quarter later, only the year before straddles the merger.
    q2 = ReportingPeriod.objects.get_or_create(year=2022, quarter=2)[0]
    district, communes, restricted = communes_in_scope(committee, q2)
    second = build_dashboard(q2, district, communes, restricted)
    assert second.units_changed and not second.units_changed_previous
    assert "quý trước" not in second.levels_note
    # Once the year before lies after the merger, the counts compare again.
    for quarter in (3, 4):
        ReportingPeriod.objects.get_or_create(year=2022, quarter=quarter)
    q1_2023 = ReportingPeriod.objects.get_or_create(year=2023, quarter=1)[0]
    district, communes, restricted = communes_in_scope(committee, q1_2023)
    later = build_dashboard(q1_2023, district, communes, restricted)
    assert not later.units_changed
    assert later.figures["ntm-communes-standard"].change is not None


def test_the_review_board_lists_the_communes_in_being(merged, staff, client_for):
    """The clerk's board for a quarter lists the communes in being at its end, as the
    dashboard counts them: after the merger Lâm Hợp, not Kỳ Lâm and Kỳ Hợp (they owe no
    report and are neither "not started" nor late); before it, the other way round."""
    client = client_for(staff)
    after = client.get("/review/2022/q1/").text
    assert "<td>Lâm Hợp</td>" in after
    assert "<td>Kỳ Lâm</td>" not in after and "<td>Kỳ Hợp</td>" not in after
    assert after.count("<tr><td>") == 20
    before = client.get("/review/2021/q4/").text
    assert "<td>Kỳ Lâm</td>" in before and "<td>Kỳ Hợp</td>" in before
    assert "<td>Lâm Hợp</td>" not in before
    # A former commune that did hand in a report for a later quarter stays on its board.
    enter(merged["old"][0], 2022, 1, {FLOW: Decimal(1)}, status=SubmissionStatus.SUBMITTED)
    assert "<td>Kỳ Lâm</td>" in client.get("/review/2022/q1/").text


def test_the_district_workbook_lists_the_communes_in_being(merged, staff, client_for):
    """The district's import template for a quarter has a row per commune in being at
    its end: the merged unit after the merger, its former communes before it."""
    import io

    import openpyxl

    def names(path):
        sheet = openpyxl.load_workbook(io.BytesIO(client_for(staff).get(path).content)).worksheets[0]
        return {row[1] for row in sheet.iter_rows(values_only=True) if row[1]}

    after, before = names("/review/2022/q1/template.xlsx"), names("/review/2021/q4/template.xlsx")
    assert "Lâm Hợp" in after and not {"Kỳ Lâm", "Kỳ Hợp"} & after
    assert {"Kỳ Lâm", "Kỳ Hợp"} <= before and "Lâm Hợp" not in before
