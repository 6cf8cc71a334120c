"""The quarter's narrative, drafted from the dashboard's figures in the register of the
district's meeting reports ("Quý I, đã có thêm 4 thôn được công nhận khu dân cư kiểu
mẫu, lũy kế đến nay có 73 khu dân cư đạt chuẩn…").

It reads ``Dashboard.figures`` and the other parts of the dashboard, never the
database: every number in the text is one of the dashboard's tables, formatted by
``format_number``. Sentences whose figures are missing are left out rather than
written with a blank; a computed figure whose registry holds nothing for the unit is
missing, not 0 (``criteria.aggregates.unrecorded_codes``). Every headline indicator of the
unit (its choice, else the catalogue's: ``criteria.catalogue``) with a value is
mentioned, in its own sentence or in a list; lateness is spoken of only for quarters
the unit entered live (not back-filled for it: ``communes.periods.period_terms``).
"""

from django.utils.translation import gettext as _

from ntm_portal.formats import format_number


def _value(dashboard, code, attribute="quarter"):
    figure = dashboard.figures.get(code)
    return getattr(figure, attribute) if figure is not None else None


def _n(value):
    return format_number(value)


def partial_history_note(d):
    """The sentence the workbook and the Word report carry when some of their figures reach
    before a merger that took in units the portal never held (``Dashboard.partial``), or
    None."""
    if not d.partial:
        return None
    return _("Figures that reach before a merger are partial (marked “(partial)”): they leave "
             "out units whose reports the portal never held (%(units)s).") % {
        "units": "; ".join(_("%(name)s: without %(absent)s") % {"name": name, "absent": absent}
                           for name, absent in d.partial_history)}


def _year_on_year(d, codes):
    """"Compared with the same period last year: …" for the figures of ``codes`` known on
    both sides (never against an unknown one), or None."""
    if d.partial & {"quarter", "year_ago"}:
        return _("No comparison with the same period last year: before the merger the portal "
                 "holds no reports of %(names)s.") % {
            "names": "; ".join(absent for _name, absent in d.partial_history)}
    names = {indicator.code: indicator for indicator in d.indicators}
    items = []
    for code in codes:
        figure = d.figures.get(code)
        indicator = names.get(code)
        if figure is None or indicator is None:
            continue
        change, percent = figure.change, figure.change_percent
        if change is None:
            continue
        values = {"name": indicator.name, "value": _n(figure.quarter),
                  "year_ago": _n(figure.year_ago), "percent": _n(abs(percent or 0)),
                  "change": _n(abs(change)), "unit": indicator.unit}
        if change == 0:
            items.append(_("%(name)s unchanged (%(value)s %(unit)s)") % values)
        elif percent is None:  # nothing a year ago: no percentage to give
            items.append(_("%(name)s: %(value)s %(unit)s against %(year_ago)s") % values)
        elif change > 0:
            items.append(_("%(name)s up %(percent)s%% (%(value)s against %(year_ago)s %(unit)s)")
                         % values)
        else:
            items.append(_("%(name)s down %(percent)s%% (%(value)s against %(year_ago)s "
                           "%(unit)s)") % values)
    if not items:
        return None
    return _("Compared with the same period last year: %(changes)s.") % {
        "changes": "; ".join(items)}


def narrative(dashboard):
    """A list of paragraphs (plain text) for the report's span (a quarter, 6 or 9 months,
    the year, a run of quarters), with the year-on-year changes where both sides are
    known."""
    d = dashboard
    span = d.span
    period = span.title
    paragraphs = []
    mentioned = set()

    houses = _value(d, "ntm-houses-renovated")
    gardens = _value(d, "ntm-gardens-renovated")
    models = _value(d, "ntm-clean-house-models")
    building = _value(d, "ntm-model-areas-building")
    if None not in (houses, gardens, models, building):
        paragraphs.append(_(
            "%(period)s, the communes were building %(building)s model residential areas, "
            "renovated %(houses)s houses and %(gardens)s household gardens; %(models)s "
            "“clean house, beautiful garden” models were given plaques."
        ) % {"period": period, "building": _n(building), "houses": _n(houses),
             "gardens": _n(gardens), "models": _n(models)})
        mentioned |= {"ntm-houses-renovated", "ntm-gardens-renovated", "ntm-clean-house-models",
                      "ntm-model-areas-building"}

    sentences = []
    new_areas = _value(d, "ntm-model-areas-new")
    total_areas = _value(d, "ntm-model-areas-total")
    if new_areas is not None and total_areas is not None and not span.is_quarter:
        sentences.append(_(
            "In %(period)s, %(new)s more villages were recognised as model residential "
            "areas; to date %(total)s model residential areas meet the standard."
        ) % {"period": span.label, "new": _n(new_areas), "total": _n(total_areas)})
        mentioned |= {"ntm-model-areas-new", "ntm-model-areas-total"}
    elif new_areas is not None and total_areas is not None:
        sentences.append(_(
            "In the quarter, %(new)s more villages were recognised as model residential "
            "areas; to date %(total)s model residential areas meet the standard."
        ) % {"new": _n(new_areas), "total": _n(total_areas)})
        mentioned |= {"ntm-model-areas-new", "ntm-model-areas-total"}
    new_gardens = _value(d, "ntm-model-gardens-new")
    if new_gardens is not None and not span.is_quarter:
        sentences.append(_(
            "%(gardens)s model gardens were recognised in %(period)s, %(ytd)s since the "
            "start of the year."
        ) % {"gardens": _n(new_gardens), "period": span.label,
             "ytd": _n(_value(d, "ntm-model-gardens-new", "ytd"))})
    elif new_gardens is not None:
        sentences.append(_(
            "%(gardens)s model gardens were recognised in the quarter, %(ytd)s since the "
            "start of the year."
        ) % {"gardens": _n(new_gardens), "ytd": _n(_value(d, "ntm-model-gardens-new", "ytd"))})
    standard = _value(d, "ntm-communes-standard")
    advanced = _value(d, "ntm-communes-advanced")
    if standard is not None and advanced is not None:
        sentences.append(_(
            "%(standard)s of %(total)s communes are at the NTM standard, %(advanced)s of "
            "them at the advanced standard."
        ) % {"standard": _n(standard), "total": _n(d.commune_count), "advanced": _n(advanced)})
    if sentences:
        paragraphs.append(" ".join(sentences))

    for row in d.lagging:
        if not row.assessed:
            continue
        unmet = row.unmet  # worked out from the criteria each time it is read
        values = {"commune": row.commune.name, "count": _n(len(unmet)),
                  "criteria": "; ".join(c.name for c in unmet), "sponsor": row.sponsor}
        if unmet and row.sponsor:
            paragraphs.append(_(
                "%(commune)s has %(count)s criteria not yet met: %(criteria)s; it is "
                "sponsored by %(sponsor)s."
            ) % values)
        elif unmet:
            paragraphs.append(_("%(commune)s has %(count)s criteria not yet met: %(criteria)s.")
                              % values)

    if d.plan is not None:
        from .plan_panels import remaining_sentences

        paragraphs.extend(remaining_sentences(d.plan))

    ocop = d.ocop
    if ocop.candidates:
        breakdown = ", ".join(
            _("%(count)s aiming for %(stars)s stars") % {"count": _n(count), "stars": stars}
            for stars, count in ocop.candidates_by_star.items() if count
        )
        text = _(
            "In %(year)s, %(total)s products were selected as eligible to become OCOP "
            "products, of which %(breakdown)s."
        ) % {"year": d.period.year, "total": _n(ocop.candidates), "breakdown": breakdown}
        paragraphs.append(text)

    targets = []
    for row in d.target_rows:
        item = {"name": row.indicator.name, "target": row.target.value_text,
                "unit": row.indicator.unit, "share": row.share_text}
        if row.share is not None:
            targets.append(_("%(name)s: %(target)s %(unit)s (%(share)s%% done)") % item)
        else:
            targets.append(_("%(name)s: %(target)s %(unit)s") % item)
    if targets:
        paragraphs.append(_("Targets for %(year)s: %(targets)s.")
                          % {"year": d.period.year, "targets": "; ".join(targets)})

    others = []
    for row in d.key_rows:
        value = row.figure.quarter
        if row.indicator.code in mentioned or value is None:
            continue
        others.append(_("%(name)s: %(value)s %(unit)s") % {
            "name": row.indicator.name, "value": _n(value), "unit": row.indicator.unit})
    if others:
        paragraphs.insert(0, _("%(period)s: %(figures)s.") % {
            "period": period, "figures": "; ".join(others)})

    # The unit's headline indicators, then a few more the year's reports compare.
    headline = [row.indicator.code for row in d.key_rows]
    compared = _year_on_year(d, headline + [
        code for code in ("ntm-model-gardens-new", "ntm-communes-standard",
                          "ntm-communes-advanced", "gnbv-poor-households",
                          "gnbv-left-poverty", "ocop-candidates") if code not in headline])
    if compared:
        paragraphs.append(compared)

    counts = d.completeness_counts
    if counts["total"] and not span.is_quarter:
        # A span's reports are its last quarter's (docs/DOMAIN.md#spans).
        paragraphs.append(_(
            "Reports of %(quarter)s, the last quarter of the period: %(approved)s of "
            "%(total)s communes approved, %(missing)s not handed in."
        ) % {"quarter": d.period.label, **{key: _n(value) for key, value in counts.items()}})
    elif counts["total"] and d.terms is not None and d.terms.is_backfill:
        # Entered after the fact: "on time" and "late" would mean nothing.
        paragraphs.append(_(
            "Reports of the quarter (entered afterwards): %(approved)s of %(total)s communes "
            "approved, %(missing)s not handed in."
        ) % {key: _n(value) for key, value in counts.items()})
    elif counts["total"]:
        paragraphs.append(_(
            "Reports of the quarter: %(approved)s of %(total)s communes approved, "
            "%(on_time)s handed in on time, %(late)s late, %(missing)s not handed in."
        ) % {key: _n(value) for key, value in counts.items()})
    return paragraphs
