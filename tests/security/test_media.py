"""Uploaded OCOP photos are served by the app, in production too, with the product's scope
(issue 12, failure 6)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from ocop.models import Product

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
       b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
       b"\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def photo(settings, tmp_path, demo):
    settings.MEDIA_ROOT = tmp_path
    product = Product.objects.filter(commune__slug="ky-tay").first()
    name = default_storage.save("ocop/photos/2026/tra.png", ContentFile(PNG))
    Product.objects.filter(pk=product.pk).update(photo=name)
    default_storage.save("ocop/photos/2026/orphan.png", ContentFile(PNG))
    product.refresh_from_db()
    return product


@pytest.mark.parametrize("debug", [False, True])
def test_the_photo_is_served_to_whoever_sees_the_product(photo, client_for, officer, settings, debug):
    settings.DEBUG = debug
    url = photo.photo.url
    assert url == "/media/ocop/photos/2026/tra.png"
    response = client_for(officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]


def test_the_product_page_shows_it(photo, client_for, committee):
    client = client_for(committee)
    page = client.get(f"/ocop/{photo.slug}/")
    assert photo.photo.url in page.text
    assert client.get(photo.photo.url).status_code == 200


def test_out_of_scope_orphans_and_traversal_answer_404(photo, client_for, other_officer):
    client = client_for(other_officer)
    assert client.get(photo.photo.url).status_code == 404                 # another commune's
    assert client.get("/media/ocop/photos/2026/orphan.png").status_code == 404
    assert client.get("/media/../ntm_portal/settings.py").status_code == 404
    assert client.get("/media/%2e%2e/manage.py").status_code == 404


def test_anonymous_users_are_sent_to_log_in(photo):
    response = Client().get(photo.photo.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
