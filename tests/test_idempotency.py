"""A create posted twice (double click, retry, two at once) creates one object, and the
second answer leads to it: model areas, gardens and OCOP proposals, web and API."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from communes.models import CreationClaim, ModelArea, ModelGarden, User, Village
from ocop.models import Producer, Product, ProductGroup
from tests.communes.test_registry import free_village

KEY = "f3a9c0d2e1b84c5a9d7e6f1a2b3c4d5e"


def _today():
    return timezone.localdate().strftime("%d/%m/%Y")


def _area(village):
    return {"village": village.pk, "registered_on": _today(), "once": KEY}


def _garden(village):
    return {"village": village.pk, "household": "Hộ bà Lê Thị Hoa", "level": "district",
            "registered_on": _today(), "once": KEY}


def _proposal():
    return {"name": "Mật ong thử nghiệm", "group": ProductGroup.objects.get(code="thuc-pham").pk,
            "producer": Producer.objects.get(name="Tổ hợp tác nghệ Kỳ Tây").pk, "year": 2021,
            "target_stars": 3, "description": "", "once": KEY}


def test_the_create_forms_carry_a_fresh_key(client_for, officer, open_period):
    client = client_for(officer)
    keys = set()
    for url in ["/communes/ky-tay/registries/areas/new/", "/communes/ky-tay/registries/gardens/new/",
                "/ocop/new/", "/ocop/new/"]:
        form = client.get(url).context["form"]
        keys.add(form["once"].value())
    assert len(keys) == 4 and all(len(k) == 32 for k in keys)


@pytest.mark.parametrize("kind", ["areas", "gardens"])
def test_registry_form_posted_twice_creates_one_record(client_for, officer, open_period, kind):
    model, data = {"areas": (ModelArea, _area), "gardens": (ModelGarden, _garden)}[kind]
    village = free_village()
    client = client_for(officer)
    before = model.objects.count()
    url = f"/communes/ky-tay/registries/{kind}/new/"
    first = client.post(url, data(village))
    assert first.status_code == 302
    second = client.post(url, data(village))
    assert model.objects.count() == before + 1
    created = model.objects.latest("pk")
    assert second.status_code == 302
    assert second["Location"] == f"/communes/ky-tay/registries/{kind}/{created.pk}/"


def test_a_refused_create_frees_its_key_for_the_corrected_form(client_for, officer, open_period):
    village = free_village()
    client = client_for(officer)
    refused = client.post("/communes/ky-tay/registries/areas/new/",
                          {**_area(village), "registered_on": "31/12/2099"})
    assert refused.status_code == 200 and not CreationClaim.objects.filter(key=KEY).exists()
    assert client.post("/communes/ky-tay/registries/areas/new/", _area(village)).status_code == 302
    assert ModelArea.objects.filter(village=village, lapsed_on__isnull=True).count() == 1


def test_ocop_proposal_posted_twice_is_one_product(client_for, officer):
    client = client_for(officer)
    first = client.post("/ocop/new/", _proposal())
    assert first.status_code == 302
    second = client.post("/ocop/new/", _proposal())
    assert Product.objects.filter(name="Mật ong thử nghiệm").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_another_users_key_does_not_lead_to_their_record(client_for, officer, staff, open_period):
    client_for(officer).post("/ocop/new/", _proposal())
    client = client_for(staff)
    response = client.post("/ocop/new/", {**_proposal(), "commune": officer.commune_id})
    assert response.status_code == 200  # the form again, with the reason; nothing created
    assert Product.objects.filter(name="Mật ong thử nghiệm").count() == 1


@pytest.mark.parametrize("kind", ["model-areas", "model-gardens"])
def test_api_create_with_the_same_idempotency_key_answers_the_first_record(
        client_for, officer, open_period, kind):
    village = free_village()
    client = client_for(officer)
    body = {"village": village.pk, "registered_on": _today(), "household": "Hộ ông Trần Văn An"}
    first = client.post(f"/api/{kind}/", body, content_type="application/json",
                        headers={"Idempotency-Key": KEY})
    assert first.status_code == 201, first.content
    second = client.post(f"/api/{kind}/", body, content_type="application/json",
                         headers={"Idempotency-Key": KEY})
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    bad = client.post(f"/api/{kind}/", body, content_type="application/json",
                      headers={"Idempotency-Key": "no\x01"})
    assert bad.status_code == 400


def _race(post, n=2):
    """Run ``post(index)`` in ``n`` threads released together; return their results."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = post(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")


@pytest.mark.postgres
@pytest.mark.parametrize("what", ["areas", "gardens", "ocop", "api"])
def test_concurrent_double_posts_create_one_object(restore_demo, transactional_db, what):
    _postgres_only()
    from tests.conftest import load_demo, open_latest_period

    load_demo()
    open_latest_period()
    officer = User.objects.get(username="ky-tay")
    village = free_village()
    url, data, model, options = {
        "areas": ("/communes/ky-tay/registries/areas/new/", _area(village), ModelArea, {}),
        "gardens": ("/communes/ky-tay/registries/gardens/new/", _garden(village), ModelGarden, {}),
        "ocop": ("/ocop/new/", _proposal(), Product, {}),
        "api": ("/api/model-areas/", {"village": village.pk, "registered_on": _today()},
                ModelArea, {"content_type": "application/json",
                            "headers": {"Idempotency-Key": KEY}}),
    }[what]
    before = model.objects.count()

    def post(_index):
        client = Client()
        client.force_login(officer)
        response = client.post(url, data, **options)
        return response.status_code, response.get("Location")

    results = _race(post)
    assert model.objects.count() == before + 1, results
    assert all(code in (200, 201, 302) for code, _loc in results), results
    created = model.objects.latest("pk")
    if what == "ocop":
        assert results[0][1] == results[1][1] == created.get_absolute_url()
    elif what != "api":  # the second answer leads to the record the first one created
        assert f"/{what}/{created.pk}/" in " ".join(loc for _code, loc in results), results


@pytest.mark.postgres
def test_concurrent_new_model_areas_with_different_forms_one_is_the_forms_message(
        restore_demo, transactional_db):
    """Two officers' tabs, two keys, one village: one record, the other a message, no 500."""
    _postgres_only()
    from tests.conftest import load_demo, open_latest_period

    load_demo()
    open_latest_period()
    officer = User.objects.get(username="ky-tay")
    village = Village.objects.get(pk=free_village().pk)

    def post(index):
        client = Client()
        client.force_login(officer)
        data = {**_area(village), "once": f"{KEY[:-1]}{index}"}
        return client.post("/communes/ky-tay/registries/areas/new/", data).status_code

    results = _race(post)
    assert sorted(results) == [200, 302], results
    assert ModelArea.objects.filter(village=village, lapsed_on__isnull=True).count() == 1


@pytest.mark.postgres
def test_concurrent_proposals_with_one_new_producer_never_crash(restore_demo, transactional_db):
    """Two tabs, two keys, the same new producer: one producer, the other post a message."""
    _postgres_only()
    from tests.conftest import load_demo

    load_demo()
    officer = User.objects.get(username="ky-tay")
    data = {**_proposal(), "producer": "", "new_producer_name": "Hợp tác xã thử đồng thời",
            "new_producer_kind": "cooperative"}

    def post(index):
        client = Client()
        client.force_login(officer)
        return client.post("/ocop/new/", {**data, "once": f"{KEY[:-1]}{index}"}).status_code

    results = _race(post)
    assert set(results) <= {200, 302} and 302 in results, results
    assert Producer.objects.filter(name="Hợp tác xã thử đồng thời").count() == 1
