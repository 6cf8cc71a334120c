"""Registries of model areas and gardens: dated rules, one record per village, versions."""

import datetime

from django.utils import timezone

from communes.models import ModelArea, Village

NEW = "/communes/ky-tay/registries/areas/new/"


def free_village(commune_slug="ky-tay"):
    return Village.objects.filter(commune__slug=commune_slug).exclude(
        model_areas__lapsed_on__isnull=True, model_areas__isnull=False).first()


def d(day):
    return day.strftime("%d/%m/%Y")


def test_officer_registers_a_village_in_the_open_quarter(client_for, officer, open_period):
    village = free_village()
    response = client_for(officer).post(NEW, {"village": village.pk, "registered_on": d(open_period.start_date)})
    assert response.status_code == 302
    record = ModelArea.objects.get(village=village, lapsed_on__isnull=True)
    assert record.history.first().history_user == officer


def test_officer_cannot_backdate_into_a_locked_quarter(client_for, officer, open_period):
    village = free_village()
    response = client_for(officer).post(NEW, {"village": village.pk, "registered_on": "15/02/2021"})
    assert response.status_code == 200
    assert "Quý I/2021" in response.text and "đã được duyệt và khóa" in response.text
    assert 'value="15/02/2021"' in response.text
    assert not ModelArea.objects.filter(village=village).exists()


def test_staff_may_correct_an_old_date(client_for, staff, open_period):
    village = free_village()
    response = client_for(staff).post(NEW, {"village": village.pk, "registered_on": "15/02/2021"})
    assert response.status_code == 302


def test_future_dates_and_wrong_order_are_refused(client_for, officer, open_period):
    village = free_village()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(officer).post(NEW, {"village": village.pk, "registered_on": d(tomorrow)})
    assert "Ngày này ở tương lai" in response.text
    response = client_for(officer).post(NEW, {
        "village": village.pk, "registered_on": d(timezone.localdate()),
        "building_since": d(open_period.start_date - datetime.timedelta(days=1)) })
    assert response.status_code == 200
    assert not ModelArea.objects.filter(village=village).exists()


def test_a_village_cannot_be_counted_twice(client_for, officer, open_period):
    taken = ModelArea.objects.filter(village__commune__slug="ky-tay", lapsed_on__isnull=True).first().village
    response = client_for(officer).post(NEW, {"village": taken.pk, "registered_on": d(timezone.localdate())})
    assert response.status_code == 200
    assert "nhiều khu dân cư kiểu mẫu hơn số thôn" in response.text


def test_recognition_needs_a_decision_number(client_for, staff, open_period):
    village = free_village()
    today = d(timezone.localdate())
    response = client_for(staff).post(NEW, {"village": village.pk, "registered_on": today,
                                            "building_since": today, "recognised_on": today})
    assert "Công nhận phải có số quyết định" in response.text


def test_stale_registry_edit_is_refused(client_for, staff, open_period):
    record = ModelArea.objects.filter(village__commune__slug="ky-tay").first()
    path = f"/communes/ky-tay/registries/areas/{record.pk}/"
    data = {"village": record.village_id, "registered_on": d(record.registered_on),
            "building_since": d(record.building_since) if record.building_since else "",
            "recognised_on": d(record.recognised_on) if record.recognised_on else "",
            "decision_number": record.decision_number, "note": "lần 1", "version": record.version}
    client = client_for(staff)
    assert client.post(path, data).status_code == 302
    stale = client.post(path, {**data, "note": "lần 2"})
    assert stale.status_code == 409
    record.refresh_from_db()
    assert record.note == "lần 1"


def test_commune_page_lists_registries_and_submissions(client_for, committee, demo):
    response = client_for(committee).get("/communes/ky-phu/")
    assert "Khu dân cư kiểu mẫu" in response.text and "Quý I/2021" in response.text
    assert "Đã duyệt" in response.text


def test_commune_page_queries_do_not_grow_with_records(client_for, committee, demo, django_assert_max_num_queries):
    client = client_for(committee)
    with django_assert_max_num_queries(20):
        client.get("/communes/ky-khang/")
