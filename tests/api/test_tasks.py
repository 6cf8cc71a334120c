"""/api/tasks/: scope per role, writes through the service, versions, idempotent creation."""

import datetime

import pytest

from criteria.choices import TaskOwnerKind, TaskStatus
from criteria.models import CriteriaSet, Task


def _ky_tay_task():
    return Task.objects.filter(commune__slug="ky-tay", owner_kind=TaskOwnerKind.COMMUNE).first()


@pytest.mark.parametrize("role, expected", [
    ("officer", {"ky-tay"}), ("other_officer", {"ky-lac"}), ("sponsor", {"ky-tay"}),
    ("committee", {"ky-tay", "ky-lac", None}), ("staff", {"ky-tay", "ky-lac", None}),
])
def test_list_holds_only_the_scope(request, api, demo, role, expected):
    response = api(request.getfixturevalue(role)).get("/api/tasks/", page_size=500)
    assert response.status_code == 200
    assert {row["commune_slug"] for row in response.json()["results"]} == expected


def test_overdue_filter_and_state(api, committee):
    rows = api(committee).get("/api/tasks/", state="overdue").json()["results"]
    assert len(rows) == 1 and rows[0]["state"] == "overdue" and rows[0]["status"] != "done"


def test_out_of_scope_task_is_404(api, other_officer):
    task = _ky_tay_task()
    assert api(other_officer).get(f"/api/tasks/{task.pk}/").status_code == 404
    response = api(other_officer).put(f"/api/tasks/{task.pk}/", {"version": task.version})
    assert response.status_code == 404


def test_owner_updates_progress_and_a_stale_version_is_409(api, officer):
    task = _ky_tay_task()
    client = api(officer)
    body = {"version": task.version, "status": "in_progress", "notes": "Đang thi công"}
    response = client.put(f"/api/tasks/{task.pk}/", body)
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == task.version + 1
    assert client.put(f"/api/tasks/{task.pk}/", body).status_code == 409
    assert Task.objects.get(pk=task.pk).notes == "Đang thi công"


def test_owner_may_not_change_the_deadline(api, officer):
    task = _ky_tay_task()
    response = api(officer).put(f"/api/tasks/{task.pk}/", {
        "version": task.version, "status": "done", "due_date": "01/01/2040"})
    assert response.status_code == 403
    assert Task.objects.get(pk=task.pk).due_date == task.due_date


def test_committee_and_sponsor_read_only(api, committee, sponsor):
    task = _ky_tay_task()
    for user in (committee, sponsor):
        response = api(user).put(f"/api/tasks/{task.pk}/", {"version": task.version,
                                                            "status": "done"})
        assert response.status_code == 403


def _new_task(ky_tay, key=""):
    criterion = CriteriaSet.in_force("commune_standard", datetime.date(2021, 3, 31)).all_criteria()
    return {"commune": ky_tay.pk, "criterion": criterion.get(number=5).pk,
            "title": "Làm qua API", "owner_kind": "commune", "due_date": "2030-06-30",
            "status": "not_started", "creation_key": key}


def test_staff_create_once_per_key(api, staff, ky_tay):
    client = api(staff)
    first = client.post("/api/tasks/", _new_task(ky_tay, "k-1"))
    again = client.post("/api/tasks/", _new_task(ky_tay, "k-1"))
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Task.objects.filter(title="Làm qua API").count() == 1


def test_officer_cannot_create(api, officer, ky_tay):
    assert api(officer).post("/api/tasks/", _new_task(ky_tay)).status_code == 403
    assert not Task.objects.filter(title="Làm qua API").exists()


def test_bad_input_is_400_with_field_messages(api, staff, ky_tay):
    body = {**_new_task(ky_tay), "due_date": "31/02/2030", "owner_kind": "sponsor",
            "title": "a\x00"}
    response = api(staff).post("/api/tasks/", body)
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    body["title"] = "Đúng"
    response = api(staff).post("/api/tasks/", body)
    assert response.status_code == 400 and "due_date" in response.json()["errors"]


def test_status_done_sets_done_on(api, staff):
    task = _ky_tay_task()
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS, done_on=None)
    response = api(staff).put(f"/api/tasks/{task.pk}/", {
        "version": task.version, "commune": task.commune_id, "criterion": task.criterion_id,
        "title": task.title, "owner_kind": task.owner_kind, "due_date": "2021-06-30",
        "status": "done"})
    assert response.status_code == 200, response.json()
    assert response.json()["done_on"]
