"""Opening balances: where a unit stood when it joined mid-programme, entered once.

The one door for ``OpeningBalance`` (the staff page, the back office reads only):
permission (staff of the unit, ``check_balance_editor``), validation (``balance_errors``:
the date is the last day of a quarter and not in the future, every figure a number the
Vietnamese way, not negative, of an indicator that takes a balance), the version (a
stale edit is refused, a second creation too: the unit has one balance), and the
history's author. The figures count from the balance in ``criteria.aggregates``
(``with_balance``). docs/DOMAIN.md#opening-balances
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.scoping import CHANGE, is_district_staff
from communes.versioning import StaleEdit, claim_versions
from ntm_portal.formats import NumberParseError, format_number, parse_number

from .aggregates import balance_indicators
from .models import OpeningBalance

MAX_AMOUNT = Decimal("999999999999.99")  # the figures' column: 14 digits, 2 decimals


def balance_for(district):
    """The unit's opening balance, or None (one query)."""
    if district is None:
        return None
    return OpeningBalance.objects.filter(district=district).first()


def check_balance_editor(user, district):
    """Raise ``PermissionDenied`` unless ``user`` is staff of ``district``'s unit."""
    from communes.models import District

    if not is_district_staff(user) or not District.objects.restrict(user, CHANGE).filter(
            pk=district.pk).exists():
        raise PermissionDenied(_("Only the district office's staff enter the unit's opening "
                                 "balance."))


def is_quarter_end(day):
    following = day + datetime.timedelta(days=1)
    return following.day == 1 and following.month in (1, 4, 7, 10)


def balance_errors(as_of, texts, indicators=None):
    """({field: message}, {code: Decimal}) for a date and {code: typed text}.

    A blank figure is no figure: it stays unknown, never 0.
    """
    errors, amounts = {}, {}
    if as_of is None:
        errors["as_of"] = _("Type the date of the balance, as dd/mm/yyyy.")
    elif as_of > timezone.localdate():
        errors["as_of"] = _("This date is in the future.")
    elif not is_quarter_end(as_of):
        errors["as_of"] = _("The balance is as of the last day of a quarter (31/03, 30/06, "
                            "30/09 or 31/12): the quarters after it add to it.")
    allowed = {i.code: i for i in (indicators if indicators is not None
                                   else balance_indicators())}
    for code, text in texts.items():
        if code not in allowed:
            errors[code] = _("This indicator takes no opening balance.")
            continue
        try:
            value = parse_number(text)
        except NumberParseError:
            errors[code] = _("“%(text)s” is not a number; type digits, e.g. 1.234 or 12,5.") % {
                "text": str(text)[:40]}
            continue
        if value is None:
            continue
        if value < 0:
            errors[code] = _("A cumulative figure cannot be negative.")
        elif value > MAX_AMOUNT:
            errors[code] = _("The number is too large (at most %(max)s).") % {
                "max": format_number(MAX_AMOUNT)}
        elif value != value.quantize(Decimal("0.01")):
            errors[code] = _("At most two decimals.")
        elif allowed[code].decimals == 0 and value != value.to_integral_value():
            errors[code] = _("This figure is a whole number.")
        else:
            amounts[code] = value
    return errors, amounts


class BalanceInvalid(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def save_balance(district, user, as_of, texts, expected_version=None):
    """Create the unit's balance (``expected_version`` None) or change it (the version the
    form was loaded at). Raises ``PermissionDenied``, ``BalanceInvalid`` or ``StaleEdit``;
    writes nothing then."""
    check_balance_editor(user, district)
    errors, amounts = balance_errors(as_of, texts)
    if errors:
        raise BalanceInvalid(errors)
    stored = {code: str(value) for code, value in amounts.items()}
    stale = _("Someone else saved the opening balance after you opened the page. Nothing of "
              "yours was saved; the page now shows theirs.")
    try:
        with transaction.atomic():
            if expected_version is None:
                balance = OpeningBalance(district=district, as_of=as_of, amounts=stored)
                balance._history_user = user
                balance.save()
                return balance
            balance = OpeningBalance.objects.select_for_update().filter(district=district).first()
            if balance is None:
                raise StaleEdit(stale)
            claim_versions(OpeningBalance, [(balance, expected_version)], stale)
            balance.as_of, balance.amounts = as_of, stored
            balance._history_user = user
            balance.save()
            return balance
    except IntegrityError:
        # The unit already has its balance (a double post, or someone else first).
        raise StaleEdit(stale) from None
