"""The texts API reads the report page's TextsForm: the same caps and messages as the web."""

from communes.models import Submission
from criteria.forms import TextsForm
from ntm_portal.forms import LONG_TEXT_MAX


def put_texts(client, sub, **body):
    return client.put(f"/api/submissions/{sub.pk}/texts/", {"version": sub.version, **body})


def test_texts_are_saved_through_the_form(api, officer, submissions):
    sub = submissions["ky-tay"]
    response = put_texts(api(officer), sub, difficulties="  thiếu vốn  ", proposals="hỗ trợ")
    assert response.status_code == 200, response.content
    sub.refresh_from_db()
    assert (sub.difficulties, sub.proposals) == ("thiếu vốn", "hỗ trợ")


def test_bad_texts_get_the_forms_messages_and_nothing_is_saved(api, officer, submissions):
    sub = submissions["ky-tay"]
    client = api(officer)
    web = TextsForm({"difficulties": "a\x00b", "proposals": "x" * (LONG_TEXT_MAX + 1)})
    assert not web.is_valid()
    response = put_texts(client, sub, difficulties="a\x00b", proposals="x" * (LONG_TEXT_MAX + 1))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["difficulties"] == web.errors["difficulties"]
    assert errors["proposals"] == web.errors["proposals"]
    for body in ({"difficulties": 5, "proposals": ""}, {"proposals": "x"}):
        response = put_texts(client, sub, **body)
        assert response.status_code == 400 and "difficulties" in response.json()["errors"]
    assert Submission.objects.get(pk=sub.pk).version == sub.version
