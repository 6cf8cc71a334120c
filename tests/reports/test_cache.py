"""Cached dashboards: a repeat view is a cache read, and every kind of write shows at once."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes import registry, workflow
from communes.choices import SubmissionStatus as S
from communes.models import Commune, ModelArea, ReportingPeriod, Submission
from criteria.aggregates import figures
from criteria.entry import entered_indicators, save_figures
from criteria.models import Indicator, Target
from ocop import lifecycle
from ocop.models import Product
from reports.cache import data_version


def ky_anh():
    """The demo district (its catalogue choices apply to its communes' forms)."""
    from communes.models import District

    return District.objects.get(slug="ky-anh").pk

Q1, Q2 = "/reports/2021/q1/", "/reports/2021/q2/"
HOUSES = "ntm-houses-renovated"


@pytest.fixture
def reader(client_for, committee):
    client = client_for(committee)

    def view(url):
        response = client.get(url)
        assert response.status_code == 200
        return response.context["d"]

    return view


def _period(quarter):
    return ReportingPeriod.objects.get(year=2021, quarter=quarter)


def test_a_repeat_view_is_a_cache_read(client_for, committee):
    client = client_for(committee)
    client.get(Q1)
    with CaptureQueriesContext(connection) as first:
        client.get(Q1)
    # What is left is the request's own: session, user, the bell's count, the unit's name.
    data_tables = ("indicatorvalue", "communes_submission", "criterionassessment",
                   "modelarea", "modelgarden", "ocop_", "indicatorrollup", "ntmrecognition")
    reads = [q["sql"] for q in first.captured_queries if any(t in q["sql"] for t in data_tables)]
    assert not reads, reads


def test_an_approval_shows_at_once(reader, staff):
    before = reader(Q2).figures[HOUSES].quarter
    submission = Submission.objects.filter(period=_period(2), status=S.SUBMITTED).first()
    workflow.approve(submission, staff)
    after = reader(Q2).figures[HOUSES].quarter
    assert after == figures(_period(2))[HOUSES].quarter
    assert after > before


def test_a_reopening_shows_at_once(reader, staff):
    before = reader(Q1)
    submission = Submission.objects.filter(period=_period(1), status=S.APPROVED).first()
    workflow.reopen(submission, staff, "Sửa số liệu")
    after = reader(Q1)
    assert after.figures[HOUSES].quarter < before.figures[HOUSES].quarter
    assert after.completeness_counts["approved"] == before.completeness_counts["approved"] - 1


def test_a_registry_change_shows_at_once(reader, staff):
    before = reader(Q1).figures["ntm-model-areas-new"].quarter
    area = ModelArea.objects.filter(recognised_on__isnull=True, village__commune__district__slug="ky-anh",
                                    lapsed_on__isnull=True).first()
    area.recognised_on = datetime.date(2021, 2, 1)
    area.decision_number = "1/QĐ"
    registry.save_record(area, staff, area.version)
    assert reader(Q1).figures["ntm-model-areas-new"].quarter == before + 1


def test_an_ocop_rating_shows_at_once(reader, staff):
    url = "/reports/2021/q4/"
    before = reader(url).ocop.products_by_star
    product = Product.objects.get(slug="bot-nghe-ky-tay")
    lifecycle.register(product, staff, datetime.date(2021, 6, 1))
    lifecycle.rate(product, staff, score=Decimal("72"), level="province", decision_number="1/QĐ",
                   decision_date=datetime.date(2021, 7, 1))
    after = reader(url).ocop.products_by_star
    assert after.get(4, 0) == before.get(4, 0) + 1


def test_a_catalogue_change_shows_at_once(reader):
    assert "ntm-clean-house-models" in reader(Q1).figures
    indicator = Indicator.objects.get(code="ntm-clean-house-models")
    indicator.is_active = False
    indicator.save()
    assert "ntm-clean-house-models" not in reader(Q1).figures


def test_a_target_change_shows_at_once(reader):
    target = Target.objects.filter(year=2021, commune__isnull=True).select_related("indicator").first()
    code = target.indicator.code
    assert reader(Q1).targets[code].low == target.low
    target.low += 7
    target.save()
    assert reader(Q1).targets[code].low == target.low


def test_new_drafts_show_at_once(reader, staff):
    period = _period(4)
    have = Submission.objects.filter(period=period).values_list("commune_id", flat=True)
    missing = Commune.objects.filter(district__slug="ky-anh").exclude(pk__in=have)[:1]
    assert missing, "the demo has a commune without a Q4 report"
    url = "/reports/2021/q4/"
    rows = {r.commune.pk: r for r in reader(url).completeness}
    assert rows[missing[0].pk].submission is None
    workflow.create_drafts(list(missing), period, staff)
    rows = {r.commune.pk: r for r in reader(url).completeness}
    assert rows[missing[0].pk].submission.status == S.DRAFT


def test_saving_figures_bumps_the_data_version(officer, open_period):
    submission, _created = Submission.objects.get_or_create(
        commune=Commune.objects.get(slug="ky-tay"), period=open_period)
    submission = Submission.objects.select_related("period", "commune").get(pk=submission.pk)
    before = data_version()
    indicators = entered_indicators(ky_anh())
    save_figures(submission, officer, indicators, {indicators[0].pk: ("3", "")}, submission.version)
    assert data_version() > before


def test_scopes_do_not_share_a_cached_dashboard(client_for, committee, sponsor):
    assert client_for(committee).get(Q1).context["d"].commune_count == 21
    assert client_for(sponsor).get(Q1).context["d"].commune_count == 1


def test_the_commune_block_is_cached_and_shows_an_approval(client_for, committee, staff):
    client = client_for(committee)
    url = "/reports/communes/ky-tay/"
    first = client.get(url).context["panel"]
    with CaptureQueriesContext(connection) as repeat:
        assert client.get(url).context["panel"]["period"] == first["period"]
    assert not [q for q in repeat.captured_queries if "indicatorvalue" in q["sql"]]
    submission = Submission.objects.filter(commune__slug="ky-tay", status=S.APPROVED).order_by(
        "-period__year", "-period__quarter").first()
    workflow.reopen(submission, staff, "Sửa số liệu")
    assert client.get(url).context["panel"]["period"] != first["period"]


def test_the_cached_page_body_changes_with_an_approval(client_for, committee, staff):
    client = client_for(committee)

    def coverage():
        html = client.get(Q2).content.decode()
        return re.search(r'id="coverage">([^<]*)<', html).group(1)

    before = coverage()
    assert coverage() == before  # the repeat view: the cached body
    submission = Submission.objects.filter(period=_period(2), status=S.SUBMITTED).first()
    workflow.approve(submission, staff)
    assert coverage() != before
