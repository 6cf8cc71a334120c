"""OCOP through the API: scope as on the web, registering and rating through ocop.lifecycle."""

import pytest
from django.utils import timezone

from ocop.choices import Stage
from ocop.models import Producer, Product, Rating

from .test_scope import ROLES, SEES, expected_write

REVIEWERS = {"staff", "admin_user"}


@pytest.fixture
def products(demo):
    return {key: Product.objects.get(commune__slug=slug)
            for key, slug in (("tay", "ky-tay"), ("lac", "ky-lac"))}


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["products", "producers"])
def test_read_one(request, api, products, role, target, kind):
    product = products[target]
    pk = product.pk if kind == "products" else product.producer_id
    response = api(request.getfixturevalue(role)).get(f"/api/ocop/{kind}/{pk}/")
    assert response.status_code == (200 if target in SEES[role] else 404)


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
def test_register(request, api, products, role, target):
    product = products[target]
    response = api(request.getfixturevalue(role)).post(
        f"/api/ocop/products/{product.pk}/register/",
        {"version": product.version, "registered_on": timezone.localdate().isoformat()})
    assert response.status_code == expected_write(role, target, role in REVIEWERS), response.content
    if response.status_code == 200:
        assert response.json()["stage"] == Stage.REGISTERED


@pytest.mark.parametrize("target", ["tay", "lac"])
@pytest.mark.parametrize("role", ROLES)
def test_rate(request, api, products, role, target):
    product = products[target]
    Product.objects.filter(pk=product.pk).update(stage=Stage.REGISTERED)
    response = api(request.getfixturevalue(role)).post(
        f"/api/ocop/products/{product.pk}/rate/",
        {"version": product.version, "score": "72,5", "level": "district",
         "decision_number": "123/QĐ-UBND", "decision_date": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == expected_write(role, target, role in REVIEWERS), response.content
    if response.status_code == 200:
        assert response.json()["stars"] == 4 and response.json()["status"] == "certified"
        assert Rating.objects.get(product=product).rated_by.username == role.replace("_user", "")


def test_rating_errors_are_the_forms_and_a_stale_version_is_refused(api, staff, products):
    product = products["tay"]
    Product.objects.filter(pk=product.pk).update(stage=Stage.REGISTERED)
    client = api(staff)
    url = f"/api/ocop/products/{product.pk}/rate/"
    body = {"version": product.version, "score": "bảy mươi", "level": "district",
            "decision_number": "1/QĐ", "decision_date": "01/01/2099"}
    response = client.post(url, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "score" in errors and "decision_date" in errors
    assert not Rating.objects.filter(product=product).exists()
    body.update(score="55", decision_date="01/03/2024")
    assert client.post(url, body).status_code == 200
    assert client.post(url, body).status_code == 409  # the same click twice
    assert Rating.objects.filter(product=product).count() == 1


def test_lists_are_scoped(api, officer, products):
    rows = api(officer).get("/api/ocop/products/").json()["results"]
    assert {r["commune"] for r in rows} == {products["tay"].commune_id}
    rows = api(officer).get("/api/ocop/producers/").json()["results"]
    assert {r["commune"] for r in rows} == {products["tay"].commune_id}
    assert Producer.objects.count() > len(rows)
