"""The API's scope mirrors the web: one test over every operation × every role × own and
other commune.

Roles: Kỳ Tây's officer, Kỳ Lạc's officer, district staff, committee, Kỳ Tây's sponsor,
administrator. Objects: Kỳ Tây's ("tay") and Kỳ Lạc's ("lac"). Out of scope → 404 (or 400
"unknown" for an id in a request body: the same answer as an id that does not exist); in
scope but not allowed → 403 with the reason; allowed → 200/201.
"""

import pytest
from django.utils import timezone

from communes.choices import SubmissionStatus as S
from communes.models import ModelArea, ModelGarden, ReportingPeriod, Submission, Village
from criteria import entry
from criteria.models import CriterionAssessment, IndicatorValue
from ocop.choices import Stage
from ocop.models import Product

ROLES = ["officer", "other_officer", "staff", "committee", "sponsor", "admin_user"]
SEES = {"officer": {"tay"}, "other_officer": {"lac"}, "staff": {"tay", "lac"},
        "committee": {"tay", "lac"}, "sponsor": {"tay"}, "admin_user": {"tay", "lac"}}
OFFICER_OF = {"officer": "tay", "other_officer": "lac"}
REVIEWERS = {"staff", "admin_user"}
SLUG = {"tay": "ky-tay", "lac": "ky-lac"}


def fill(submission, officer):
    """Every required figure and every criterion, entered by the commune's officer."""
    indicators = entry.entered_indicators(submission.commune.district_id)
    entry.save_figures(submission, officer, indicators, {i.pk: ("1", "") for i in indicators},
                       submission.version)
    _set, criteria = entry.criteria_for(submission)
    inputs = {c.pk: entry.CriterionInput(criterion=c, met="1") for c in criteria}
    entry.save_assessments(submission, officer, criteria, inputs, submission.version)
    submission.refresh_from_db()


def expected_write(role, target, allowed):
    if target not in SEES[role]:
        return 404
    return 200 if allowed else 403


# ---------------------------------------------------------------- what each rule expects

def reads(role, target):
    return 200 if target in SEES[role] else 404


def officer_writes(role, target):
    return expected_write(role, target, OFFICER_OF.get(role) == target)


def reviewer_acts(role, target):
    return expected_write(role, target, role in REVIEWERS)


def registry_writes(role, target):
    return expected_write(role, target, OFFICER_OF.get(role) == target or role in REVIEWERS)


def body_reference(allowed, created=201):
    def rule(role, target):
        if target not in SEES[role]:
            return 400
        return created if allowed(role, target) else 403
    return rule


# ---------------------------------------------------------------- how each operation is made

@pytest.fixture
def world(demo, ky_tay, ky_lac):
    """Objects of both communes (Q2/2021 of the demo: submitted, with figures and criteria)."""
    objects = {}
    for key, commune in (("tay", ky_tay), ("lac", ky_lac)):
        sub = Submission.objects.get(commune=commune, period__year=2021, period__quarter=2)
        objects[key] = {
            "submission": sub, "commune": commune,
            "village": Village.objects.filter(commune=commune).first(),
            "value": IndicatorValue.objects.filter(submission=sub).first(),
            "assessment": CriterionAssessment.objects.filter(submission=sub).first(),
            "area": ModelArea.objects.filter(village__commune=commune).first(),
            "garden": ModelGarden.objects.filter(village__commune=commune).first(),
            # A product entered before 6 July 2025: the district registers and rates it.
            "product": Product.objects.filter(commune=commune, procedure="district").first(),
        }
    return objects


def read(template):
    return lambda ctx: ("get", template.format(**ctx.objects), None)


def draft_write(operation):
    def make(ctx):
        sub = ctx.draft
        if operation == "submit" and OFFICER_OF.get(ctx.role) == ctx.target:
            fill(sub, ctx.user)
        body = {
            "values": {"version": sub.version, "values": [
                {"indicator": "ntm-houses-renovated", "value": "4.054"}]},
            "assessments": {"version": sub.version,
                            "assessments": [{"criterion": 1, "is_met": True}]},
            "texts": {"version": sub.version, "difficulties": "x", "proposals": "y"},
            "submit": {"version": sub.version},
        }[operation]
        return ("post" if operation == "submit" else "put",
                f"/api/submissions/{sub.pk}/{operation}/", body)
    return make


def review(operation, status_before):
    def make(ctx):
        Submission.objects.filter(pk=ctx.draft.pk).update(status=status_before)
        return "post", f"/api/submissions/{ctx.draft.pk}/{operation}/", {"comment": "Xem lại"}
    return make


def open_submission(ctx):
    period = ReportingPeriod.objects.get(year=2026, quarter=3)
    return "post", "/api/submissions/", {"commune": ctx.objects["commune"].pk, "period": period.pk}


def figures(ctx):
    period = ctx.objects["submission"].period_id
    return "get", f"/api/periods/{period}/figures/?commune={ctx.objects['commune'].pk}", None


def registry_create(kind):
    def make(ctx):
        day = min(timezone.localdate(), ctx.open_period.end_date).isoformat()
        commune = ctx.objects["commune"]
        if kind == "model-areas":
            busy = ModelArea.objects.filter(lapsed_on__isnull=True).values("village")
            village = Village.objects.filter(commune=commune).exclude(pk__in=busy).first()
            body = {"village": village.pk, "registered_on": day}
        else:
            village = Village.objects.filter(commune=commune).first()
            body = {"village": village.pk, "household": "Hộ ông Nguyễn Văn A",
                    "level": "district", "registered_on": day}
        return "post", f"/api/{kind}/", body
    return make


def registry_update(kind):
    def make(ctx):
        record = ctx.objects["area" if kind == "model-areas" else "garden"]
        body = {"village": record.village_id, "registered_on": record.registered_on.isoformat(),
                "recognised_on": record.recognised_on.isoformat() if record.recognised_on else "",
                "decision_number": record.decision_number, "note": "ghi chú mới",
                "version": record.version}
        if kind == "model-areas":
            body["building_since"] = (record.building_since.isoformat()
                                      if record.building_since else "")
        else:
            body.update(household=record.household, level=record.level)
        return "put", f"/api/{kind}/{record.pk}/", body
    return make


def ocop_register(ctx):
    product = ctx.objects["product"]
    return "post", f"/api/ocop/products/{product.pk}/register/", {
        "version": product.version, "registered_on": timezone.localdate().isoformat()}


def ocop_rate(ctx):
    product = ctx.objects["product"]
    Product.objects.filter(pk=product.pk).update(stage=Stage.REGISTERED)
    return "post", f"/api/ocop/products/{product.pk}/rate/", {
        "version": product.version, "score": "72,5", "level": "district",
        "decision_number": "123/QĐ-UBND",
        "decision_date": timezone.localdate().strftime("%d/%m/%Y")}


def two_tier_product(ctx, stage):
    """A product of the target commune under Decision 1489, at ``stage``."""
    product = ctx.objects["product"]
    return Product.objects.create(
        name=f"Sản phẩm 1489 {ctx.target}", commune=product.commune, producer=product.producer,
        group=product.group, year=2026, procedure="two_tier", stage=stage)


def ocop_propose(ctx):
    product = two_tier_product(ctx, Stage.CANDIDATE)
    points = {f"{point}_met": "yes" for point in ("origin", "materials", "labour", "idea", "identity")}
    return "post", f"/api/ocop/products/{product.pk}/propose/", {"version": product.version, **points}


def ocop_grade(ctx):
    product = two_tier_product(ctx, Stage.PROPOSED)
    return "post", f"/api/ocop/products/{product.pk}/rate/", {
        "version": product.version, "score": "72,5", "level": "province",
        "decision_number": "123/QĐ-UBND",
        "decision_date": timezone.localdate().strftime("%d/%m/%Y")}


OPERATIONS = {
    "commune": (read("/api/communes/{commune.pk}/"), reads),
    "village": (read("/api/villages/{village.pk}/"), reads),
    "submission": (read("/api/submissions/{submission.pk}/"), reads),
    "value": (read("/api/values/{value.pk}/"), reads),
    "assessment": (read("/api/assessments/{assessment.pk}/"), reads),
    "model-area": (read("/api/model-areas/{area.pk}/"), reads),
    "model-garden": (read("/api/model-gardens/{garden.pk}/"), reads),
    "ocop-product": (read("/api/ocop/products/{product.pk}/"), reads),
    "ocop-producer": (read("/api/ocop/producers/{product.producer_id}/"), reads),
    "figures": (figures, lambda role, target: 200 if target in SEES[role] else 400),
    "open-submission": (open_submission,
                        body_reference(lambda role, target: OFFICER_OF.get(role) == target)),
    "values": (draft_write("values"), officer_writes),
    "assessments": (draft_write("assessments"), officer_writes),
    "texts": (draft_write("texts"), officer_writes),
    "submit": (draft_write("submit"), officer_writes),
    "approve": (review("approve", S.SUBMITTED), reviewer_acts),
    "return": (review("return", S.SUBMITTED), reviewer_acts),
    "reopen": (review("reopen", S.APPROVED), reviewer_acts),
    "model-area-create": (registry_create("model-areas"), body_reference(
        lambda role, target: OFFICER_OF.get(role) == target or role in REVIEWERS)),
    "model-garden-create": (registry_create("model-gardens"), body_reference(
        lambda role, target: OFFICER_OF.get(role) == target or role in REVIEWERS)),
    "model-area-update": (registry_update("model-areas"), registry_writes),
    "model-garden-update": (registry_update("model-gardens"), registry_writes),
    "ocop-register": (ocop_register, reviewer_acts),
    "ocop-rate": (ocop_rate, reviewer_acts),
    # Decision 1489: the commune's officer proposes; the province grades (no district staff;
    # province staff are tested in tests/ocop/test_two_tier.py).
    "ocop-propose": (ocop_propose, lambda role, target: expected_write(
        role, target, OFFICER_OF.get(role) == target or role == "admin_user")),
    "ocop-grade": (ocop_grade, lambda role, target: expected_write(
        role, target, role == "admin_user")),
}


class Context:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_operation_scope(request, api, world, submissions, open_period, operation, role, target):
    user = request.getfixturevalue(role)
    ctx = Context(objects=world[target], draft=submissions[SLUG[target]], role=role,
                  target=target, user=user, open_period=open_period)
    make, rule = OPERATIONS[operation]
    method, url, body = make(ctx)
    client = api(user)
    response = client.get(url) if method == "get" else getattr(client, method)(url, body)
    expected = rule(role, target)
    assert response.status_code == expected, response.content[:300]
    if expected == 403:
        assert response.json()["detail"]  # the reason, for the user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/api/communes/", "/api/villages/", "/api/submissions/",
                                 "/api/values/", "/api/assessments/", "/api/model-areas/",
                                 "/api/model-gardens/", "/api/ocop/products/",
                                 "/api/ocop/producers/", "/api/ocop/ratings/"])
def test_lists_hold_only_what_the_role_sees(request, api, world, role, url):
    from communes.models import Commune

    response = api(request.getfixturevalue(role)).get(url, page_size=500)
    assert response.status_code == 200
    rows = response.json()["results"]
    if url == "/api/communes/":
        ids = {row["id"] for row in rows}
    elif url in ("/api/values/", "/api/assessments/"):
        ids = set(Submission.objects.filter(pk__in={row["submission"] for row in rows})
                  .values_list("commune_id", flat=True))
    else:
        ids = {row["commune"] for row in rows}
    slugs = set(Commune.objects.filter(pk__in=ids).values_list("slug", flat=True))
    expected = {SLUG[t] for t in SEES[role]}
    if len(SEES[role]) == 2:  # district readers: every commune
        assert expected <= slugs or url == "/api/ocop/ratings/"
        assert len(slugs) > 2 or url == "/api/ocop/ratings/"
    else:
        assert slugs <= expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/api/districts/", "/api/periods/", "/api/criteria-sets/",
                                 "/api/criteria/", "/api/criterion-indicators/",
                                 "/api/indicators/", "/api/targets/", "/api/ocop/product-groups/"])
def test_district_wide_lists_are_read_by_everyone(request, api, demo, role, url):
    response = api(request.getfixturevalue(role)).get(url)
    assert response.status_code == 200 and response.json()["count"] > 0


def test_anonymous_gets_401_except_the_schema(client, demo):
    assert client.get("/api/submissions/").status_code == 401
    assert client.get("/api/communes/").status_code == 401
    assert client.get("/api/schema/").status_code == 200
