"""OCOP after the reform (Decision 1489/QĐ-TTg): products entered from 6 July 2025 are
pre-assessed by their commune on five points, proposed to the province, graded by the
province's council, and sent on to the national council from 90 points; products entered
before keep the district step and are counted as before."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from communes.choices import Role
from communes.models import Commune, District, Province, User
from ocop import aggregates, lifecycle
from ocop.choices import CertifyingLevel, PrePoint, Procedure, Stage, Status
from ocop.models import PreAssessment, Producer, Product, ProductGroup, Rating

ALL_MET = {point.value: (True, "Đạt") for point in PrePoint}
OLD = "bot-nghe-ky-tay"  # a 2021 candidate of Kỳ Tây (seed), under the district procedure


@pytest.fixture
def province_staff(demo):
    """Staff of Hà Tĩnh's province-level steering unit."""
    return User.objects.create(username="ht-staff", role=Role.STAFF,
                               province=Province.objects.get(slug="ha-tinh"))


@pytest.fixture
def foreign_staff(demo):
    """Staff of another province, with a district and a commune of its own."""
    province = Province.objects.create(name="Quảng Bình", slug="quang-binh")
    district = District.objects.create(name="Bố Trạch", slug="bo-trach", province=province)
    Commune.objects.create(name="Hoàn Lão", slug="hoan-lao", district=district)
    return User.objects.create(username="qb-staff", role=Role.STAFF, province=province)


@pytest.fixture
def new_product(officer):
    """A product the Kỳ Tây officer enters today, through the one door."""
    product = Product(name="Tương ớt Kỳ Tây", commune=officer.commune, year=2026,
                      producer=Producer.objects.get(name="Tổ hợp tác nghệ Kỳ Tây"),
                      group=ProductGroup.objects.get(code="thuc-pham"))
    return lifecycle.save_product(product, officer, None)


def post_points(client, product, **overrides):
    data = {"version": Product.objects.get(pk=product.pk).version}
    for point in PrePoint:
        data[f"{point.value}_met"] = "yes"
        data[f"{point.value}_note"] = f"ghi chú {point.value}"
    data.update(overrides)
    return client.post(f"/ocop/{product.slug}/propose/", data)


def figures():
    """Every OCOP figure the reports read, over the demo years and quarter ends."""
    days = [datetime.date(year, month, 28) for year in range(2019, 2027) for month in (3, 6, 9, 12)]
    return {
        "by_star": {day: aggregates.products_by_star(day) for day in days},
        "candidates": {year: aggregates.candidates_by_target_star(year) for year in range(2019, 2027)},
        "certified": {year: aggregates.certified_count(year) for year in range(2019, 2027)},
    }


# --- Which rule ------------------------------------------------------------------------


def test_the_rule_changes_on_6_july_2025():
    assert lifecycle.procedure_for(datetime.date(2025, 7, 5)) == Procedure.DISTRICT
    assert lifecycle.procedure_for(datetime.date(2025, 7, 6)) == Procedure.TWO_TIER
    assert lifecycle.procedure_for(datetime.date(2021, 3, 31)) == Procedure.DISTRICT


def test_products_entered_before_keep_the_district_step(demo, staff):
    old = Product.objects.exclude(slug__in=["mien-dong-ky-lac", "tra-hoa-vang-ky-thuong"])
    assert old.count() == 19
    assert set(old.values_list("procedure", flat=True)) == {Procedure.DISTRICT}
    product = Product.objects.get(slug=OLD)
    assert lifecycle.can_register(staff, product)
    assert not lifecycle.can_propose_to_province(User.objects.get(username="ky-tay"), product)
    with pytest.raises(PermissionDenied, match="trước ngày 06/7/2025"):
        lifecycle.propose(product, User.objects.get(username="ky-tay"), ALL_MET)
    lifecycle.register(product, staff, datetime.date(2021, 6, 1))
    rating = lifecycle.rate(product, staff, score=Decimal("92"), level=CertifyingLevel.DISTRICT,
                            decision_number="1/QĐ", decision_date=datetime.date(2021, 9, 1))
    # Under the old rule the bands alone decide (5★ from 90), and no national flag is raised.
    assert rating.stars == 5
    assert product.status(datetime.date(2021, 10, 1)) == Status.CERTIFIED


def test_old_counts_are_unchanged_by_new_products_and_their_grading(demo, officer, province_staff):
    before = figures()
    assert before["candidates"][2021] == {3: 13, 4: 2}
    assert before["by_star"][datetime.date(2021, 12, 28)] == {3: 3, 4: 1}
    product = Product(name="Nước mắm Kỳ Tây", commune=officer.commune, year=2026,
                      producer=Producer.objects.get(name="Tổ hợp tác nghệ Kỳ Tây"),
                      group=ProductGroup.objects.get(code="thuc-pham"))
    lifecycle.save_product(product, officer, None)
    lifecycle.propose(product, officer, ALL_MET)
    lifecycle.rate(product, province_staff, score=Decimal("93"), level=CertifyingLevel.PROVINCE,
                   decision_number="2/QĐ-UBND", decision_date=datetime.date(2026, 9, 1))
    after = figures()
    for key in before:
        for when in before[key]:
            if (when.year if isinstance(when, datetime.date) else when) < 2026:
                assert after[key][when] == before[key][when], (key, when)
    # The new one is counted by its own path: a candidate of 2026, certified 4★ in 2026
    # (a province grading), and it holds a valid certificate from its decision on.
    assert after["candidates"][2026] == {3: before["candidates"][2026].get(3, 0) + 1}
    assert after["certified"][2026] == before["certified"][2026] + 1
    assert after["by_star"][datetime.date(2026, 9, 28)] == {
        **before["by_star"][datetime.date(2026, 9, 28)],
        4: before["by_star"][datetime.date(2026, 9, 28)].get(4, 0) + 1}


def test_the_demo_has_two_products_under_the_new_rule(demo):
    proposed = Product.objects.get(slug="mien-dong-ky-lac")
    assert (proposed.procedure, proposed.stage) == (Procedure.TWO_TIER, Stage.PROPOSED)
    assert proposed.registered_on >= lifecycle.TWO_TIER_FROM
    assert proposed.pre_assessment.unmet() == []
    waiting = Product.objects.get(slug="tra-hoa-vang-ky-thuong")
    assert (waiting.procedure, waiting.stage) == (Procedure.TWO_TIER, Stage.CANDIDATE)
    assert waiting.pre_assessment.unmet() == [PrePoint.LABOUR]


# --- The commune's pre-assessment and proposal -----------------------------------------


def test_a_product_entered_now_follows_the_new_rule(new_product, staff):
    assert new_product.procedure == Procedure.TWO_TIER
    assert not lifecycle.can_register(staff, new_product)
    with pytest.raises(PermissionDenied, match="không còn bước đăng ký với huyện"):
        lifecycle.register(new_product, staff)


def test_proposal_needs_the_pre_assessment_first(new_product, officer):
    with pytest.raises(ValidationError) as error:
        lifecycle.propose(new_product, officer, {})
    assert set(error.value.message_dict) == {f"{p.value}_met" for p in PrePoint}
    assert "Phải đánh giá sơ bộ sản phẩm theo đủ năm nội dung" in error.value.messages[0]
    partial = {**ALL_MET}
    del partial["idea"]
    with pytest.raises(ValidationError) as error:
        lifecycle.propose(new_product, officer, partial)
    assert set(error.value.message_dict) == {"idea_met"}
    new_product.refresh_from_db()
    assert new_product.stage == Stage.CANDIDATE
    assert not PreAssessment.objects.filter(product=new_product).exists()


def test_web_form_without_points_is_shown_again_with_the_message_and_the_notes(
        client_for, officer, new_product):
    client = client_for(officer)
    response = post_points(client, new_product, labour_met="", idea_note="Ý tưởng đã gõ")
    assert response.status_code == 200
    assert "Hãy cho biết sản phẩm có đạt nội dung này không." in response.text
    assert 'value="Ý tưởng đã gõ"' in response.text
    assert Product.objects.get(pk=new_product.pk).stage == Stage.CANDIDATE


def test_a_point_not_met_records_the_pre_assessment_but_does_not_propose(
        client_for, officer, new_product):
    response = post_points(client_for(officer), new_product, identity_met="no")
    assert response.status_code == 302
    product = Product.objects.get(pk=new_product.pk)
    assert product.stage == Stage.CANDIDATE
    assessment = product.pre_assessment
    assert assessment.unmet() == [PrePoint.IDENTITY]
    assert (assessment.assessed_by, assessment.assessed_on) == (officer, timezone.localdate())
    assert assessment.identity_note == "ghi chú identity"
    page = client_for(officer).get(response["Location"]).text
    assert "chưa được đề xuất lên tỉnh: chưa đạt bản sắc văn hóa địa phương" in page


def test_all_points_met_proposes_to_the_province_once(client_for, officer, new_product):
    client = client_for(officer)
    assert "Đánh giá sơ bộ và đề xuất lên tỉnh" in client.get(f"/ocop/{new_product.slug}/").text
    page = client.get(f"/ocop/{new_product.slug}/propose/")
    assert page.status_code == 200 and "Nguồn nguyên liệu" in page.text
    response = post_points(client, new_product)
    assert response.status_code == 302
    product = Product.objects.get(pk=new_product.pk)
    assert product.stage == Stage.PROPOSED and product.registered_on == timezone.localdate()
    assert product.status() == Status.PROPOSED
    detail = client.get(f"/ocop/{product.slug}/").text
    assert "Đã đề xuất lên tỉnh" in detail and "Đánh giá sơ bộ cấp xã" in detail
    # Proposed: the commune can neither propose it again nor change it.
    assert client.get(f"/ocop/{product.slug}/propose/").status_code == 403
    assert "chỉ cán bộ của tỉnh được sửa" in client.get(f"/ocop/{product.slug}/edit/").text


def test_a_stale_pre_assessment_form_is_refused(client_for, officer, new_product):
    client = client_for(officer)
    response = post_points(client, new_product, version=new_product.version - 1)
    assert response.status_code == 302
    assert Product.objects.get(pk=new_product.pk).stage == Stage.CANDIDATE
    assert not PreAssessment.objects.filter(product=new_product).exists()


@pytest.mark.parametrize("cast, expected", [
    ("officer", 200), ("other_officer", 404), ("staff", 403), ("committee", 403),
    ("sponsor", 403), ("admin_user", 200),
])
def test_who_pre_assesses(request, client_for, new_product, cast, expected):
    user = request.getfixturevalue(cast)
    assert client_for(user).get(f"/ocop/{new_product.slug}/propose/").status_code == expected


# --- The province's grading -------------------------------------------------------------


@pytest.fixture
def proposed(new_product, officer):
    lifecycle.propose(new_product, officer, ALL_MET)
    return Product.objects.get(pk=new_product.pk)


def rating_post(product, **extra):
    return {"score": "92", "level": "province", "decision_number": "15/QĐ-UBND",
            "decision_date": timezone.localdate().strftime("%d/%m/%Y"), "note": "",
            "version": Product.objects.get(pk=product.pk).version, **extra}


def test_grading_needs_the_proposal(new_product, province_staff):
    with pytest.raises(PermissionDenied, match="phải được xã đánh giá sơ bộ và đề xuất"):
        lifecycle.check_rate(province_staff, new_product)


def test_district_staff_cannot_grade_a_new_rule_product(client_for, staff, proposed):
    response = client_for(staff).get(f"/ocop/{proposed.slug}/rate/")
    assert response.status_code == 403
    assert "chỉ cán bộ của tỉnh nhập kết quả" in response.text
    assert not lifecycle.can_rate(staff, proposed)
    # The district keeps its rights over products under the old rule.
    lifecycle.register(Product.objects.get(slug=OLD), staff)
    assert lifecycle.can_rate(staff, Product.objects.get(slug=OLD))


def test_another_provinces_staff_get_404(client_for, foreign_staff, proposed):
    client = client_for(foreign_staff)
    assert client.get(f"/ocop/{proposed.slug}/").status_code == 404
    assert client.post(f"/ocop/{proposed.slug}/rate/", rating_post(proposed)).status_code == 404
    assert not Rating.objects.filter(product=proposed).exists()


def test_province_staff_grade_and_90_points_go_on_to_national_level(
        client_for, province_staff, proposed):
    client = client_for(province_staff)
    form = client.get(f"/ocop/{proposed.slug}/rate/").text
    assert 'value="district"' not in form  # no district council under Decision 1489
    response = client.post(f"/ocop/{proposed.slug}/rate/", rating_post(proposed))
    assert response.status_code == 302, response.text
    rating = Rating.objects.get(product=proposed)
    assert rating.stars == lifecycle.PROVINCE_MAX_STARS == 4  # 5★ is the national level's
    product = Product.objects.get(pk=proposed.pk)
    assert product.status() == Status.NATIONAL
    detail = client.get(f"/ocop/{product.slug}/").text
    assert "Đạt chứng nhận, đề xuất cấp quốc gia" in detail
    assert "đề xuất Hội đồng cấp Trung ương đánh giá, công nhận 5 sao" in detail
    # The national council's decision: 5★, certified.
    response = client.post(f"/ocop/{product.slug}/rate/", rating_post(
        product, level="central", decision_number="99/QĐ-BNNMT"))
    assert response.status_code == 302
    assert Rating.objects.get(product=proposed, level="central").stars == 5
    assert Product.objects.get(pk=proposed.pk).status() == Status.CERTIFIED


def test_below_90_points_is_certified_at_province_level_only(client_for, province_staff, proposed):
    client = client_for(province_staff)
    client.post(f"/ocop/{proposed.slug}/rate/", rating_post(proposed, score="89,5"))
    product = Product.objects.get(pk=proposed.pk)
    assert product.status() == Status.CERTIFIED
    assert Rating.objects.get(product=product).stars == 4
    response = client.post(f"/ocop/{product.slug}/rate/", rating_post(product, level="central"))
    assert response.status_code == 200
    assert "từ 90 điểm trở lên; sản phẩm này chưa có" in response.text


def test_administrators_grade_too(admin_user, proposed):
    lifecycle.rate(proposed, admin_user, score=Decimal("75"), level=CertifyingLevel.PROVINCE,
                   decision_number="3/QĐ", decision_date=timezone.localdate())
    assert proposed.status() == Status.CERTIFIED


# --- One status for the page and the API ----------------------------------------------


@pytest.fixture
def every_new_status(officer, province_staff):
    """Kỳ Tây products in each status of the new path (besides the demo's)."""
    def make(name, score=None):
        product = lifecycle.save_product(Product(
            name=name, commune=officer.commune, year=2026, group=ProductGroup.objects.first(),
            producer=Producer.objects.get(name="Tổ hợp tác nghệ Kỳ Tây")), officer, None)
        if score is not None:
            lifecycle.propose(product, officer, ALL_MET)
            if score:
                lifecycle.rate(product, province_staff, score=Decimal(score),
                               level=CertifyingLevel.PROVINCE, decision_number=f"{name}/QĐ",
                               decision_date=timezone.localdate())
        return product

    return [make("Mới A"), make("Mới B", 0), make("Mới C", "91"), make("Mới D", "80")]


def test_status_filter_on_the_page_and_in_the_api_agree(client_for, committee, every_new_status):
    web = client_for(committee)
    api = APIClient()
    api.force_authenticate(committee)
    for status in Status:
        page = {p.pk for p in web.get(f"/ocop/?status={status.value}").context["products"]}
        rows = api.get(f"/api/ocop/products/?status={status.value}&page_size=200").json()["results"]
        assert page == {row["id"] for row in rows}, status
        shown = {row["status"] for row in rows}
        # "certified" includes the certified products proposed to national level.
        expected = {Status.CERTIFIED, Status.NATIONAL} if status == Status.CERTIFIED else {status}
        assert shown <= {s.value for s in expected}, (status, shown)
    names = {p.name for p in web.get("/ocop/?status=national").context["products"]}
    assert names == {"Mới C"}
    proposed = {p.name for p in web.get("/ocop/?status=proposed").context["products"]}
    assert proposed == {"Mới B", "Miến dong Kỳ Lạc"}
    assert "Mới C" in {p.name for p in web.get("/ocop/?status=certified").context["products"]}
    rows = api.get("/api/ocop/products/?procedure=two_tier&page_size=200").json()["results"]
    assert {row["name"] for row in rows} == {"Mới A", "Mới B", "Mới C", "Mới D",
                                             "Miến dong Kỳ Lạc", "Trà hoa vàng Kỳ Thượng"}


def test_list_shows_the_new_statuses_in_vietnamese(client_for, committee, every_new_status):
    text = client_for(committee).get("/ocop/").text
    assert "Đã đề xuất lên tỉnh" in text and "Đạt chứng nhận, đề xuất cấp quốc gia" in text


# --- The API, through the same form ---------------------------------------------------


def test_api_propose_without_points_says_what_is_missing(officer, new_product):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(f"/api/ocop/products/{new_product.pk}/propose/",
                        {"version": new_product.version}, format="json")
    assert response.status_code == 400
    body = str(response.json())
    assert "Hãy cho biết sản phẩm có đạt nội dung này không." in body
    data = {"version": new_product.version,
            **{f"{p.value}_met": "yes" for p in PrePoint}, "origin_note": "Nguồn gốc rõ"}
    response = api.post(f"/api/ocop/products/{new_product.pk}/propose/", data, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "proposed" and body["procedure"] == "two_tier"
    assert body["pre_assessment"]["origin_note"] == "Nguồn gốc rõ"
    again = api.post(f"/api/ocop/products/{new_product.pk}/propose/", data, format="json")
    assert again.status_code == 403


def test_api_grading_by_district_staff_is_refused_and_by_province_staff_done(
        staff, province_staff, proposed):
    data = {"version": proposed.version, "score": "90", "level": "province",
            "decision_number": "5/QĐ-UBND", "decision_date": timezone.localdate().isoformat()}
    api = APIClient()
    api.force_authenticate(staff)
    assert api.post(f"/api/ocop/products/{proposed.pk}/rate/", data, format="json").status_code == 403
    api.force_authenticate(province_staff)
    response = api.post(f"/api/ocop/products/{proposed.pk}/rate/", data, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "national" and response.json()["stars"] == 4
