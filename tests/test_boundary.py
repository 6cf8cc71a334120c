"""The shared text boundary: control characters refused, ordinary text and line breaks kept."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ntm_portal.forms import LONG_TEXT_MAX, PlainTextField, validate_plain_text


@pytest.mark.parametrize("text", ["a\x00b", "\x07", "x\x1b[31m", "del\x7f"])
def test_control_characters_are_refused_in_vietnamese(text):
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        validate_plain_text(text)
    assert "ký tự điều khiển" in caught.value.messages[0]


def test_tabs_line_breaks_and_vietnamese_pass():
    validate_plain_text("Kỳ Tây:\tđường\r\nthôn 1")


def test_field_caps_length_by_default():
    field = PlainTextField()
    assert field.clean("x" * LONG_TEXT_MAX)
    with pytest.raises(ValidationError):
        field.clean("x" * (LONG_TEXT_MAX + 1))
