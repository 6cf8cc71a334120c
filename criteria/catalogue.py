"""A steering unit's catalogue: which indicators it uses, requires and headlines.

The catalogue (``Indicator``) is shared; its ``is_active``, ``is_required`` and
``is_headline`` are the defaults, changed by administrators only. Each unit (a
district: the unit whose communes enter the forms) may choose otherwise for any
indicator (``UnitIndicatorChoice``). Every form, check and report reads the effective
choice through ``effective_indicators`` (one query, whatever the number of indicators
or units); ``save_choices`` is the one door that writes a unit's choices.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from communes.periods import check_unit_staff
from communes.scoping import sees_everything
from communes.signals import data_changed
from communes.versioning import StaleEdit, claim_versions

from .choices import IndicatorSource
from .models import Indicator, UnitIndicatorChoice

CHOICE_FIELDS = ("is_used", "is_required", "is_headline")
# The catalogue's default of each choice.
DEFAULT_FIELDS = {"is_used": "is_active", "is_required": "is_required",
                  "is_headline": "is_headline"}


def with_unit_choices(queryset, district_id):
    """Annotate the unit's choice over the catalogue's default (``unit_used`` …, and the
    choice's ``unit_version``: 0 when the unit has none)."""
    mine = UnitIndicatorChoice.objects.filter(district_id=district_id, indicator=OuterRef("pk"))
    annotations = {
        f"unit_{name[3:]}": Coalesce(Subquery(mine.values(name)[:1]), default,
                                     output_field=BooleanField())
        for name, default in DEFAULT_FIELDS.items()}
    annotations["unit_version"] = Coalesce(Subquery(mine.values("version")[:1]), 0)
    return queryset.annotate(**annotations)


def catalogue_for(district, source=None):
    """Every catalogue indicator with the unit's effective choice, used or not, in display
    order (the unit's catalogue page). One query.

    Each indicator's ``is_active``, ``is_required`` and ``is_headline`` hold the unit's
    effective choice (the instances are for reading, never saved); ``unit_version`` is
    the version of the unit's choice (0: none yet, the defaults apply).
    """
    queryset = Indicator.objects.all()
    if source is not None:
        queryset = queryset.filter(source=source)
    indicators = list(with_unit_choices(queryset, getattr(district, "pk", district))
                      .order_by("position", "code"))
    for indicator in indicators:
        indicator.default_used = indicator.is_active
        indicator.default_required = indicator.is_required
        indicator.default_headline = indicator.is_headline
        indicator.is_active = indicator.unit_used
        indicator.is_required = indicator.unit_required
        indicator.is_headline = indicator.unit_headline
        indicator._state.effective = True  # see Indicator.save's guard below
    return indicators


def effective_indicators(district, source=None):
    """The indicators ``district`` uses, with its required and headline choices: the one
    function every form, check, import, API and report reads. One query."""
    return [i for i in catalogue_for(district, source) if i.is_active]


def entered_indicators(district):
    """The indicators the communes of ``district`` enter, in display order."""
    return effective_indicators(district, IndicatorSource.ENTERED)


def used_codes(district):
    """The codes of the indicators ``district`` uses (for reports), one query."""
    return {i.code for i in effective_indicators(district)}


@dataclass
class ChoiceInput:
    """What a unit's catalogue page posts for one indicator."""

    indicator: Indicator
    is_used: bool
    is_required: bool
    is_headline: bool
    version: int  # the version the page was loaded at (0: no choice of the unit yet)


def check_choices_editor(user, district):
    """Raise ``PermissionDenied`` unless ``user`` is staff of the unit over ``district``."""
    check_unit_staff(user, district)


def save_choices(user, district, inputs):
    """Write a unit's choices: the one door. Returns the number of indicators changed.

    Permission: staff of the unit (``check_unit_staff``). Only indicators whose choice
    changed are written; each claims its version, so a choice changed by someone else
    after the page was loaded refuses the whole save (``StaleEdit``, nothing written).
    A choice equal to the catalogue's defaults is kept as the unit's choice (so that a
    later change of the defaults does not change this unit's rules).
    """
    check_choices_editor(user, district)
    current = {i.pk: i for i in catalogue_for(district)}
    stale = _("Someone else changed this unit's indicators after you opened the page. "
              "Nothing of yours was saved: the page now shows their choices.")
    changes = []
    for data in inputs:
        indicator = current.get(data.indicator.pk)
        if indicator is None:
            continue
        if data.version != indicator.unit_version:
            raise StaleEdit(stale)
        wanted = (data.is_used, data.is_used and data.is_required, data.is_headline)
        if wanted != (indicator.is_active, indicator.is_required, indicator.is_headline):
            changes.append((indicator, wanted, data.version))
    if not changes:
        return 0
    existing = {c.indicator_id: c for c in UnitIndicatorChoice.objects.filter(
        district=district, indicator_id__in=[i.pk for i, _w, _v in changes])}
    with transaction.atomic():
        claims = [(existing[i.pk], version) for i, _w, version in changes if i.pk in existing]
        if claims:
            claim_versions(UnitIndicatorChoice, claims, stale)
        for indicator, wanted, _version in changes:
            choice = existing.get(indicator.pk) or UnitIndicatorChoice(
                district=district, indicator_id=indicator.pk)
            choice.is_used, choice.is_required, choice.is_headline = wanted
            choice._history_user = user
            try:
                with transaction.atomic():
                    choice.save()
            except IntegrityError:  # created by someone else meanwhile
                raise StaleEdit(stale) from None
    data_changed.send(sender=UnitIndicatorChoice)
    return len(changes)


def check_defaults_editor(user):
    """Only administrators change the catalogue's defaults (they apply to every unit)."""
    if not sees_everything(user):
        raise PermissionDenied(_("Only administrators change the catalogue's defaults; "
                                 "choose your unit's indicators on its own page."))
