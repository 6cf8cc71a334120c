from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from communes.scoping import sees_everything
from ntm_portal.backoffice import BoundaryAdminForm, BoundaryAdminMixin, ReadOnlyAdmin

from .models import (
    CommuneCriteriaGroup,
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    CriterionIndicator,
    CriterionIndicatorThreshold,
    DistrictReport,
    DistrictValue,
    Indicator,
    IndicatorValue,
    OpeningBalance,
    Target,
    Task,
    UnitIndicatorChoice,
)


class CriterionInline(admin.TabularInline):
    form = BoundaryAdminForm
    model = Criterion
    fields = ["number", "group", "name_vi", "name_en"]
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "level", "legal_basis", "valid_from", "valid_to", "parent",
                    "thresholds_by_group"]
    list_filter = ["level"]
    search_fields = ["name", "legal_basis", "code"]
    inlines = [CriterionInline]


class CriterionIndicatorInline(admin.TabularInline):
    form = BoundaryAdminForm
    model = CriterionIndicator
    fields = ["code", "name", "unit", "threshold", "direction", "requirement", "is_official"]
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "name_vi", "name_en", "group", "criteria_set"]
    list_filter = ["criteria_set", "group"]
    search_fields = ["name_vi", "name_en"]
    list_select_related = ["criteria_set"]
    inlines = [CriterionIndicatorInline]


class CriterionIndicatorThresholdInline(admin.TabularInline):
    """The thresholds by commune group of a set with ``thresholds_by_group`` (2026–2030)."""

    form = BoundaryAdminForm
    model = CriterionIndicatorThreshold
    fields = ["group", "threshold", "direction", "requirement", "is_official"]
    extra = 0


@admin.register(CriterionIndicator)
class CriterionIndicatorAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    inlines = [CriterionIndicatorThresholdInline]
    list_display = ["code", "name", "criterion", "unit", "threshold", "direction", "is_official"]
    list_filter = ["criterion__criteria_set", "is_official"]
    search_fields = ["code", "name"]
    list_select_related = ["criterion__criteria_set"]


@admin.register(Indicator)
class IndicatorAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    """The catalogue and its defaults (used, required, headline) for every unit: administrators
    change them (``communes.roles.SHARED_DEFAULT_MODELS``); staff read them and choose their
    unit's own on "Chỉ tiêu của đơn vị" (``criteria.catalogue``)."""

    list_display = ["code", "name_vi", "unit_vi", "programme", "kind", "source", "computation",
                    "is_required", "is_active", "is_headline", "position"]
    list_filter = ["programme", "kind", "source", "is_required", "is_active", "is_headline"]
    search_fields = ["code", "name_vi", "name_en"]
    list_editable = ["position"]
    # The computation's choices are the registered ones (communes.computations); the
    # ratio's parts are checked by Indicator.clean (entered, summed, not the ratio).
    raw_id_fields = ["numerator", "denominator"]

    def has_change_permission(self, request, obj=None):
        return sees_everything(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return sees_everything(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return sees_everything(request.user) and super().has_delete_permission(request, obj)


@admin.register(DistrictReport)
class DistrictReportAdmin(ReadOnlyAdmin):
    """Written only by criteria.unit_entry (the district figures page and API)."""

    list_display = ["district", "period", "version", "updated_at", "updated_by"]
    list_filter = ["period"]


@admin.register(DistrictValue)
class DistrictValueAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["report", "indicator", "value", "comment"]
    search_fields = ["indicator__name_vi", "comment"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only here: a unit's staff set its targets on "Mục tiêu năm" (``criteria.targets``)."""

    list_display = ["indicator", "year", "district", "commune", "low", "high", "note"]
    list_filter = ["year", "indicator__programme", "district"]
    search_fields = ["indicator__name_vi", "indicator__code", "note"]
    list_select_related = ["indicator", "district", "commune"]


@admin.register(UnitIndicatorChoice)
class UnitIndicatorChoiceAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only here: written on "Chỉ tiêu của đơn vị" (``criteria.catalogue.save_choices``)."""

    list_display = ["district", "indicator", "is_used", "is_required", "is_headline", "version"]
    list_filter = ["district", "is_used", "is_required", "is_headline"]
    search_fields = ["indicator__code", "indicator__name_vi"]
    list_select_related = ["district", "indicator"]


# Figures and assessments are written by ``criteria.entry`` only (lock, validation,
# version, history): the back office reads them.


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["submission", "indicator", "value", "comment"]
    list_filter = ["submission__period", "indicator__programme", "indicator"]
    search_fields = ["submission__commune__name", "indicator__name_vi", "comment"]
    list_select_related = ["submission__commune", "submission__period", "indicator"]
    raw_id_fields = ["submission"]


@admin.register(CriterionAssessment)
class CriterionAssessmentAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["submission", "criterion", "is_met", "score"]
    list_filter = ["submission__period", "is_met", "criterion__number"]
    search_fields = ["submission__commune__name", "evidence"]
    list_select_related = ["submission__commune", "submission__period", "criterion"]
    raw_id_fields = ["submission"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only here: tasks are created and changed on /plan/ (``criteria.tasks``), which owns
    permission, validation, version and history."""

    list_display = ["title", "commune", "criterion", "owner_kind", "due_date", "status"]
    list_filter = ["status", "owner_kind", "commune"]
    search_fields = ["title", "notes"]
    list_select_related = ["commune", "criterion"]


@admin.register(OpeningBalance)
class OpeningBalanceAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only here: a unit's balance is entered on its page (``criteria.balances``), which
    owns permission, validation, version and history."""

    list_display = ["district", "as_of", "version"]
    list_select_related = ["district"]


@admin.register(CommuneCriteriaGroup)
class CommuneCriteriaGroupAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only here: a unit's staff set its communes' groups on "Nhóm xã"
    (``criteria.commune_groups.save_groups``)."""

    list_display = ["commune", "year", "group", "version"]
    list_filter = ["year", "group"]
    search_fields = ["commune__name"]
    list_select_related = ["commune"]
