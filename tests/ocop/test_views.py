"""OCOP pages: scope for every URL and every member of the cast, forms' errors, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune
from ocop import lifecycle
from ocop.choices import Stage
from ocop.models import Producer, Product, ProductGroup

OWN = "bot-nghe-ky-tay"  # a candidate of Kỳ Tây (seed)
ELSEWHERE = "mat-ong-ky-lac"  # a candidate of Kỳ Lạc (seed)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def product(slug):
    return Product.objects.get(slug=slug)


def registered(slug, staff):
    return lifecycle.register(product(slug), staff)


def proposal(**extra):
    data = {
        "name": "Nước chấm thử nghiệm", "group": ProductGroup.objects.get(code="thuc-pham").pk,
        "producer": Producer.objects.get(name="Tổ hợp tác nghệ Kỳ Tây").pk, "year": 2021,
        "target_stars": 3, "description": "Thử",
    }
    data.update(extra)
    return data


def rating(**extra):
    """The rating form as the page posts it, with the version it was loaded at."""
    from ocop.models import Product

    version = Product.objects.filter(slug=OWN).values_list("version", flat=True).first()
    data = {"score": "72", "level": "province", "decision_number": "99/QĐ-UBND",
            "decision_date": "2021-10-01", "note": "", "version": version}
    data.update(extra)
    return data


def test_pages_need_login(client, demo):
    for url in ["/ocop/", "/ocop/new/", f"/ocop/{OWN}/", f"/ocop/{OWN}/edit/", f"/ocop/{OWN}/rate/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Expected status by cast for a Kỳ Tây product; "form" means 200 on GET, 302 on a valid POST.
READ = {"officer": 200, "other_officer": 404, "staff": 200, "committee": 200, "sponsor": 200, "admin_user": 200}
EDIT = {"officer": "form", "other_officer": 404, "staff": "form", "committee": 403, "sponsor": 403, "admin_user": "form"}
STAFF_ONLY = {"officer": 403, "other_officer": 404, "staff": "form", "committee": 403, "sponsor": 403, "admin_user": "form"}
PROPOSE = {"officer": "form", "other_officer": "form", "staff": "form", "committee": 403, "sponsor": 403, "admin_user": "form"}


@pytest.mark.parametrize("cast", list(READ))
def test_scope_of_every_page_get_and_post(request, client_for, staff, cast):
    user = request.getfixturevalue(cast)
    client = client_for(user)

    def check(url, expected, data):
        get = client.get(url)
        assert get.status_code == (200 if expected == "form" else expected), (url, "GET")
        post = client.post(url, data)
        assert post.status_code == (302 if expected == "form" else expected), (url, "POST", post.content[:300])

    assert client.get("/ocop/").status_code == 200
    assert client.post("/ocop/").status_code == 405  # read-only pages take no POST
    assert client.get(f"/ocop/{OWN}/").status_code == READ[cast]
    assert client.post(f"/ocop/{OWN}/").status_code in (405, 404)
    assert client.get(f"/ocop/{ELSEWHERE}/").status_code == (
        200 if cast in ("staff", "committee", "admin_user", "other_officer") else 404
    )
    commune_field = {"commune": Commune.objects.get(slug="ky-tay").pk} if cast in ("staff", "admin_user") else {}
    producer_field = (
        {"producer": "", "new_producer_name": f"Hộ thử {cast}", "new_producer_kind": "household"}
        if cast == "other_officer" else {}
    )
    check("/ocop/new/", PROPOSE[cast], proposal(name=f"Sản phẩm {cast}", **commune_field, **producer_field))
    check(f"/ocop/{OWN}/edit/", EDIT[cast], proposal(name="Bột nghệ Kỳ Tây"))
    check(f"/ocop/{OWN}/register/", STAFF_ONLY[cast], {"registered_on": "2021-06-01"})
    if product(OWN).stage == Stage.CANDIDATE:
        registered(OWN, staff)
    check(f"/ocop/{OWN}/rate/", STAFF_ONLY[cast], rating())


def test_officer_proposes_for_own_commune_only(client_for, officer):
    client = client_for(officer)
    response = client.post("/ocop/new/", proposal(commune=Commune.objects.get(slug="ky-lac").pk))
    created = Product.objects.get(name="Nước chấm thử nghiệm")
    assert response["Location"] == created.get_absolute_url()
    assert created.commune.slug == "ky-tay" and created.stage == Stage.CANDIDATE
    assert created.proposed_by == officer


def test_officer_cannot_use_another_communes_producer(client_for, officer):
    other = Producer.objects.get(name="Hộ nuôi ong Kỳ Lạc")
    response = client_for(officer).post("/ocop/new/", proposal(producer=other.pk))
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.text
    assert not Product.objects.filter(name="Nước chấm thử nghiệm").exists()


def test_officer_proposes_with_a_new_producer(client_for, officer):
    response = client_for(officer).post("/ocop/new/", proposal(
        producer="", new_producer_name="HTX thử Kỳ Tây", new_producer_kind="cooperative",
    ))
    assert response.status_code == 302
    assert Product.objects.get(name="Nước chấm thử nghiệm").producer.name == "HTX thử Kỳ Tây"


def test_proposal_without_producer_says_so_and_keeps_values(client_for, officer):
    response = client_for(officer).post("/ocop/new/", proposal(producer=""))
    assert response.status_code == 200
    assert "Chọn chủ thể sản xuất" in response.text
    assert 'value="Nước chấm thử nghiệm"' in response.text


def test_officer_cannot_edit_a_registered_product_and_is_told_why(client_for, officer, staff):
    registered(OWN, staff)
    response = client_for(officer).get(f"/ocop/{OWN}/edit/")
    assert response.status_code == 403
    assert "không còn là sản phẩm tiềm năng" in response.text


def test_staff_rate_72_points_gives_4_stars_and_36_months(client_for, staff):
    registered(OWN, staff)
    client = client_for(staff)
    response = client.post(f"/ocop/{OWN}/rate/", rating(score="72", decision_date="2021-10-01"), follow=True)
    assert response.status_code == 200
    assert "★★★★" in response.text and "01/10/2024" in response.text
    assert product(OWN).ratings.get().stars == 4


def test_score_with_a_decimal_comma_is_read(client_for, staff):
    registered(OWN, staff)
    client_for(staff).post(f"/ocop/{OWN}/rate/", rating(score="69,99"))
    assert product(OWN).ratings.get().score == Decimal("69.99")
    assert product(OWN).ratings.get().stars == 3


@pytest.mark.parametrize("data, message, kept", [
    ({"score": "105"}, "Điểm phải từ 0 đến 100.", 'value="105"'),
    ({"score": "-3"}, "Điểm phải từ 0 đến 100.", 'value="-3"'),
    ({"score": "bảy mươi"}, "Nhập một số, ví dụ 72 hoặc 72,5.", 'value="bảy mươi"'),
    ({"decision_date": "2099-01-01"}, "Ngày quyết định không được sau hôm nay", 'value="2099-01-01"'),
])
def test_bad_rating_input_is_explained_beside_the_field(client_for, staff, data, message, kept):
    registered(OWN, staff)
    response = client_for(staff).post(f"/ocop/{OWN}/rate/", rating(**data))
    assert response.status_code == 200
    assert message in response.text and kept in response.text
    assert "is-invalid" in response.text
    assert not product(OWN).ratings.exists()


def test_photo_must_be_jpeg_or_png_by_content_and_small(client_for, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(officer)
    fake = SimpleUploadedFile("anh.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post("/ocop/new/", {**proposal(), "photo": fake})
    assert "Ảnh phải là tệp JPEG hoặc PNG." in response.text
    big = SimpleUploadedFile("anh.png", PNG + b"\x00" * (2 * 1024 * 1024), content_type="image/png")
    response = client.post("/ocop/new/", {**proposal(), "photo": big})
    assert "Ảnh lớn hơn 2 MB." in response.text
    good = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    response = client.post("/ocop/new/", {**proposal(), "photo": good})
    assert response.status_code == 302
    assert Product.objects.get(name="Nước chấm thử nghiệm").photo.name.endswith(".png")


def test_register_date_in_the_future_is_refused(client_for, staff):
    response = client_for(staff).post(f"/ocop/{OWN}/register/", {"registered_on": "2099-01-01"})
    assert response.status_code == 200 and "Ngày không được sau hôm nay." in response.text
    assert product(OWN).stage == Stage.CANDIDATE


@pytest.mark.parametrize("query, expected", [
    ("?commune=ky-tay", {"Bột nghệ Kỳ Tây"}),
    ("?year=2019", {"Mật ong rừng Kỳ Thượng", "Nước mắm Kỳ Xuân"}),
    ("?status=certified", {"Nước mắm Kỳ Xuân", "Dầu lạc ép Kỳ Trung"}),
    ("?status=expired", {"Mật ong rừng Kỳ Thượng", "Chè búp Kỳ Văn"}),
    ("?stars=4", {"Nước mắm Kỳ Xuân"}),
    ("?expiring=6", {"Nước mắm Kỳ Xuân"}),
    ("?status=registered", {"Cam chanh Kỳ Giang", "Nước mắm Kỳ Khang", "Chè xanh Kỳ Hợp"}),
])
def test_list_filters(client_for, committee, query, expected):
    response = client_for(committee).get("/ocop/" + query)
    assert {p.name for p in response.context["products"]} == expected


def test_list_filter_by_group_and_sorting(client_for, committee):
    client = client_for(committee)
    herbal = ProductGroup.objects.get(code="thao-duoc")
    names = [p.name for p in client.get(f"/ocop/?group={herbal.pk}&sort=name").context["products"]]
    assert names == sorted(names) and len(names) == 3
    by_stars = client.get("/ocop/?sort=-stars").context["products"]
    assert by_stars[0].name == "Nước mắm Kỳ Xuân"


def test_list_shows_status_in_words_and_colour(client_for, committee):
    text = client_for(committee).get("/ocop/").text
    assert "text-bg-success" in text and "Đạt chứng nhận OCOP" in text
    assert "text-bg-danger" in text and "Hết hạn chứng nhận" in text
    assert "Sản phẩm tiềm năng" in text and "Sắp hết hạn" in text


def test_officer_list_shows_own_commune_only(client_for, officer):
    products = client_for(officer).get("/ocop/").context["products"]
    assert {p.commune.slug for p in products} == {"ky-tay"}


def test_list_queries_do_not_grow_with_products(client_for, committee, django_assert_max_num_queries):
    client = client_for(committee)
    with django_assert_max_num_queries(6) as before:
        client.get("/ocop/")
    group = ProductGroup.objects.first()
    for commune in Commune.objects.all():
        producer = Producer.objects.create(name="HTX đo", kind="cooperative", commune=commune)
        for i in range(3):
            Product.objects.create(name=f"Đo {commune.slug} {i}", producer=producer, commune=commune,
                                   group=group, year=2022)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get("/ocop/")
    # 19 seeded before the reform, 2 under Decision 1489, 63 added here.
    assert len(response.context["products"]) == 19 + 2 + 63


def test_detail_shows_rating_history_and_expiry(client_for, committee):
    response = client_for(committee).get("/ocop/nuoc-mam-ky-xuan/")
    assert response.status_code == 200
    assert "3120/QĐ-UBND (minh họa)" in response.text and "16/12/2019" in response.text
    assert "74,5" in response.text  # Vietnamese decimals
    assert "Sắp hết hạn" in response.text


def test_staff_home_lists_certificates_expiring_within_6_months(client_for, staff, officer):
    text = client_for(staff).get("/").text
    assert "Chứng nhận OCOP hết hạn trong 6 tháng tới" in text and "Nước mắm Kỳ Xuân" in text
    assert "Chứng nhận OCOP hết hạn" not in client_for(officer).get("/").text


def test_commune_page_lists_its_products(client_for, officer):
    text = client_for(officer).get("/communes/ky-tay/").text
    assert "Bột nghệ Kỳ Tây" in text and "Mật ong Kỳ Lạc" not in text


def test_nav_has_ocop_link(client_for, officer):
    assert f'href="{reverse("ocop:list")}"' in client_for(officer).get("/").text


def test_admin_ocop_object_pages_load(client_for, admin_user):
    client = client_for(admin_user)
    for model in ("productgroup", "starband", "producer", "product", "rating"):
        from django.apps import apps

        obj = apps.get_model("ocop", model).objects.first()
        assert client.get(reverse(f"admin:ocop_{model}_change", args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:ocop_{model}_history", args=[obj.pk])).status_code == 200


def test_expiry_is_relative_to_today(demo):
    soon = Product.objects.with_certificate().get(slug="nuoc-mam-ky-xuan")
    today = timezone.localdate()
    assert today < soon.cert_valid_until <= lifecycle.add_months(today, 6)
    assert soon.cert_valid_until - datetime.timedelta(days=200) < today


def test_dates_are_typed_dd_mm_yyyy(client_for, staff):
    registered(OWN, staff)
    client = client_for(staff)
    response = client.post(f"/ocop/{OWN}/rate/", rating(decision_date="31/02/2021"))
    assert response.status_code == 200 and 'value="31/02/2021"' in response.text
    assert "Nhập một ngày hợp lệ." in response.text
    client.post(f"/ocop/{OWN}/rate/", rating(decision_date="15/06/2021"))
    assert product(OWN).ratings.get().valid_until == datetime.date(2024, 6, 15)


def test_a_save_from_a_stale_form_is_refused_and_the_newer_data_kept(client_for, officer, staff):
    client = client_for(officer)
    version = client.get(f"/ocop/{OWN}/edit/").context["form"].initial["version"]
    client.post(f"/ocop/{OWN}/edit/", {**proposal(name="Bột nghệ vàng Kỳ Tây"), "version": version})
    response = client.post(
        f"/ocop/{OWN}/edit/", {**proposal(name="Bột nghệ cũ"), "version": version}, follow=True
    )
    assert "Người khác đã thay đổi sản phẩm này" in response.text
    assert product(OWN).name == "Bột nghệ vàng Kỳ Tây"


def test_saving_a_rating_twice_records_it_once(client_for, staff):
    registered(OWN, staff)
    client = client_for(staff)
    version = client.get(f"/ocop/{OWN}/rate/").context["form"].initial["version"]
    client.post(f"/ocop/{OWN}/rate/", {**rating(), "version": version})
    response = client.post(f"/ocop/{OWN}/rate/", {**rating(), "version": version}, follow=True)
    assert product(OWN).ratings.count() == 1
    assert "Người khác đã thay đổi sản phẩm này" in response.text


def test_staff_propose_from_a_commune_page_with_it_preselected(client_for, staff, ky_lac):
    form = client_for(staff).get("/ocop/new/?commune=ky-lac").context["form"]
    assert form.initial["commune"] == ky_lac


def test_a_form_posted_without_its_version_is_refused_as_stale(client_for, staff):
    registered(OWN, staff)
    data = rating()
    data.pop("version")
    response = client_for(staff).post(f"/ocop/{OWN}/rate/", data, follow=True)
    assert not product(OWN).ratings.exists()
    assert "Người khác" in response.text


@pytest.mark.parametrize("query", ["status=certified", "status=expired", "expiring=6",
                                   "status=registered", "year=2019&stars=4"])
def test_the_page_and_the_api_filter_through_one_filterset(client_for, committee, query):
    client = client_for(committee)
    page = {p.name for p in client.get("/ocop/?" + query).context["products"]}
    api = client.get(f"/api/ocop/products/?{query}&page_size=500")
    assert api.status_code == 200
    assert page and page == {row["name"] for row in api.json()["results"]}


def test_a_bad_filter_value_is_shown_and_the_other_filters_still_apply(client_for, committee):
    response = client_for(committee).get("/ocop/?year=abc&expiring=999&status=expired")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"year", "expiring"}
    assert {p.name for p in response.context["products"]} == {"Mật ong rừng Kỳ Thượng",
                                                                "Chè búp Kỳ Văn"}
