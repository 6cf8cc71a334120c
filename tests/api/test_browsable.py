"""The browsable API (HTML) renders for every list, with its filter form."""

import pytest

LISTS = ["/api/", "/api/communes/", "/api/villages/", "/api/submissions/", "/api/values/",
         "/api/assessments/", "/api/model-areas/", "/api/model-gardens/", "/api/targets/",
         "/api/indicators/", "/api/criteria/", "/api/ocop/products/", "/api/ocop/ratings/"]


@pytest.mark.parametrize("url", LISTS)
def test_html_lists_render(client_for, staff, url):
    response = client_for(staff).get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "<html" in response.text


def test_html_detail_with_a_write_form_renders(client_for, officer, demo):
    from communes.models import ModelGarden

    garden = ModelGarden.objects.filter(village__commune=officer.commune).first()
    response = client_for(officer).get(f"/api/model-gardens/{garden.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200


def test_html_details_render(client_for, staff, demo):
    from communes.models import ModelArea, Submission
    from ocop.models import Product

    client = client_for(staff)
    for url in (f"/api/submissions/{Submission.objects.first().pk}/",
                f"/api/model-areas/{ModelArea.objects.first().pk}/",
                f"/api/ocop/products/{Product.objects.first().pk}/",
                f"/api/periods/{Submission.objects.first().period_id}/figures/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
