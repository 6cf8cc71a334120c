"""The API's browsable docs render from vendored files: no request leaves the portal's host."""

from urllib.parse import urlparse

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_api_docs_render_without_any_other_host(page):
    login(page, "staff")
    hosts = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).netloc))
    page.goto(page.base + "/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "NTM portal API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector("text=/api/submissions/{id}/values/")
    screenshot(page, "api-docs")
    assert set(hosts) == {urlparse(page.base).netloc}, hosts
    assert not page.console_errors
