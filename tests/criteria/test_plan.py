"""The action plan: overdue, the service's permissions, versions and idempotent creation,
scope per role on every page, filters, and the demo plan."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError


from communes.versioning import StaleEdit
from criteria import tasks as service
from criteria.choices import OVERDUE, TaskOwnerKind, TaskStatus
from criteria.models import CriteriaSet, Task

from .test_scope_matrix import DENIED, HIDDEN, OK, check

D = datetime.date


def _criterion(number, level="commune_standard"):
    return CriteriaSet.in_force(level, D(2021, 3, 31)).all_criteria().get(number=number)


@pytest.fixture
def task(staff, ky_tay):
    task, _ = service.create_task(staff, {
        "commune": ky_tay, "criterion": _criterion(5), "title": "Sửa trường",
        "owner_kind": TaskOwnerKind.COMMUNE, "due_date": D(2030, 6, 30)})
    return task


def test_overdue_is_an_open_task_past_its_deadline(task):
    task.due_date = D(2021, 6, 30)
    assert task.state(D(2021, 6, 30)) == TaskStatus.NOT_STARTED
    assert task.state(D(2021, 7, 1)) == OVERDUE
    task.status = TaskStatus.DONE
    assert task.state(D(2021, 7, 1)) == TaskStatus.DONE
    assert not task.is_overdue(D(2030, 1, 1))


def test_overdue_queryset_matches_the_computation(demo):
    today = D(2026, 1, 1)
    overdue = set(Task.objects.overdue(today).values_list("pk", flat=True))
    assert overdue == {t.pk for t in Task.objects.all() if t.state(today) == OVERDUE}
    assert len(overdue) == 1  # the demo plan: one task overdue, the rest done


def test_demo_plan_of_the_seed_meeting(demo):
    for slug in ("ky-tay", "ky-lac"):
        tasks = Task.objects.filter(commune__slug=slug)
        assert tasks.count() >= 4
        assert tasks.filter(status=TaskStatus.DONE).exists()
        assert all(D(2021, 4, 1) <= t.due_date <= D(2021, 6, 30) for t in tasks)
        assert tasks.filter(owner_kind=TaskOwnerKind.SPONSOR, owner_unit__isnull=False).exists()
    assert Task.objects.filter(commune__isnull=True).exists()  # a district criterion's task


def test_only_staff_create(officer, committee, sponsor, ky_tay):
    data = {"commune": ky_tay, "criterion": _criterion(5), "title": "x",
            "owner_kind": TaskOwnerKind.COMMUNE, "due_date": D(2030, 1, 1)}
    for user in (officer, committee, sponsor):
        with pytest.raises(PermissionDenied):
            service.create_task(user, data)


def test_the_same_creation_key_creates_once(staff, ky_tay):
    data = {"commune": ky_tay, "criterion": _criterion(5), "title": "Một lần",
            "owner_kind": TaskOwnerKind.COMMUNE, "due_date": D(2030, 1, 1)}
    first, created = service.create_task(staff, data, creation_key="abc")
    second, created_again = service.create_task(staff, data, creation_key="abc")
    assert created and not created_again and first.pk == second.pk
    assert Task.objects.filter(title="Một lần").count() == 1


def test_model_rules_refuse_inconsistent_tasks(staff, ky_tay):
    base = {"criterion": _criterion(5), "title": "x", "due_date": D(2030, 1, 1)}
    with pytest.raises(ValidationError) as error:
        service.create_task(staff, {**base, "commune": ky_tay, "owner_kind": TaskOwnerKind.SPONSOR})
    assert "owner_unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # a commune criterion without a commune
        service.create_task(staff, {**base, "owner_kind": TaskOwnerKind.DEPARTMENT,
                                    "owner_department": "Phòng"})
    assert "criterion" in error.value.message_dict
    assert not Task.objects.filter(title="x").exists()


def test_owner_updates_progress_only(task, officer, other_officer, sponsor, committee):
    service.update_task(task, officer, {"status": TaskStatus.IN_PROGRESS, "notes": "đang làm"}, 1)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.version == 2
    assert task.history.first().history_user == officer
    with pytest.raises(PermissionDenied):
        service.update_task(task, officer, {"due_date": D(2040, 1, 1)}, 2)
    for user in (other_officer, sponsor, committee):
        with pytest.raises(PermissionDenied):
            service.update_task(task, user, {"notes": "x"}, 2)


def test_sponsor_owns_its_units_tasks(demo, sponsor):
    task = Task.objects.filter(owner_unit=sponsor.sponsoring_unit).first()
    assert service.is_owner(sponsor, task)
    service.update_task(task, sponsor, {"status": TaskStatus.DONE}, task.version)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_on is not None


def test_stale_version_is_refused_and_nothing_written(task, officer, staff):
    service.update_task(task, staff, {"notes": "staff"}, 1)
    stale = Task.objects.get(pk=task.pk)
    stale.version = 1
    with pytest.raises(StaleEdit):
        service.update_task(stale, officer, {"notes": "officer"}, 1)
    assert Task.objects.get(pk=task.pk).notes == "staff"


def test_reopening_a_done_task_clears_done_on(task, staff):
    service.update_task(task, staff, {"status": TaskStatus.DONE}, 1)
    assert task.done_on is not None
    service.update_task(task, staff, {"status": TaskStatus.IN_PROGRESS}, 2)
    assert task.done_on is None


# Scope per role: every page and the API (404 out of scope, 403 read-only).
CAST = ["officer", "other_officer", "staff", "committee", "sponsor", "admin_user"]
KY_TAY_COMMUNE_TASK = {  # a Kỳ Tây task owned by the commune
    "get": dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=OK, sponsor=OK, admin_user=OK),
    "post": dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK),
}
NEW = dict(officer=DENIED, other_officer=DENIED, staff=OK, committee=DENIED, sponsor=DENIED, admin_user=OK)
COMMUNE_PLAN = dict(officer=OK, other_officer=HIDDEN, staff=OK, committee=OK, sponsor=OK, admin_user=OK)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("method", ["get", "post"])
def test_task_page_scope(request, client_for, demo, role, method):
    user = request.getfixturevalue(role)
    task = Task.objects.filter(commune__slug="ky-tay", owner_kind=TaskOwnerKind.COMMUNE).first()
    client = client_for(user)
    if method == "get":
        response = client.get(f"/plan/{task.pk}/")
    else:
        response = client.post(f"/plan/{task.pk}/", {"version": task.version, "status": "done",
                                                      "notes": "ok", "evidence": ""})
    check(response, KY_TAY_COMMUNE_TASK[method][role])


@pytest.mark.parametrize("role", CAST)
def test_new_task_page_scope(request, client_for, demo, role):
    client = client_for(request.getfixturevalue(role))
    check(client.get("/plan/new/"), NEW[role])
    check(client.post("/plan/new/", {}), NEW[role] if NEW[role] != OK else OK)


@pytest.mark.parametrize("role", CAST)
def test_commune_plan_scope(request, client_for, demo, role):
    client = client_for(request.getfixturevalue(role))
    check(client.get("/communes/ky-tay/plan/"), COMMUNE_PLAN[role])


@pytest.mark.parametrize("role, expected", [
    ("officer", {"ky-tay"}), ("other_officer", {"ky-lac"}), ("sponsor", {"ky-tay"}),
    ("committee", {"ky-tay", "ky-lac", None}), ("staff", {"ky-tay", "ky-lac", None}),
])
def test_plan_list_shows_the_scope(request, client_for, demo, role, expected):
    client = client_for(request.getfixturevalue(role))
    response = client.get("/plan/")
    assert response.status_code == 200
    slugs = {t.commune.slug if t.commune else None for t in response.context["tasks"]}
    assert slugs == expected


def test_plan_list_overdue_first_and_filters(client_for, staff):
    client = client_for(staff)
    tasks = client.get("/plan/").context["tasks"]
    assert tasks[0].is_overdue()
    overdue = client.get("/plan/?state=overdue").context["tasks"]
    assert [t.pk for t in overdue] == [tasks[0].pk]
    assert {t.commune.slug for t in client.get("/plan/?commune=ky-lac").context["tasks"]} == {"ky-lac"}
    assert {t.criterion.number for t in client.get("/plan/?criterion=2").context["tasks"]} == {2}
    assert {t.owner_kind for t in client.get("/plan/?owner=sponsor").context["tasks"]} == {"sponsor"}
    # Nonsense filters are ignored, never an error page.
    assert client.get("/plan/?state=zzz&commune=nowhere&criterion=abc").status_code == 200


def test_new_task_form_double_post_creates_once(client_for, staff, ky_tay):
    client = client_for(staff)
    form = client.get("/plan/new/").context["form"]
    data = {"creation_key": form.initial["creation_key"], "commune": ky_tay.pk,
            "criterion": _criterion(5).pk, "title": "Hai lần bấm", "owner_kind": "commune",
            "owner_department": "", "owner_unit": "", "due_date": "30/09/2030",
            "status": "not_started", "notes": "", "evidence": ""}
    first = client.post("/plan/new/", data)
    second = client.post("/plan/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Task.objects.filter(title="Hai lần bấm").count() == 1


def test_new_task_form_keeps_input_on_error(client_for, staff, ky_tay):
    client = client_for(staff)
    response = client.post("/plan/new/", {
        "commune": ky_tay.pk, "criterion": _criterion(5).pk, "title": "Giữ chữ",
        "owner_kind": "sponsor", "due_date": "31/02/2030", "status": "not_started"})
    assert response.status_code == 400
    assert "Giữ chữ" in response.content.decode()
    assert not Task.objects.filter(title="Giữ chữ").exists()


def test_stale_task_form_answers_409(client_for, officer, staff):
    task = Task.objects.filter(commune__slug="ky-tay", owner_kind=TaskOwnerKind.COMMUNE).first()
    service.update_task(task, staff, {"notes": "mới"}, task.version)
    response = client_for(officer).post(f"/plan/{task.pk}/", {
        "version": task.version - 1, "status": "done", "notes": "cũ", "evidence": ""})
    assert response.status_code == 409
    assert Task.objects.get(pk=task.pk).notes == "mới"


def test_control_characters_are_refused(client_for, officer):
    task = Task.objects.filter(commune__slug="ky-tay", owner_kind=TaskOwnerKind.COMMUNE).first()
    response = client_for(officer).post(f"/plan/{task.pk}/", {
        "version": task.version, "status": "done", "notes": "a\x00b", "evidence": ""})
    assert response.status_code == 400
    assert Task.objects.get(pk=task.pk).notes != "a\x00b"


def test_commune_plan_shows_gaps_and_tasks(client_for, committee):
    response = client_for(committee).get("/communes/ky-lac/plan/")
    text = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [gap.criterion.number for gap, _tasks in rows] == [2, 20]
    assert all(tasks for _gap, tasks in rows)
    assert "Bê tông hóa 2,3 km" in text


def test_plan_pages_query_count_is_bounded(client_for, staff, django_assert_max_num_queries):
    client = client_for(staff)
    client.get("/plan/")
    for url in ("/plan/", "/communes/ky-tay/plan/"):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200




def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/plan/", "/communes/ky-tay/plan/", "/communes/ky-tay/",
                                 "/accounts/notifications/"])
def test_plan_query_count_does_not_grow_with_tasks_and_communes(client_for, staff, url):
    from communes.models import Commune

    client = client_for(staff)
    client.get(url)
    before = _count(client, url)
    criteria = list(CriteriaSet.in_force("commune_standard", D(2021, 3, 31)).all_criteria())
    communes = list(Commune.objects.all())
    for index in range(60):
        service.create_task(staff, {
            "commune": communes[index % len(communes)], "criterion": criteria[index % 19],
            "title": f"Việc {index}", "owner_kind": TaskOwnerKind.COMMUNE,
            "due_date": D(2021, 1, 1) + datetime.timedelta(days=30 * index)})
    assert _count(client, url) == before


def test_hostile_ids_answer_404(client_for, staff):
    client = client_for(staff)
    assert client.get("/plan/99999999999999999999999/").status_code == 404
    assert client.post("/accounts/notifications/99999999999999999999999/open/").status_code == 404
    assert client.get("/plan/?criterion=99999999999999999999").status_code == 200


def test_home_lists_the_owners_open_tasks(client_for, sponsor, officer, committee):
    overdue = Task.objects.overdue().get()
    text = client_for(sponsor).get("/").content.decode()
    assert 'id="my-tasks"' in text and overdue.title in text
    assert 'id="my-tasks"' not in client_for(committee).get("/").content.decode()


def test_staff_edits_the_whole_task_on_its_page(client_for, staff):
    task = Task.objects.filter(commune__slug="ky-lac").first()
    client = client_for(staff)
    form = client.get(f"/plan/{task.pk}/").context["form"]
    assert form.initial["commune"] == task.commune and form.initial["version"] == task.version
    data = {"version": task.version, "commune": task.commune_id, "criterion": task.criterion_id,
            "title": task.title, "owner_kind": "department", "owner_department": "Phòng Kinh tế",
            "owner_unit": "", "due_date": "15/09/2021", "status": "in_progress",
            "notes": "Gia hạn", "evidence": ""}
    assert client.post(f"/plan/{task.pk}/", data).status_code == 302
    task.refresh_from_db()
    assert (task.due_date, task.owner_department, task.done_on) == (D(2021, 9, 15), "Phòng Kinh tế", None)
