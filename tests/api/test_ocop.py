"""OCOP through the API: registering and rating go through ocop.lifecycle and its forms.

Who may do what (every role, own and other commune) is in test_scope.py.
"""

import pytest
from django.utils import timezone

from ocop.choices import Stage
from ocop.models import Product, Rating


@pytest.fixture
def product(demo):
    return Product.objects.get(commune__slug="ky-tay")


def test_registering_moves_a_candidate_on(api, staff, product):
    response = api(staff).post(f"/api/ocop/products/{product.pk}/register/", {
        "version": product.version, "registered_on": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == 200 and response.json()["stage"] == Stage.REGISTERED
    again = api(staff).post(f"/api/ocop/products/{product.pk}/register/", {
        "version": product.version + 1, "registered_on": timezone.localdate().isoformat()})
    assert again.status_code == 403 and "đã được đăng ký" in again.json()["detail"]


def test_rating_errors_are_the_forms_and_a_stale_version_is_refused(api, staff, product):
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
    body.update(score="72,5", decision_date="01/03/2024")
    response = client.post(url, body)
    assert response.status_code == 200
    assert response.json()["stars"] == 4
    assert Rating.objects.get(product=product).rated_by == staff
    assert client.post(url, body).status_code == 409  # the same click twice
    assert Rating.objects.filter(product=product).count() == 1
