"""What the database can hold, for values checked outside ``check_number``.

``criteria.validation.check_number`` refuses figures too large to store; the API and the
Excel imports also read criterion indicator values, which have no catalogue indicator,
and use this with the same limit.
"""

from django.utils.translation import gettext as _

from ntm_portal.formats import NumberParseError, parse_number

from .validation import STORABLE_LIMIT as LIMIT


def too_large(raw):
    """An error message if ``raw`` is a number too large to store, else None."""
    try:
        value = parse_number(raw)
    except (NumberParseError, ArithmeticError, ValueError):
        return None
    if value is not None and (not value.is_finite() or abs(value) >= LIMIT):
        return _("The value is too large.")
    return None
