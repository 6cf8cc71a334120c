"""The API's scope mirrors the web: every operation × every role × own and other commune.

Roles: Kỳ Tây's officer, Kỳ Lạc's officer, district staff, committee, Kỳ Tây's sponsor,
administrator. Objects: Kỳ Tây's ("tay") and Kỳ Lạc's ("lac"). Out of scope → 404;
in scope but not allowed → 403 (the workflow's message); allowed → 200/201.
"""

import pytest

from communes.choices import SubmissionStatus as S
from communes.models import ModelArea, ModelGarden, Submission, Village
from criteria import entry
from criteria.models import CriterionAssessment, IndicatorValue

@pytest.fixture
def q2(demo):
    from communes.models import ReportingPeriod

    return ReportingPeriod.objects.get(year=2021, quarter=2)


ROLES = ["officer", "other_officer", "staff", "committee", "sponsor", "admin_user"]
SEES = {"officer": {"tay"}, "other_officer": {"lac"}, "staff": {"tay", "lac"},
        "committee": {"tay", "lac"}, "sponsor": {"tay"}, "admin_user": {"tay", "lac"}}
OFFICER_OF = {"officer": "tay", "other_officer": "lac"}
REVIEWERS = {"staff", "admin_user"}
SLUG = {"tay": "ky-tay", "lac": "ky-lac"}


def fill(submission, officer):
    """Every required figure and every criterion, entered by the commune's officer."""
    indicators = entry.entered_indicators()
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
        }
    return objects


READS = {
    "commune": "/api/communes/{commune.pk}/",
    "village": "/api/villages/{village.pk}/",
    "submission": "/api/submissions/{submission.pk}/",
    "value": "/api/values/{value.pk}/",
    "assessment": "/api/assessments/{assessment.pk}/",
    "area": "/api/model-areas/{area.pk}/",
    "garden": "/api/model-gardens/{garden.pk}/",
}


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(READS))
def test_read_one(request, api, world, role, target, kind):
    objects = world[target]
    url = READS[kind].format(**objects)
    response = api(request.getfixturevalue(role)).get(url)
    assert response.status_code == (200 if target in SEES[role] else 404), response.content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/api/communes/", "/api/villages/", "/api/submissions/",
                                 "/api/values/", "/api/assessments/", "/api/model-areas/",
                                 "/api/model-gardens/"])
def test_lists_hold_only_what_the_role_sees(request, api, world, role, url):
    response = api(request.getfixturevalue(role)).get(url, page_size=500)
    assert response.status_code == 200
    rows = response.json()["results"]
    communes = {row.get("commune", row["id"] if url == "/api/communes/" else None) for row in rows}
    if url in ("/api/values/", "/api/assessments/"):
        ids = {row["submission"] for row in rows}
        communes = set(Submission.objects.filter(pk__in=ids).values_list("commune__slug", flat=True))
        expected = {SLUG[t] for t in SEES[role]}
        assert expected <= communes and (communes <= expected or len(SEES[role]) == 2)
        return
    slugs = set(__import__("communes.models", fromlist=["Commune"]).Commune.objects
                .filter(pk__in=communes).values_list("slug", flat=True))
    expected = {SLUG[t] for t in SEES[role]}
    if len(SEES[role]) == 2:
        assert expected <= slugs
    else:
        assert slugs == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/api/districts/", "/api/periods/", "/api/criteria-sets/",
                                 "/api/criteria/", "/api/criterion-indicators/",
                                 "/api/indicators/", "/api/targets/"])
def test_district_wide_lists_are_read_by_everyone(request, api, demo, role, url):
    response = api(request.getfixturevalue(role)).get(url)
    assert response.status_code == 200 and response.json()["count"] > 0


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
def test_period_figures(request, api, world, q2, role, target):
    commune = world[target]["commune"]
    response = api(request.getfixturevalue(role)).get(
        f"/api/periods/{q2.pk}/figures/", commune=commune.pk, include_submitted="1")
    # A commune outside the scope is "unknown": the same answer as one that does not exist.
    assert response.status_code == (200 if target in SEES[role] else 400)


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", ["values", "assessments", "texts", "submit"])
def test_commune_writes(request, api, submissions, role, target, operation):
    sub = submissions[SLUG[target]]
    if operation == "submit" and OFFICER_OF.get(role) == target:
        fill(sub, request.getfixturevalue(role))
    body = {
        "values": {"version": sub.version, "values": [{"indicator": "ntm-houses-renovated",
                                                        "value": "4.054"}]},
        "assessments": {"version": sub.version, "assessments": [{"criterion": 1, "is_met": True}]},
        "texts": {"version": sub.version, "difficulties": "x", "proposals": "y"},
        "submit": {"version": sub.version},
    }[operation]
    client = api(request.getfixturevalue(role))
    url = f"/api/submissions/{sub.pk}/{operation}/"
    response = client.post(url, body) if operation == "submit" else client.put(url, body)
    status = expected_write(role, target, OFFICER_OF.get(role) == target)
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["detail"]  # the workflow's reason, for the user


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation, status_before", [
    ("approve", S.SUBMITTED), ("return", S.SUBMITTED), ("reopen", S.APPROVED)])
def test_review_actions(request, api, submissions, role, target, operation, status_before):
    sub = submissions[SLUG[target]]
    Submission.objects.filter(pk=sub.pk).update(status=status_before)
    response = api(request.getfixturevalue(role)).post(
        f"/api/submissions/{sub.pk}/{operation}/", {"comment": "Xem lại số liệu"})
    assert response.status_code == expected_write(role, target, role in REVIEWERS), response.content


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
def test_open_a_submission(request, api, demo, ky_tay, ky_lac, role, target):
    from communes.models import ReportingPeriod

    period = ReportingPeriod.objects.get(year=2026, quarter=3)
    commune = {"tay": ky_tay, "lac": ky_lac}[target]
    response = api(request.getfixturevalue(role)).post(
        "/api/submissions/", {"commune": commune.pk, "period": period.pk})
    if target not in SEES[role]:
        assert response.status_code == 400  # unknown commune: its existence does not leak
    else:
        assert response.status_code == (201 if OFFICER_OF.get(role) == target else 403)


def test_anonymous_gets_401_except_the_schema(client, demo):
    assert client.get("/api/submissions/").status_code == 401
    assert client.get("/api/communes/").status_code == 401
    assert client.get("/api/schema/").status_code == 200


def registry_body(kind, commune, period):
    """A record for a village of ``commune`` that can take one, dated in the open period."""
    from django.utils import timezone

    day = min(timezone.localdate(), period.end_date).isoformat()
    if kind == "model-areas":
        busy = ModelArea.objects.filter(lapsed_on__isnull=True).values("village")
        village = Village.objects.filter(commune=commune).exclude(pk__in=busy).first()
        return {"village": village.pk, "registered_on": day}
    village = Village.objects.filter(commune=commune).first()
    return {"village": village.pk, "household": "Hộ ông Nguyễn Văn A", "level": "district",
            "registered_on": day}


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["model-areas", "model-gardens"])
def test_registry_create(request, api, open_period, ky_tay, ky_lac, role, target, kind):
    commune = {"tay": ky_tay, "lac": ky_lac}[target]
    response = api(request.getfixturevalue(role)).post(
        f"/api/{kind}/", registry_body(kind, commune, open_period))
    if target not in SEES[role]:
        assert response.status_code == 400  # unknown village: its existence does not leak
    else:
        allowed = OFFICER_OF.get(role) == target or role in REVIEWERS
        assert response.status_code == (201 if allowed else 403), response.content


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["model-areas", "model-gardens"])
def test_registry_update(request, api, world, role, target, kind):
    model = ModelArea if kind == "model-areas" else ModelGarden
    record = model.objects.filter(village__commune=world[target]["commune"]).first()
    body = {"village": record.village_id, "registered_on": record.registered_on.isoformat(),
            "recognised_on": record.recognised_on.isoformat() if record.recognised_on else "",
            "decision_number": record.decision_number, "note": "ghi chú mới",
            "version": record.version}
    if kind == "model-areas":
        body["building_since"] = record.building_since.isoformat() if record.building_since else ""
    else:
        body.update(household=record.household, level=record.level)
    response = api(request.getfixturevalue(role)).put(f"/api/{kind}/{record.pk}/", body)
    allowed = OFFICER_OF.get(role) == target or role in REVIEWERS
    assert response.status_code == expected_write(role, target, allowed), response.content
