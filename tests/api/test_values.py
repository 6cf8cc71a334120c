"""Writing figures through the API: the form's rules, messages, version check and history."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Submission
from criteria.models import IndicatorValue


def put_values(client, sub, values, version=None):
    return client.put(f"/api/submissions/{sub.pk}/values/",
                      {"version": sub.version if version is None else version, "values": values})


def test_figures_typed_the_vietnamese_way_are_saved_with_history(api, officer, submissions):
    sub = submissions["ky-tay"]
    response = put_values(api(officer), sub, [
        {"indicator": "ntm-houses-renovated", "value": "4.054", "comment": "theo báo cáo thôn"},
        {"indicator": "gnbv-poor-rate", "value": "12,5"}])
    assert response.status_code == 200, response.content
    assert response.json()["version"] == sub.version + 1
    values = {v.indicator.code: v for v in IndicatorValue.objects.filter(submission=sub)}
    assert values["ntm-houses-renovated"].value == 4054
    assert values["gnbv-poor-rate"].value == 12.5
    assert values["ntm-houses-renovated"].history.first().history_user == officer


def test_a_json_number_keeps_its_decimal_point(api, officer, submissions):
    sub = submissions["ky-tay"]
    response = put_values(api(officer), sub, [{"indicator": "gnbv-poor-rate", "value": 12.5},
                                              {"indicator": "ntm-houses-renovated", "value": 40}])
    assert response.status_code == 200, response.content
    assert IndicatorValue.objects.get(submission=sub, indicator__code="gnbv-poor-rate").value == 12.5


def test_bad_figures_save_nothing_and_say_why_in_vietnamese(api, officer, submissions):
    sub = submissions["ky-tay"]
    response = put_values(api(officer), sub, [
        {"indicator": "ntm-houses-renovated", "value": "bốn nghìn"},
        {"indicator": "gnbv-poor-rate", "value": "12,5"},
        {"indicator": "ntm-houses-renovated-x", "value": "1"}])
    assert response.status_code == 400
    body = response.json()
    assert "values.2.indicator" in body["errors"]
    response = put_values(api(officer), sub, [
        {"indicator": "ntm-houses-renovated", "value": "bốn nghìn"},
        {"indicator": "gnbv-poor-rate", "value": "-3"}])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "không phải là số" in errors["ntm-houses-renovated"][0]
    assert "âm" in errors["gnbv-poor-rate"][0]
    assert "Không có gì được lưu" in response.json()["detail"]
    assert not IndicatorValue.objects.filter(submission=sub).exists()
    assert Submission.objects.get(pk=sub.pk).version == sub.version


def test_a_value_too_large_to_store_is_an_input_error(api, officer, submissions):
    sub = submissions["ky-tay"]
    response = put_values(api(officer), sub, [{"indicator": "ntm-houses-renovated",
                                               "value": "1" + "0" * 15}])
    assert response.status_code == 400


def test_a_stale_version_is_refused_with_409_and_the_newer_data_kept(api, officer, submissions):
    sub = submissions["ky-tay"]
    client = api(officer)
    assert put_values(client, sub, [{"indicator": "ntm-houses-renovated", "value": "10"}]).status_code == 200
    stale = put_values(client, sub, [{"indicator": "ntm-houses-renovated", "value": "99"}],
                       version=sub.version)
    assert stale.status_code == 409
    assert "Không có gì của bạn được lưu" in stale.json()["detail"]
    assert IndicatorValue.objects.get(submission=sub, indicator__code="ntm-houses-renovated").value == 10


def test_a_locked_submission_answers_403_with_the_reason(api, officer, demo):
    sub = Submission.objects.get(commune__slug="ky-tay", period__year=2021, period__quarter=1)
    response = put_values(api(officer), sub, [{"indicator": "ntm-houses-renovated", "value": "1"}])
    assert response.status_code == 403
    assert "đã được duyệt" in response.json()["detail"] or "khóa" in response.json()["detail"]


def test_workflow_through_the_api(api, officer, staff, submissions):
    from tests.api.test_scope import fill

    sub = submissions["ky-tay"]
    fill(sub, officer)
    response = api(officer).post(f"/api/submissions/{sub.pk}/submit/", {"version": sub.version})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    client = api(staff)
    refused = client.post(f"/api/submissions/{sub.pk}/return/", {"comment": " "})
    assert refused.status_code == 403 and "bắt buộc" in refused.json()["detail"]
    response = client.post(f"/api/submissions/{sub.pk}/approve/", {"comment": ""})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["lock"]["locked"]


def test_list_queries_do_not_grow_with_the_rows(api, staff, demo):
    client = api(staff)
    counts = {}
    for size in (5, 200):
        for url in ("/api/values/", "/api/submissions/", "/api/assessments/", "/api/communes/",
                    "/api/villages/", "/api/model-areas/", "/api/model-gardens/", "/api/criteria/",
                    "/api/targets/", "/api/ocop/products/", "/api/ocop/ratings/",
                    "/api/ocop/producers/"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, page_size=size)
            assert response.status_code == 200
            counts[(url, size)] = len(queries)
    print({url: n for (url, size), n in counts.items() if size == 200})
    for url in {u for u, _s in counts}:
        assert counts[(url, 5)] == counts[(url, 200)], (url, counts)


def test_registry_writes_use_the_forms_rules_and_the_version(api, officer, staff, ky_tay):
    from communes.models import ModelGarden

    garden = ModelGarden.objects.filter(village__commune=ky_tay).first()
    body = {"village": garden.village_id, "household": garden.household, "level": garden.level,
            "registered_on": "2099-01-01", "version": garden.version}
    response = api(staff).put(f"/api/model-gardens/{garden.pk}/", body)
    assert response.status_code == 400
    assert "tương lai" in response.json()["errors"]["registered_on"][0]
    body["registered_on"] = garden.registered_on.strftime("%d/%m/%Y")
    body["recognised_on"] = garden.recognised_on.isoformat() if garden.recognised_on else ""
    body["decision_number"] = garden.decision_number
    ok = api(staff).put(f"/api/model-gardens/{garden.pk}/", body)
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == garden.version + 1
    stale = api(staff).put(f"/api/model-gardens/{garden.pk}/", body)
    assert stale.status_code == 409
    garden.refresh_from_db()
    assert garden.history.first().history_user == staff
