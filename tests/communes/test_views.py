import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse


def test_login_page_is_vietnamese(client, demo):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.text


def test_login_with_the_demo_password_reaches_home(client, demo):
    response = client.post("/accounts/login/", {"username": "ky-tay", "password": "demo-ntm-2021"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Cán bộ xã" in response.text  # the role, in Vietnamese


def test_wrong_password_says_so_in_vietnamese(client, demo):
    response = client.post("/accounts/login/", {"username": "ky-tay", "password": "nope"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text


def test_pages_need_login(client, demo):
    for url in ["/", "/communes/", "/communes/ky-tay/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logout(client_for, officer):
    client = client_for(officer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("cast, text", [
    ("officer", "Mở xã của tôi"), ("staff", "Cán bộ huyện"), ("committee", "Thành viên Ban chỉ đạo"),
    ("sponsor", "Thành viên đơn vị đỡ đầu"), ("admin_user", "Quản trị viên"),
])
def test_home_says_who_you_are(request, client_for, cast, text):
    response = client_for(request.getfixturevalue(cast)).get("/")
    assert response.status_code == 200
    assert text in response.text


def test_committee_sees_all_21_communes(client_for, committee):
    response = client_for(committee).get("/communes/")
    assert response.status_code == 200
    assert len(response.context["communes"]) == 21
    assert "Chưa đạt chuẩn NTM" in response.text or "Đạt chuẩn NTM" in response.text


def test_officer_opens_own_commune_and_gets_404_elsewhere(client_for, officer):
    client = client_for(officer)
    response = client.get("/communes/ky-tay/")
    assert response.status_code == 200
    assert "Kỳ Tây" in response.text and "Thôn" in response.text
    assert "Phòng Nông nghiệp" in response.text  # its sponsor
    assert client.get("/communes/ky-lac/").status_code == 404


def test_commune_page_shows_recognition_history(client_for, committee):
    response = client_for(committee).get("/communes/ky-phu/")
    assert "Đạt chuẩn NTM nâng cao" in response.text
    assert "Đạt chuẩn NTM" in response.text


def test_commune_list_queries_do_not_grow_with_communes(client_for, committee, django_assert_max_num_queries):
    client = client_for(committee)
    with django_assert_max_num_queries(8):
        client.get("/communes/")


def test_english_is_available(client_for, committee):
    client = client_for(committee)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "List of communes" in client.get("/").text


def _admin_urls(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("communes", "criteria", "ocop", "reports"):
            info = model._meta.app_label, model._meta.model_name
            yield f"admin:{info[0]}_{info[1]}_changelist"
            if model_admin.has_add_permission(request):
                yield f"admin:{info[0]}_{info[1]}_add"


def test_every_admin_page_loads_for_the_administrator(client_for, admin_user):
    client = client_for(admin_user)
    for name in _admin_urls(admin_user):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    response = client.get(reverse("admin:index"))
    assert "Quản trị" in response.text


def test_staff_reach_the_back_office_catalogue(client_for, staff):
    client = client_for(staff)
    assert client.get(reverse("admin:criteria_indicator_changelist")).status_code == 200
    assert client.get(reverse("admin:communes_commune_changelist") + "?q=Tây").status_code == 200


def test_admin_object_pages_load(client_for, admin_user):
    client = client_for(admin_user)
    for model in apps.get_models():
        if model._meta.app_label in ("communes", "criteria") and model in admin.site._registry:
            obj = model.objects.first()
            if obj is not None:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
                assert client.get(url).status_code == 200, url


def test_vietnamese_even_when_the_browser_asks_for_english(client, demo):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.text
