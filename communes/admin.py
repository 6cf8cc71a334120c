from django.contrib import admin, messages
from django.db.models import Q
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ntm_portal.backoffice import (
    BoundaryAdminForm, BoundaryAdminMixin, ReadOnlyAdmin, ServiceSaveAdmin, scoped_list_filter)

from . import registry, tokens
from .accounts import can_reset_password, reset_password
from .scoping import sees_everything, user_scope

from .models import (
    ApiToken,
    Commune,
    CommuneGroup,
    District,
    ModelArea,
    ModelGarden,
    Submission,
    SubmissionEvent,
    NtmRecognition,
    Province,
    ReportingPeriod,
    SponsoringUnit,
    Sponsorship,
    UnitPeriodSetting,
    User,
    Village,
)

admin.site.site_header = _("NTM portal administration")
admin.site.site_title = _("NTM portal")
admin.site.index_title = _("Back office")


class PredecessorsShownMixin:
    """Validity dates and predecessors are written by mergers only (``communes.mergers``):
    the back office shows them, and names only the predecessors inside the user's scope."""

    exclude = ["predecessors"]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.visible_predecessors = list(obj.predecessors.restrict(request.user))
        return obj

    @admin.display(description=_("predecessors"))
    def former_units(self, obj):
        return ", ".join(str(p) for p in getattr(obj, "visible_predecessors", ())) or "—"


@admin.register(District)
class DistrictAdmin(PredecessorsShownMixin, BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "province", "code", "valid_from", "valid_to"]
    search_fields = ["name", "province__name", "code"]
    list_select_related = ["province"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["valid_from", "valid_to", "former_units"]

    def has_add_permission(self, request):
        # A new steering unit is created by an administrator or its province's staff,
        # never by a district's staff (it would lie outside their unit).
        user = request.user
        return super().has_add_permission(request) and (
            sees_everything(user) or bool(user.province_id))


class VillageInline(admin.TabularInline):
    form = BoundaryAdminForm
    model = Village
    fields = ["name", "is_invented", "valid_from", "valid_to"]
    readonly_fields = ["valid_from", "valid_to"]
    extra = 0


class RecognitionInline(admin.TabularInline):
    form = BoundaryAdminForm
    model = NtmRecognition
    fields = ["level", "year", "decision_number", "decision_date", "note"]
    extra = 0


class SponsorshipInline(admin.TabularInline):
    form = BoundaryAdminForm
    model = Sponsorship
    fields = ["unit", "start_date", "end_date", "purpose"]
    extra = 0


@admin.register(Commune)
class CommuneAdmin(PredecessorsShownMixin, BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "district", "code", "slug", "valid_from", "valid_to"]
    list_filter = ["district", "kind"]
    search_fields = ["name", "slug", "code"]
    prepopulated_fields = {"slug": ["name"]}
    # A merger's fields have one door, ``communes.mergers`` (the set-up page, the command):
    # the back office shows them.
    readonly_fields = ["valid_from", "valid_to", "former_units", "officers_see_predecessors",
                       "absent_predecessors"]
    inlines = [VillageInline, RecognitionInline, SponsorshipInline]


@admin.register(Village)
class VillageAdmin(PredecessorsShownMixin, BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "commune", "is_invented", "valid_from", "valid_to"]
    list_filter = ["commune__district", "commune", "is_invented"]
    search_fields = ["name", "code", "commune__name"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["valid_from", "valid_to", "former_units"]


@admin.register(NtmRecognition)
class NtmRecognitionAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["commune", "level", "year", "decision_number", "decision_date"]
    list_filter = ["level", "year"]
    search_fields = ["commune__name", "decision_number"]
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]


@admin.register(CommuneGroup)
class CommuneGroupAdmin(BoundaryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "year"]
    list_filter = ["year"]
    search_fields = ["name"]
    filter_horizontal = ["communes"]

    def get_queryset(self, request):
        """Groups shared by every unit: each one shows to the units holding its communes
        (an empty group to all)."""
        groups = super().get_queryset(request)
        if sees_everything(request.user):
            return groups
        visible = Commune.objects.restrict(request.user)
        return groups.filter(Q(communes__in=visible) | Q(communes__isnull=True)).distinct()

    def has_change_permission(self, request, obj=None):
        """Only a user who may change every commune of a group changes it: a form offering
        only one's own communes would otherwise drop the others' on saving."""
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.pk is not None:
            return not obj.communes.exclude(
                pk__in=Commune.objects.restrict(request.user, "change")).exists()
        return allowed

    has_delete_permission = has_change_permission


@admin.register(SponsoringUnit)
class SponsoringUnitAdmin(BoundaryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "contact"]
    search_fields = ["name"]


@admin.register(Sponsorship)
class SponsorshipAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["unit", "commune", "start_date", "end_date"]
    list_filter = ["unit"]
    search_fields = ["unit__name", "commune__name"]
    list_select_related = ["unit", "commune"]
    autocomplete_fields = ["commune"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    """The periods and their default terms for every unit: administrators change them
    (``communes.roles.SHARED_DEFAULT_MODELS``); a unit's staff set its own on
    "Kỳ báo cáo" (``communes.periods.save_unit_period``)."""

    list_display = ["__str__", "year", "quarter", "entry_deadline", "grace_days", "is_backfill"]
    list_filter = ["year"]

    def has_change_permission(self, request, obj=None):
        return sees_everything(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return sees_everything(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return sees_everything(request.user) and super().has_delete_permission(request, obj)


@admin.register(UnitPeriodSetting)
class UnitPeriodSettingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only here: written on "Kỳ báo cáo" (``communes.periods.save_unit_period``)."""

    list_display = ["district", "period", "entry_deadline", "grace_days", "is_backfill",
                    "version"]
    list_filter = ["district"]
    list_select_related = ["district", "period"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "district", "province", "commune",
                    "sponsoring_unit", "is_active"]
    list_filter = ["role", "is_active", "district", "province"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["commune", "sponsoring_unit", "district", "province"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role and scope"), {"fields": ["role", "district", "province", "commune",
                                          "sponsoring_unit"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role and scope"), {"fields": ["role", "district", "province", "commune",
                                          "sponsoring_unit"]}),
    )
    # Staff status and groups follow the role (communes/roles.py): shown, never set by hand.
    readonly_fields = ["is_staff", "groups", "user_permissions", "last_login", "date_joined"]

    form = type("UserChangeForm", (BoundaryAdminForm, UserChangeForm), {})

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user_scope(request.user))

    def get_list_filter(self, request):
        return scoped_list_filter(self.model, super().get_list_filter(request))
    add_form = type("UserCreationForm", (BoundaryAdminForm, AdminUserCreationForm), {})

    actions = ["reset_passwords"]

    @admin.action(description=_("Reset the password (temporary password, changed at next sign-in)"))
    def reset_passwords(self, request, queryset):
        """Through communes.accounts: the temporary passwords are shown on this page only."""
        done, refused = [], []
        for user in queryset.order_by("username"):
            if can_reset_password(request.user, user):
                done.append((user, reset_password(request.user, user)))
            else:
                refused.append(user)
        for user in refused:
            self.message_user(request, _("You may not reset the password of %(user)s.") % {
                "user": user.username}, messages.ERROR)
        if not done:
            return None
        response = TemplateResponse(request, "admin/communes/user/temporary_passwords.html", {
            **self.admin_site.each_context(request), "title": _("Temporary passwords"),
            "done": done, "opts": self.model._meta,
        })
        add_never_cache_headers(response)
        return response


class SubmissionEventInline(admin.TabularInline):
    form = BoundaryAdminForm
    model = SubmissionEvent
    fields = ["at", "action", "from_status", "to_status", "user", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: figures and texts change on the submission page or the API
    (``criteria.entry``), statuses through the workflow (``communes.workflow``)."""

    list_display = ["commune", "period", "status", "submitted_at", "submitted_late", "reviewed_by"]
    list_filter = ["period", "status", "submitted_late", "commune"]
    search_fields = ["commune__name"]
    list_select_related = ["commune", "period", "reviewed_by"]
    readonly_fields = ["commune", "period", "status", "version", "submitted_at", "submitted_by",
                       "submitted_late", "reviewed_at", "reviewed_by", "review_comment",
                       "reopened_at", "reopened_by", "reopen_reason", "difficulties", "proposals"]
    fields = readonly_fields
    inlines = [SubmissionEventInline]


class RegistryAdmin(ServiceSaveAdmin, SimpleHistoryAdmin):
    """Saved by ``communes.registry.save_record`` (permission, version, history)."""

    list_select_related = ["village__commune"]
    autocomplete_fields = ["village"]

    def service_save(self, request, obj, form, change):
        registry.save_record(obj, request.user, self.loaded_version(form) if change else 0)


@admin.register(ModelArea)
class ModelAreaAdmin(RegistryAdmin):
    list_display = ["village", "registered_on", "building_since", "recognised_on",
                    "decision_number", "lapsed_on"]
    list_filter = ["village__commune", "recognised_on"]
    search_fields = ["village__name", "village__commune__name", "decision_number"]


@admin.register(ModelGarden)
class ModelGardenAdmin(RegistryAdmin):
    list_display = ["household", "village", "level", "registered_on", "recognised_on",
                    "decision_number", "lapsed_on"]
    list_filter = ["level", "village__commune", "recognised_on"]
    search_fields = ["household", "village__name", "decision_number"]


@admin.register(ApiToken)
class ApiTokenAdmin(BoundaryAdminMixin, admin.ModelAdmin):
    """Tokens are created by their owners (profile page); here they can only be revoked."""

    list_display = ["name", "user", "prefix", "created", "last_used", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created", "last_used", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = tokens.revoke_tokens(queryset)
        self.message_user(request, _("%(count)s tokens revoked.") % {"count": count})


@admin.register(Province)
class ProvinceAdmin(BoundaryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
