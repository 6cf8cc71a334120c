"""A steering unit's targets for a year: the one door that writes them.

A district's target of an indicator for a year is a value or a range (``Target``);
the unit's staff set them on the "targets of the year" page (and nowhere else: the
back office shows targets read-only). ``save_targets`` checks the permission (staff of
the unit), each row's values, and the version each row was loaded at; it writes the
history with the acting user and bumps the dashboards' data version.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communes.periods import check_unit_staff
from communes.signals import data_changed
from communes.versioning import StaleEdit, claim_versions
from ntm_portal.formats import NumberParseError, parse_number
from ntm_portal.forms import SHORT_TEXT_MAX, text_errors

from .models import Target
from .validation import STORABLE_LIMIT

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass
class TargetInput:
    """What the page posts for one indicator: the typed bounds and note, and the version
    of the unit's target as loaded (0: none)."""

    indicator: object
    low_raw: str = ""
    high_raw: str = ""
    note: str = ""
    version: int = 0
    errors: list = field(default_factory=list)
    low: Decimal | None = None
    high: Decimal | None = None


def unit_targets(district, year):
    """The district's own targets of ``year`` (not its communes'): {indicator id: Target}."""
    return {t.indicator_id: t for t in Target.objects.filter(
        district=district, year=year, commune__isnull=True)}


def check_target(data):
    """Parse and check one row; fills ``data.low``, ``data.high`` and ``data.errors``."""
    data.errors = []
    for name in ("low", "high"):
        raw = getattr(data, f"{name}_raw")
        try:
            value = parse_number(raw)
        except (NumberParseError, ArithmeticError, ValueError):
            data.errors.append(_("“%(text)s” is not a number.") % {"text": raw[:50]})
            value = None
        else:
            if value is not None and (not value.is_finite() or abs(value) >= STORABLE_LIMIT):
                data.errors.append(_("The value is too large."))
                value = None
            elif value is not None and value < 0:
                data.errors.append(_("The value cannot be negative."))
                value = None
            elif value is not None:
                value = value.quantize(Decimal("0.01"))
        setattr(data, name, value)
    data.errors.extend(text_errors(data.note, SHORT_TEXT_MAX))
    if data.low is None and data.high is not None:
        data.errors.append(_("Give the value (or the lower bound) first."))
    if data.low is not None and data.high is not None and data.high < data.low:
        data.errors.append(_("The upper bound is below the lower bound."))
    if data.low is None and data.note.strip() and not data.errors:
        data.errors.append(_("A note needs a target value."))
    return data


def save_targets(user, district, year, inputs):
    """Check and write a unit's targets of ``year``; return (rows changed, checked inputs).

    All or nothing: if any row has an error, nothing is written and the rows come back
    with their messages. An empty row removes the unit's target. Every changed row claims
    its version: a row changed by someone else since the page was loaded refuses the
    whole save (``StaleEdit``).
    """
    check_unit_staff(user, district)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise StaleEdit(_("There is no such year."))
    for data in inputs:
        check_target(data)
    if any(data.errors for data in inputs):
        return 0, inputs
    stale = _("Someone else changed this unit's targets for %(year)s after you opened the "
              "page. Nothing of yours was saved: the page now shows their targets.") % {
        "year": year}
    existing = unit_targets(district, year)
    changes = []
    for data in inputs:
        current = existing.get(data.indicator.pk)
        if data.version != (current.version if current else 0):
            raise StaleEdit(stale)
        note = data.note.strip()
        high = data.high if data.high is not None and data.high != data.low else None
        if current is None and data.low is None:
            continue
        if current is not None and (current.low, current.high, current.note) == (
                data.low, high, note):
            continue
        changes.append((data, current, high, note))
    if not changes:
        return 0, inputs
    with transaction.atomic():
        claims = [(current, data.version) for data, current, _h, _n in changes if current]
        if claims:
            claim_versions(Target, claims, stale)
        for data, current, high, note in changes:
            if data.low is None:
                current._history_user = user
                current.delete()
                continue
            target = current or Target(indicator_id=data.indicator.pk, year=year,
                                       district=district, commune=None)
            target.low, target.high, target.note = data.low, high, note
            target._history_user = user
            try:
                with transaction.atomic():
                    target.save()
            except IntegrityError:  # created by someone else meanwhile
                raise StaleEdit(stale) from None
    data_changed.send(sender=Target)
    return len(changes), inputs
