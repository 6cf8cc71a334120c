"""What the database can hold: figures are stored with 14 digits, 2 of them decimals.

``criteria.validation.check_number`` bounds a figure only by its indicator's own
minimum and maximum; many indicators have no maximum, and a value of 10¹² or more
cannot be stored (an error from the database, a 500). The API and the Excel imports
check this first, so that such a value is an ordinary input error.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from ntm_portal.formats import NumberParseError, parse_number

LIMIT = Decimal(10) ** 12


def too_large(raw):
    """An error message if ``raw`` is a number too large to store, else None."""
    try:
        value = parse_number(raw)
    except (NumberParseError, ArithmeticError, ValueError):
        return None
    if value is not None and (not value.is_finite() or abs(value) >= LIMIT):
        return _("The value is too large.")
    return None
