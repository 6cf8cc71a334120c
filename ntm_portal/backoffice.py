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
from django.http import HttpResponseRedirect

from .forms import apply_text_boundary


class BoundaryAdminForm(forms.ModelForm):
    """A ModelForm whose text fields refuse control characters (the shared boundary)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_text_boundary(self)


class BoundaryAdminMixin:
    form = BoundaryAdminForm


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
