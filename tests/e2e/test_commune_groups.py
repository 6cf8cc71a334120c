"""The unit's commune groups page (2026–2030 criteria) in a browser, at 390×844 and on a
desktop: a wrong choice is refused in Vietnamese with nothing saved, a group is saved
by a click, and the page has no horizontal scroll nor serious accessibility violations.
Screenshots in /tmp/shots-commune-groups/."""

from pathlib import Path

import pytest

from .a11y import check_page
from .conftest import login, submit

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
SHOTS = Path("/tmp/shots-commune-groups")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_commune_groups_page(new_page, size):
    from communes.models import Commune
    from criteria.models import CommuneCriteriaGroup

    page = new_page(SIZES[size])
    login(page, "staff")
    page.goto(page.base + "/unit/commune-groups/?unit=ky-anh&year=2026")
    assert "Nhóm xã từ năm 2026" in page.locator("h1").inner_text()
    assert page.locator("#unit-settings-nav .active").inner_text() == "Nhóm xã"
    check_page(page, f"commune groups {size}")
    shot(page, f"commune-groups-{size}")
    ky_tay = Commune.objects.get(slug="ky-tay")
    select = f"#id_c{ky_tay.pk}-group"
    # A hostile choice (the page offers none such) is refused, nothing written.
    page.evaluate(f"""() => {{ const s = document.querySelector('{select}');
        const o = document.createElement('option'); o.value = '7'; o.text = '7';
        s.appendChild(o); s.value = '7'; }}""")
    submit(page, "#save-groups")
    assert "Chọn nhóm 1, 2 hoặc 3." in page.locator("#row-ky-tay").inner_text()
    assert not CommuneCriteriaGroup.objects.exists()
    shot(page, f"commune-groups-error-{size}")
    page.console_errors.clear()  # the refused post answered 400, as it should
    page.select_option(select, "3")
    submit(page, "#save-groups")
    assert page.locator(".alert-success").count() == 1
    assert page.input_value(select) == "3"
    assert list(CommuneCriteriaGroup.objects.values_list("commune__slug", "year", "group")) == [
        ("ky-tay", 2026, 3)]
    # The next year shows the group as holding from an earlier year.
    page.goto(page.base + "/unit/commune-groups/?unit=ky-anh&year=2027")
    assert page.input_value(select) == "3"
    assert "đã xác định từ năm trước" in page.locator("#row-ky-tay").inner_text()
    shot(page, f"commune-groups-2027-{size}")
    assert not page.console_errors
