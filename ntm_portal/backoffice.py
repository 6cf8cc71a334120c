"""Back-office (/admin/) pieces shared by the apps: the input boundary and the service doors.

Every admin form checks free text with the shared boundary (``ntm_portal.forms``). A
record written by a service is either shown read-only (``ReadOnlyAdmin``) or saved by
its service (``ServiceSaveAdmin``: the admin form carries the version it was loaded at,
and ``save_model`` hands the record to the service, which checks permission and
version and writes the history). See docs/ARCHITECTURE.md, "One door per write".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect

from .forms import apply_text_boundary


class BoundaryAdminForm(forms.ModelForm):
    """A ModelForm whose text fields refuse control characters (the shared boundary)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_text_boundary(self)


def _restricted(queryset, user, action):
    """``queryset`` cut to the user's scope when its model is scoped (``communes.scoping``)."""
    return queryset.restrict(user, action) if hasattr(queryset, "restrict") else queryset


def scoped_list_filter(model, items):
    """List filters on relations offer only the values in the (scoped) list, never every
    commune or district of the database (``RelatedOnlyFieldListFilter``)."""
    from django.contrib.admin.utils import get_fields_from_path

    result = []
    for item in items:
        if isinstance(item, str) and get_fields_from_path(model, item)[-1].is_relation:
            result.append((item, admin.RelatedOnlyFieldListFilter))
        else:
            result.append(item)
    return result


class BoundaryAdminMixin:
    """The shared text boundary, and the one scope rule: the back office lists, opens,
    offers as choices and changes only what ``Model.objects.restrict`` gives the user,
    so staff of one steering unit never see another unit's records (404 as elsewhere)."""

    form = BoundaryAdminForm

    def get_queryset(self, request):
        return _restricted(super().get_queryset(request), request.user, "view")

    def get_list_filter(self, request):
        return scoped_list_filter(self.model, super().get_list_filter(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.pk is not None:
            manager = type(obj)._default_manager
            if hasattr(manager, "restrict"):
                return manager.restrict(request.user, "change").filter(pk=obj.pk).exists()
        return allowed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = _restricted(
                db_field.remote_field.model._default_manager.all(), request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = _restricted(
                db_field.remote_field.model._default_manager.all(), request.user, "view")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """Links to records outside the user's scope (a predecessor commune of another
        district) are not offered as choices; saving keeps them instead of dropping them."""
        hidden = {}
        if change:
            for field in form.instance._meta.many_to_many:
                remote = field.remote_field.model._default_manager
                if field.name in form.cleaned_data and hasattr(remote, "restrict"):
                    hidden[field.name] = list(getattr(form.instance, field.name).exclude(
                        pk__in=remote.restrict(request.user, "view").values("pk")))
        super().save_related(request, form, formsets, change)
        for name, records in hidden.items():
            if records:
                getattr(form.instance, name).add(*records)

    def _in_scope_or_404(self, request, object_id):
        from django.contrib.admin.utils import unquote

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history falls back to the historical rows of an object the
        # queryset does not hold: out of scope is 404 here too.
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(BoundaryAdminMixin, admin.ModelAdmin):
    """A record only a service writes: the back office may look, not add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Also the door of django-simple-history's "revert" form, which checks only the
        # permission to view.
        raise PermissionDenied

    def history_form_view(self, request, *args, **kwargs):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, *args, **kwargs)


class VersionedAdminForm(BoundaryAdminForm):
    """Carries the version the form was loaded at, so that a stale save is refused."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_version"] = self.instance.version


class ServiceSaveAdmin(BoundaryAdminMixin, admin.ModelAdmin):
    """Saves go through ``service_save(request, obj, form, change)``; deleting is not offered.

    A refusal of the service (stale version, permission, validation) is shown as the
    page's error and nothing is written.
    """

    form = VersionedAdminForm

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "version"]

    @staticmethod
    def loaded_version(form):
        """The version the form was loaded at; a form without one counts as stale (-1)."""
        version = form.cleaned_data.get("loaded_version")
        return -1 if version is None else version

    def service_save(self, request, obj, form, change):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.service_save(request, obj, form, change)

    def _refusal_as_message(self, request, view, *args, **kwargs):
        from communes.versioning import StaleEdit

        try:
            return view(request, *args, **kwargs)
        except (StaleEdit, PermissionDenied, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refusal_as_message(request, super().changeform_view, *args, **kwargs)

    def history_form_view(self, request, *args, **kwargs):
        # django-simple-history's "revert" saves through save_model: the service decides.
        return self._refusal_as_message(request, super().history_form_view, *args, **kwargs)
