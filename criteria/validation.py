"""Rules for quarterly figures, in two levels, shared by the web form, the API and imports.

Errors block saving (text where a number belongs, a negative count, a rate outside
0–100, more decimals than the indicator allows). Warnings allow saving and are shown
to the reviewer (a value three times or more away from the commune's recent quarters,
a cumulative figure that goes down). Messages are in the user's language.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ntm_portal import forms as boundary
from ntm_portal.formats import NumberParseError, format_number, parse_number
from ntm_portal.forms import text_errors

from .models import IndicatorValue

OUTLIER_FACTOR = Decimal(3)
# Figures are stored with 14 digits, 2 of them decimals: 10¹² and more cannot be kept.
STORABLE_LIMIT = Decimal(10) ** 12
COMMENT_MAX = IndicatorValue._meta.get_field("comment").max_length
assert COMMENT_MAX == boundary.COMMENT_MAX, "one cap for a figure's comment"
RECENT_QUARTERS = 4


@dataclass
class Checked:
    """The outcome of checking one figure: its value, errors and warnings."""

    raw: str = ""
    value: Decimal | None = None
    comment: str = ""
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def check_number(indicator, raw):
    """Parse and check one typed value against its indicator: (value, errors)."""
    try:
        value = parse_number(raw)
    except NumberParseError:
        return None, [_("“%(text)s” is not a number. Type digits, e.g. 4.054 or 12,5.")
                      % {"text": raw}]
    if value is None:
        return None, []
    if not value.is_finite() or abs(value) >= STORABLE_LIMIT:
        return None, [_("The value is too large.")]
    errors = []
    if indicator.min_value is not None and value < indicator.min_value:
        if indicator.min_value == 0:
            errors.append(_("The value cannot be negative."))
        else:
            errors.append(_("The value must be at least %(min)s.")
                          % {"min": format_number(indicator.min_value)})
    if indicator.max_value is not None and value > indicator.max_value:
        errors.append(_("The value must be at most %(max)s %(unit)s.")
                      % {"max": format_number(indicator.max_value), "unit": indicator.unit})
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > indicator.decimals:
        if indicator.decimals == 0:
            errors.append(_("This figure is a whole number."))
        else:
            errors.append(_("At most %(n)s decimal places.") % {"n": indicator.decimals})
    return value, errors


def recent_values_by_commune(period, commune_ids, indicator_ids=None):
    """Values of the quarters before ``period``: {(commune_id, indicator_id): [values]}.

    One query for any number of communes, newest first, at most ``RECENT_QUARTERS`` each,
    from the two years before; only data that was handed in (not drafts) counts.
    """
    rows = IndicatorValue.objects.filter(submission__commune_id__in=commune_ids,
                                         value__isnull=False)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=indicator_ids)
    rows = (
        rows.exclude(submission__status="draft")
        .filter(submission__period__year__gte=period.year - 2)
        .exclude(submission__period__year__gt=period.year)
        .exclude(submission__period__year=period.year, submission__period__quarter__gte=period.quarter)
        .order_by("-submission__period__year", "-submission__period__quarter")
        .values_list("submission__commune_id", "indicator_id", "value")
    )
    recent = defaultdict(list)
    for commune_id, indicator_id, value in rows:
        bucket = recent[(commune_id, indicator_id)]
        if len(bucket) < RECENT_QUARTERS:
            bucket.append(value)
    return recent


def recent_values(submission, indicator_ids):
    """One commune's recent values before the submission's quarter: {indicator_id: [values]}."""
    per = recent_values_by_commune(submission.period, [submission.commune_id], indicator_ids)
    return {indicator_id: values for (_commune, indicator_id), values in per.items()}


def warnings_for(indicator, value, recent):
    """Warnings for a value given the commune's recent values (newest first)."""
    if value is None or not recent:
        return []
    warnings = []
    mean = sum(recent) / len(recent)
    if mean > 0 and (value >= mean * OUTLIER_FACTOR or value * OUTLIER_FACTOR <= mean):
        warnings.append(_("%(value)s is three times or more away from the average of recent "
                          "quarters (%(mean)s): please check.")
                        % {"value": format_number(value), "mean": format_number(mean)})
    if indicator.is_cumulative and value < recent[0]:
        warnings.append(_("A cumulative figure went down (last quarter: %(last)s).")
                        % {"last": format_number(recent[0])})
    return warnings


def check_figures(submission, indicators, inputs, recent=None):
    """Check every typed figure: {indicator_id: Checked}; nothing is saved here.

    ``inputs`` maps indicator ids to (raw text, comment). The whole set is saved only
    if no figure has an error (see ``criteria.entry.save_figures``). ``recent`` (the
    commune's recent values by indicator) saves the query when checking many communes.
    """
    if recent is None:
        recent = recent_values(submission, [i.pk for i in indicators])
    result = {}
    for indicator in indicators:
        raw, comment = inputs.get(indicator.pk, ("", ""))
        # A number (from the database or a JSON body) is taken as it is: only text is
        # read the Vietnamese way, where "4.054" means four thousand and fifty-four.
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            value, errors = check_number(indicator, Decimal(str(raw)))
            raw = format_number(raw)
        else:
            raw = "" if raw is None else str(raw).strip()
            value, errors = check_number(indicator, raw)
        comment = (comment or "").strip()
        errors = errors + text_errors(comment, COMMENT_MAX)
        checked = Checked(raw=raw, value=value, comment=comment, errors=errors)
        if not errors:
            checked.warnings = warnings_for(indicator, value, recent.get(indicator.pk, []))
        result[indicator.pk] = checked
    return result
