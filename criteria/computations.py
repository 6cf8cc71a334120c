"""Counts computed from the registries, offered to catalogue indicators by name.

Collected by ``communes.computations``; ``criteria.aggregates`` runs them for the
indicators whose source is "computed". Each group costs one query whatever the number
of communes (``trend``: one query whatever the number of periods). The registries
are explained in docs/DOMAIN.md#model-residential-areas-and-model-gardens.
"""

from decimal import Decimal

from django.db.models import Count, IntegerField, Q, Value
from django.utils.translation import gettext_lazy as _

from communes.choices import NtmLevel
from communes.computations import ComputationGroup
from communes.lineage import valid_on_q
from communes.models import (
    Commune,
    ModelArea,
    ModelGarden,
    NtmRecognition,
    Village,
    building_q,
    recognised_between_q,
    recognised_q,
)

from .aggregates import Figure, counts_of, figures_of, ratio_of, spans


def _scoped(queryset, path, communes):
    return queryset if communes is None else queryset.filter(**{f"{path}__in": communes})


def _areas(period, communes, by_commune, keys):
    span, prev_end = spans(period)
    end = period.end_date
    new = {f"new_{name}": recognised_between_q(*dates) for name, dates in span.items()}
    area = counts_of(_scoped(ModelArea.objects.all(), "village__commune", communes),
                     "village__commune_id", by_commune, {
                         "building": building_q(end), "building_before": building_q(prev_end),
                         "total": recognised_q(end), "total_before": recognised_q(prev_end),
                         **new})
    return {
        "model-areas-building": figures_of(area, "building", "building_before"),
        "model-areas-new": figures_of(area, "new_quarter", "new_previous", "new_ytd",
                                      "new_cumulative"),
        "model-areas-total": figures_of(area, "total", "total_before"),
    }


def _areas_trend(periods, communes, keys):
    conditions = {}
    for i, period in enumerate(periods):
        conditions[f"model-areas-new_{i}"] = recognised_between_q(period.start_date,
                                                                  period.end_date)
        conditions[f"model-areas-building_{i}"] = building_q(period.end_date)
        conditions[f"model-areas-total_{i}"] = recognised_q(period.end_date)
    counts = _scoped(ModelArea.objects.all(), "village__commune", communes).aggregate(
        **{name: Count("pk", filter=q) for name, q in conditions.items()})
    return {key: [Decimal(counts[f"{key}_{i}"] or 0) for i in range(len(periods))]
            for key in keys}


def _gardens(period, communes, by_commune, keys):
    span, _prev_end = spans(period)
    new = {f"new_{name}": recognised_between_q(*dates) for name, dates in span.items()}
    garden = counts_of(_scoped(ModelGarden.objects.all(), "village__commune", communes),
                       "village__commune_id", by_commune, new)
    return {"model-gardens-new": figures_of(garden, "new_quarter", "new_previous", "new_ytd",
                                            "new_cumulative")}


def _gardens_trend(periods, communes, keys):
    counts = _scoped(ModelGarden.objects.all(), "village__commune", communes).aggregate(**{
        f"new_{i}": Count("pk", filter=recognised_between_q(p.start_date, p.end_date))
        for i, p in enumerate(periods)})
    return {"model-gardens-new": [Decimal(counts[f"new_{i}"] or 0) for i in range(len(periods))]}


LEVELS = {"communes-standard": NtmLevel.STANDARD, "communes-advanced": NtmLevel.ADVANCED,
          "communes-model": NtmLevel.MODEL}


def _levels(period, communes, by_commune, keys):
    _span, prev_end = spans(period)
    levels = _scoped(Commune.objects.all(), "pk", communes)
    levels = levels.with_level(period.end_date, "now", year=False)
    # The previous quarter's levels only when the figure keeps them (``SpanDates``): a
    # level is a subquery per commune. Not read, they count as 0.
    if getattr(period, "wants_previous", True):
        levels = levels.with_level(prev_end, "before", year=False)
    else:
        levels = levels.annotate(before=Value(None, output_field=IntegerField()))
    # Counted by pair of levels, each level read once per commune (PostgreSQL repeats a
    # level's subquery in every count filtered on it), then summed up to each key's level.
    # Only the communes valid on the day: a merged unit and its predecessors never both.
    group = ["pk"] if by_commune else []
    rows = levels.order_by().values(*group, "now", "before").annotate(
        valid_now=Count("pk", filter=valid_on_q(period.end_date)),
        valid_before=Count("pk", filter=valid_on_q(prev_end))).values_list(
        *group, "now", "before", "valid_now", "valid_before")
    level = {name: {} if by_commune else {None: 0}
             for key in keys for name in (key, f"{key}_before")}
    for row in rows:
        commune_id = row[0] if by_commune else None
        now, before, valid_now, valid_before = row[-4:]
        for key in keys:
            at_least = LEVELS[key]
            counts, counts_before = level[key], level[f"{key}_before"]
            counts[commune_id] = counts.get(commune_id, 0) + (
                valid_now if now is not None and now >= at_least else 0)
            counts_before[commune_id] = counts_before.get(commune_id, 0) + (
                valid_before if before is not None and before >= at_least else 0)
    return {key: figures_of(level, key, f"{key}_before") for key in keys}


def _levels_trend(periods, communes, keys):
    qs = _scoped(Commune.objects.all(), "pk", communes)
    for i, period in enumerate(periods):
        qs = qs.with_level(period.end_date, f"level_{i}", year=False)
    counts = qs.aggregate(**{
        f"{key}_{i}": Count("pk", filter=Q(**{f"level_{i}__gte": LEVELS[key]})
                            & valid_on_q(period.end_date))
        for key in keys for i, period in enumerate(periods)})
    return {key: [Decimal(counts[f"{key}_{i}"] or 0) for i in range(len(periods))]
            for key in keys}


def _in_force(on_date):
    return ((Q(valid_from__isnull=True) | Q(valid_from__lte=on_date))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)))


def _villages(period, communes, by_commune, keys):
    """Villages with a model residential area recognised, out of the villages in force:
    a percentage shown with both parts (``ratio_of``)."""
    _span, prev_end = spans(period)
    villages = _scoped(Village.objects.all(), "commune", communes)
    parts = counts_of(villages, "commune_id", by_commune, {
        "model": Q(model_areas__in=ModelArea.objects.filter(recognised_q(period.end_date))),
        "model_before": Q(model_areas__in=ModelArea.objects.filter(recognised_q(prev_end))),
        "all": _in_force(period.end_date), "all_before": _in_force(prev_end),
    }, distinct=True)
    model = figures_of(parts, "model", "model_before")
    every = figures_of(parts, "all", "all_before")
    return {"villages-model-share": {
        key: ratio_of(Figure(*model[key]) if key in model else Figure(), Figure(*every[key]),
                      Decimal(100)) for key in every}}


def _villages_trend(periods, communes, keys):
    result = [None] * len(periods)
    for i, period in enumerate(periods):  # at most eight quarters on a page
        figure = _villages(period, communes, False, keys)["villages-model-share"].get(None)
        result[i] = figure.quarter if figure else None
    return {"villages-model-share": result}


def _has_areas(communes):
    return _scoped(ModelArea.objects.all(), "village__commune", communes).exists()


def _has_gardens(communes):
    return _scoped(ModelGarden.objects.all(), "village__commune", communes).exists()


def _has_recognitions(communes):
    return _scoped(NtmRecognition.objects.all(), "commune", communes).exists()


GROUPS = [
    ComputationGroup("areas", {
        "model-areas-building": _("Model residential areas being built (registry)"),
        "model-areas-new": _("Model residential areas recognised in the quarter (registry)"),
        "model-areas-total": _("Model residential areas recognised to date (registry)"),
    }, _areas, _areas_trend, _has_areas),
    ComputationGroup("gardens", {
        "model-gardens-new": _("Model gardens recognised (registry)"),
    }, _gardens, _gardens_trend, _has_gardens),
    ComputationGroup("levels", {
        "communes-standard": _("Communes at the NTM standard or above (recognitions)"),
        "communes-advanced": _("Communes at the advanced standard or above (recognitions)"),
        "communes-model": _("Communes at the model standard (recognitions)"),
    }, _levels, _levels_trend, _has_recognitions),
    ComputationGroup("villages", {
        "villages-model-share": _("Villages at the model standard out of all villages, %"),
    }, _villages, _villages_trend, _has_areas),
]
