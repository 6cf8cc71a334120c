"""One helper per user-facing format: Vietnamese numbers, quarter labels, slugs.

Vietnamese writes 4.054 (dot for thousands) and 12,5 (comma for decimals);
quarters are written "Quý I/2021". Every template, form and export goes through
these helpers so that a figure reads the same everywhere.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify
from django.utils.translation import gettext as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def vn_slugify(text):
    """Slug for URLs: marks dropped, đ/Đ → d (Django's slugify drops đ)."""
    return slugify(str(text).replace("đ", "d").replace("Đ", "D"))


def quarter_label(year, quarter):
    """"Quý I/2021" in Vietnamese, "Q1/2021" in English (through gettext)."""
    return _("Quarter %(roman)s/%(year)s") % {"roman": ROMAN[quarter], "year": year}


def format_number(value, decimals=None):
    """Format a number the Vietnamese way: 4.054 and 12,5.

    ``decimals=None`` keeps the significant decimals of the value (up to 2 shown).
    ``None`` formats as an empty string.
    """
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if decimals is None:
        value = value.quantize(Decimal("0.01")).normalize()
        exponent = value.as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    text = f"{value:,.{decimals}f}"
    # Python gives 4,054.50 → swap separators to 4.054,50.
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


_NUMBER_RE = re.compile(r"^[+-]?[\d.,\s]+$")


class NumberParseError(ValueError):
    pass


def parse_number(text):
    """Parse a number as Vietnamese users type it; return a Decimal or None for blank.

    Accepted: "4054", "4.054", "4 054", "12,5", "1.234,5", "-3". A dot followed by
    exactly three digits is a thousands separator; a single comma is the decimal mark.
    A lone dot with other than three digits after it ("12.5") is read as a decimal
    point, which is how people paste figures from English spreadsheets.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    raw = str(text).strip().replace("\u00a0", " ")
    if raw == "":
        return None
    if not _NUMBER_RE.match(raw):
        raise NumberParseError(raw)
    cleaned = raw.replace(" ", "")
    if "," in cleaned:
        if cleaned.count(",") > 1:
            raise NumberParseError(raw)
        whole, frac = cleaned.split(",")
        if "." in whole and not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", whole):
            raise NumberParseError(raw)
        cleaned = whole.replace(".", "") + "." + frac
    elif cleaned.count(".") == 1:
        whole, frac = cleaned.split(".")
        if len(frac) == 3 and whole.lstrip("+-"):
            cleaned = whole + frac
    elif cleaned.count(".") > 1:
        if not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", cleaned):
            raise NumberParseError(raw)
        cleaned = cleaned.replace(".", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise NumberParseError(raw) from None


def format_date(value):
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    return value.strftime("%d/%m/%Y") if value else ""


_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vn_sort_key(text):
    """Sort key in Vietnamese alphabetical order (a ă â … d đ …; tones second).

    Databases sort by bytes or by a locale that may not be Vietnamese, which puts
    "Kỳ Đồng" last and "Kỳ Tân" after "Kỳ Trung"; lists people read use this key.
    """
    import unicodedata

    letters, tones = [], []
    for char in str(text).lower():
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], parts[1:]
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _MODIFIERS))
        tone = next((m for m in marks if m in _TONES), "")
        letters.append(_ALPHABET.index(letter) if letter in _ALPHABET else 100 + ord(letter))
        tones.append(_TONES[tone])
    return letters, tones
