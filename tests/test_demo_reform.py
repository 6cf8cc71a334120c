"""The 2026 demo (``seed_demo --until 2026``): Kỳ Anh's communes merged on 1 July 2025 into
the units the package ``vietnamadminunits`` names, illustrative figures of 2024–2026."""

import datetime
import re
from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from communes.choices import CommuneKind, Role, SubmissionStatus
from communes.models import Commune, District, ReportingPeriod, Submission, User, Village
from communes.scoping import CHANGE, VIEW
from communes.seed import DEMO_PASSWORD
from communes.seed_reform import officer_login, reform_groups
from communes.units import REFORM_DATE
from criteria.models import CriterionAssessment, IndicatorValue
from ocop.choices import Procedure
from ocop.models import Product
from ocop.seed import TWO_TIER
from ocop.seed_reform import RATED_AFTER_REFORM

LAST_DAY = datetime.date(2025, 6, 30)
S = SubmissionStatus


def counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in ("communes", "criteria", "ocop", "auth")}


def package_successor(commune):
    """The package's own converter (its public API), independent of the seed's reading."""
    from vietnamadminunits import convert_address

    return convert_address(f"Xã {commune.name}, Huyện Kỳ Anh, Tỉnh Hà Tĩnh")


def former_communes():
    return list(Commune.objects.filter(district__slug="ky-anh").order_by("name"))


def periods_2024_2026():
    return [p for p in ReportingPeriod.objects.order_by("year", "quarter")
            if (2024, 1) <= (p.year, p.quarter) <= (2026, 4)]


def test_until_2021_is_the_old_demo(demo):
    """The tests' data (loaded with --until 2021) knows nothing of the reform."""
    assert Commune.objects.filter(district=demo).count() == 21
    assert not Commune.objects.filter(valid_to__isnull=False).exists()
    assert not Commune.objects.filter(valid_from__isnull=False).exists()
    assert not District.objects.filter(slug="ha-tinh-2025").exists()
    assert set(Submission.objects.values_list("period__year", flat=True)) == {2021}
    assert not User.objects.filter(username__in=["tinh-staff", "tinh-committee"]).exists()
    assert not User.objects.filter(username__startswith="xa-").exists()
    assert not Product.objects.filter(commune__valid_from=REFORM_DATE).exists()


def test_groups_come_from_the_package(reform_demo):
    old = former_communes()
    assert len(old) == 21
    for commune in old:
        unit = package_successor(commune)
        successor = commune.successors.get()
        assert (successor.code, successor.name) == (unit.ward_code, unit.short_ward), commune.name
        assert successor.kind == (CommuneKind.WARD if unit.ward_type == "Phường"
                                  else CommuneKind.COMMUNE)
        assert successor.district == reform_demo
    # Every new unit the package names for them, and no other, is in the demo.
    codes = {package_successor(c).ward_code for c in old}
    assert set(Commune.objects.filter(district=reform_demo).values_list("code", flat=True)) \
        == codes
    assert {code for code, *_rest in reform_groups("42", "447")} == codes
    # Kỳ Lâm and Kỳ Hợp (Lâm Hợp in the package's former list) go to the same unit.
    assert Commune.objects.get(name="Kỳ Lâm").successors.get() == \
        Commune.objects.get(name="Kỳ Hợp").successors.get()


def test_former_communes_closed_new_units_valid(reform_demo):
    old = former_communes()
    assert {c.valid_to for c in old} == {LAST_DAY}
    assert District.objects.get(slug="ky-anh").valid_to == LAST_DAY
    new = list(Commune.objects.filter(district=reform_demo).prefetch_related("predecessors"))
    assert new and all(c.valid_from == REFORM_DATE and c.valid_to is None for c in new)
    assert sorted(p.pk for c in new for p in c.predecessors.all()) == sorted(c.pk for c in old)
    assert not Commune.objects.filter(district__slug="ky-anh").active(REFORM_DATE).exists()
    assert Commune.objects.filter(district__slug="ky-anh").active(LAST_DAY).count() == len(old)
    assert Commune.objects.filter(district=reform_demo).active(REFORM_DATE).count() == len(new)
    # Villages carried over, invented, each with its former village as predecessor.
    carried = Village.objects.filter(commune__in=new)
    assert carried.count() == Village.objects.filter(commune__in=old).count()
    assert not carried.filter(is_invented=False).exists()
    assert not carried.filter(predecessors__isnull=True).exists()
    assert set(Village.objects.filter(commune__in=old).values_list("valid_to", flat=True)) \
        == {LAST_DAY}


def test_moved_officers_are_named_after_their_new_unit(reform_demo):
    """A former commune's demo officer moved with the merger: the greeting on the new
    unit's pages names the new unit, and the former commune only as before."""
    officer = User.objects.get(username="ky-tay")
    assert officer.commune.district == reform_demo
    assert officer.first_name == f"Cán bộ xã {officer.commune.name} (trước đây xã Kỳ Tây)"
    for user in User.objects.filter(role=Role.OFFICER, commune__district=reform_demo):
        assert user.commune.name in user.first_name, user.first_name


def test_figures_approved_in_every_quarter_but_the_last_drafts(reform_demo):
    old = former_communes()
    new = list(Commune.objects.filter(district=reform_demo))
    periods = periods_2024_2026()
    assert len(periods) == 12
    q1_2021 = IndicatorValue.objects.filter(
        submission__period__year=2021, submission__period__quarter=1,
        submission__commune__in=old, indicator__code="ntm-houses-renovated",
    ).aggregate(total=Sum("value"))["total"]
    for period in periods:
        units = new if period.start_date >= REFORM_DATE else old
        submissions = Submission.objects.filter(period=period, commune__in=old + new)
        assert {s.commune_id for s in submissions} == {u.pk for u in units}, str(period)
        statuses = set(submissions.values_list("status", flat=True))
        if (period.year, period.quarter) == (2026, 4):
            assert statuses == {S.APPROVED, S.SUBMITTED, S.DRAFT}
        else:
            assert statuses == {S.APPROVED}, str(period)
        assert all("Số liệu minh họa" in s.difficulties for s in submissions)
        assert not submissions.filter(values__isnull=True).exists()
        assert CriterionAssessment.objects.filter(submission__in=submissions).exists()
        total = IndicatorValue.objects.filter(
            submission__in=submissions, indicator__code="ntm-houses-renovated",
        ).aggregate(total=Sum("value"))["total"]
        # Plausible: the scale of the real Q1 2021 report.
        assert q1_2021 / 2 < total < q1_2021 * Decimal("1.5"), str(period)
    approved = Submission.objects.filter(period__in=periods, status=S.APPROVED)
    assert not approved.filter(reviewed_at__isnull=True).exists()
    assert set(approved.filter(commune__in=new).values_list("reviewed_by__username", flat=True)) \
        == {"tinh-staff"}


def test_figures_are_deterministic(reform_demo):
    period = ReportingPeriod.objects.get(year=2025, quarter=3)

    def values():
        return sorted(IndicatorValue.objects.filter(submission__period=period).values_list(
            "submission__commune__code", "indicator__code", "value"))

    before = values()
    assert before
    Submission.objects.filter(period=period).delete()
    call_command("seed_demo", "--until", "2026", stdout=StringIO())
    assert values() == before


def test_ocop_products_of_the_new_units_follow_decision_1489(reform_demo):
    products = Product.objects.filter(commune__district=reform_demo)
    assert products.exists()
    for product in products:
        assert product.procedure == Procedure.TWO_TIER
        assert product.pre_assessment.assessed_on >= datetime.date(2025, 7, 6)
        for rating in product.ratings.all():
            assert rating.decision_date > product.pre_assessment.assessed_on
            assert rating.stars >= 3 and "minh họa" in rating.decision_number
    assert products.filter(ratings__isnull=False).count() == len(RATED_AFTER_REFORM)
    # The 2021 demo's products entered after the reform are at the new units, with their producers.
    two_tier = Product.objects.filter(procedure=Procedure.TWO_TIER).select_related(
        "commune", "producer", "pre_assessment")
    assert {row[1] for row in TWO_TIER} <= set(products.values_list("name", flat=True))
    assert two_tier.count() == products.count()
    for product in two_tier:
        assert product.commune.valid_from == REFORM_DATE, product.name
        assert product.producer.commune == product.commune


def test_logins_see_their_own_unit_and_read_its_history(reform_demo, client):
    new = list(Commune.objects.filter(district=reform_demo).order_by("name"))
    for commune in new:
        officer = User.objects.get(username=officer_login(commune.name))
        assert (officer.role, officer.commune) == (Role.OFFICER, commune)
        assert officer.check_password(DEMO_PASSWORD)
        # They read their former communes' history, and change only their own unit's.
        former = set(commune.predecessors.values_list("pk", flat=True))
        assert former
        assert set(Submission.objects.restrict(officer, VIEW).values_list("commune", flat=True)) \
            == {commune.pk} | former
        assert set(Submission.objects.restrict(officer, CHANGE).values_list(
            "commune", flat=True)) == {commune.pk}
    first, other = new[0], new[1]
    response = client.post(reverse("login"), {"username": officer_login(first.name),
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("communes:detail", args=[first.slug])).status_code == 200
    assert client.get(reverse("communes:detail", args=[other.slug])).status_code in (403, 404)

    staff, committee = User.objects.get(username="tinh-staff"), User.objects.get(
        username="tinh-committee")
    assert staff.province == committee.province == reform_demo.province
    assert (staff.role, committee.role) == (Role.STAFF, Role.COMMITTEE)
    seen = set(Submission.objects.restrict(staff, CHANGE).values_list("commune", flat=True))
    assert {c.pk for c in new} <= seen
    assert not Submission.objects.restrict(committee, CHANGE).exists()
    assert set(Submission.objects.restrict(committee, VIEW).values_list("commune", flat=True)) \
        == seen
    client.logout()
    response = client.post(reverse("login"), {"username": "tinh-staff",
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("reports:dashboard", args=[2025, 3]), {"unit": reform_demo.slug})
    assert page.status_code == 200
    assert first.name in page.content.decode()


def test_seed_twice_does_not_duplicate(reform_demo):
    before = counts()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("seed_demo", stdout=StringIO())  # the default is --until 2026
    assert counts() == before
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_year_on_year_shows_on_both_sides_of_the_reform(reform_demo, client):
    """The dashboard compares a quarter with the same quarter a year before: the former
    district in 2025 Q2 (with 2024 Q2), the new units in 2026 Q3 (with 2025 Q3)."""
    import re

    from ntm_portal.formats import format_number

    client.force_login(User.objects.get(username="tinh-staff"))
    for unit, year, quarter in (("ky-anh", 2025, 2), (reform_demo.slug, 2026, 3)):
        previous = IndicatorValue.objects.filter(
            submission__commune__district__slug=unit, submission__status=S.APPROVED,
            submission__period__year=year - 1, submission__period__quarter=quarter,
            indicator__code="ntm-houses-renovated").aggregate(total=Sum("value"))["total"]
        assert previous
        html = client.get(reverse("reports:dashboard", args=[year, quarter]),
                          {"unit": unit}).content.decode()
        start = html.index("Nhà ở được chỉnh trang</td>")
        row = re.sub(r"<[^>]+>", " ", html[start:html.index("</tr>", start)])
        assert format_number(previous) in row.split(), (unit, row)


def test_a_closed_district_s_board_says_why_it_is_empty(reform_demo, client):
    """Kỳ Anh's communes merged on 1 July 2025: its clerk's board for a later quarter
    lists nobody as "not started" or late, and says why; the province's lists the new
    units only."""
    client.force_login(User.objects.get(username="staff"))
    page = client.get("/review/2026/q1/").text
    assert 'id="board-empty"' in page and "sáp nhập" in page
    client.force_login(User.objects.get(username="tinh-staff"))
    page = client.get("/review/2026/q1/").text
    for commune in Commune.objects.filter(district=reform_demo):
        assert f"<td>{commune.name}</td>" in page
    assert "<td>Kỳ Tây</td>" not in page  # closed on 30 June 2025


def test_the_commune_list_keeps_former_communes_apart(reform_demo, client):
    """The province's list after the merger: today's units above, counted by level; the
    communes closed on 30 June 2025 below, not counted, each with the unit it joined."""
    client.force_login(User.objects.get(username="tinh-committee"))
    page = client.get("/communes/").text
    current, former = page.split('id="former-communes"')
    new = list(Commune.objects.filter(district=reform_demo))
    for commune in new:
        assert f">{commune.name}</a>" in current
    old = former_communes()
    assert all(f">{c.name}</a>" in former for c in old)
    ky_tay = next(c for c in old if c.name == "Kỳ Tây")
    assert ky_tay.successors.get().name in former.split(">Kỳ Tây</a>")[1].split("</tr>")[0]
    counted = sum(int(n) for n in re.findall(r'badge[^>]*>[^<:]+: (\d+)<', current))
    assert counted == Commune.objects.restrict(
        User.objects.get(username="tinh-committee")).active().count()
    assert counted < len(new) + len(old)


def test_tasks_go_to_communes_in_being(reform_demo):
    """A new task is offered today's units only (two "Kỳ Lạc" would be one too many); the
    plan's filter keeps the former ones, marked with the day they closed; a task of a
    former commune still saves with its commune."""
    from django.utils import translation

    from criteria.models import Criterion
    from criteria.plan_forms import TaskFilterForm, TaskForm

    staff = User.objects.get(username="tinh-staff")
    offered = set(TaskForm(user=staff, new=True).fields["commune"].queryset)
    assert offered == set(Commune.objects.restrict(staff).active())
    old = Commune.objects.get(district__slug="ky-anh", name="Kỳ Lạc")
    with translation.override("vi"):
        labels = [str(label) for _value, label in TaskFilterForm(user=staff).fields["commune"].choices]
    assert "Kỳ Lạc (đến 30/06/2025)" in labels and "Kỳ Lạc" in labels

    class Kept:  # a task of the former commune, as the edit view passes it
        commune_id = old.pk

    criterion = Criterion.objects.first()
    form = TaskForm({"commune": old.pk, "criterion": criterion.pk, "title": "Rà soát",
                     "owner_kind": "department", "owner_department": "Phòng Kinh tế",
                     "due_date": "31/12/2026", "status": "open", "version": 1},
                    user=staff, task=Kept())
    form.is_valid()
    assert "commune" not in form.errors, form.errors
    new_form = TaskForm({"commune": old.pk}, user=staff, new=True)
    new_form.is_valid()
    assert "commune" in new_form.errors


def test_the_home_page_counts_communes_in_being(reform_demo, client):
    """The province's home counts today's units, and the former communes apart."""
    committee = User.objects.get(username="tinh-committee")
    client.force_login(committee)
    page = client.get("/").text
    now = Commune.objects.restrict(committee).active().count()
    former = Commune.objects.restrict(committee).filter(valid_to__lt=datetime.date.today()).count()
    assert former and f"Bạn xem được {now} xã" in page, page
    assert f"lịch sử của {former} xã cũ" in page
