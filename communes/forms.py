from django import forms
from django.utils.translation import gettext_lazy as _

from ntm_portal.forms import BootstrapMixin, PlainTextField, VnDateField

from .idempotency import OnceMixin
from .models import ModelArea, ModelGarden, Village, registry_date_fields
from .registry import date_errors, open_area_message



class RegistryForm(OnceMixin, BootstrapMixin, forms.ModelForm):
    """Shared by both registries: the commune's villages, Vietnamese dates, dated rules."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, commune, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune, self.user = commune, user
        self.fields["village"].queryset = Village.objects.filter(commune=commune).order_by("name")
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            del self.fields["once"]  # the one-time key is for creating
        self.style_fields()

    def _post_clean(self):
        super()._post_clean()
        # The instance now holds the typed dates: apply the period rules to those changed.
        for name, message in date_errors(self.instance, self.commune, self.user,
                                         set(self.changed_data)).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)


class ModelAreaForm(RegistryForm):
    class Meta:
        model = ModelArea
        fields = ["village", "registered_on", "building_since", "recognised_on",
                  "decision_number", "lapsed_on", "note"]
        field_classes = {name: VnDateField for name in registry_date_fields(ModelArea)}

    def clean_village(self):
        village = self.cleaned_data["village"]
        open_records = ModelArea.objects.filter(village=village, lapsed_on__isnull=True)
        if self.instance.pk:
            open_records = open_records.exclude(pk=self.instance.pk)
        if open_records.exists():
            raise forms.ValidationError(open_area_message(village))
        return village


class ModelGardenForm(RegistryForm):
    class Meta:
        model = ModelGarden
        fields = ["village", "household", "level", "registered_on", "recognised_on",
                  "decision_number", "lapsed_on", "note"]
        field_classes = {name: VnDateField for name in registry_date_fields(ModelGarden)}


class TokenForm(BootstrapMixin, forms.Form):
    """Name of a new API token (the profile page)."""

    name = PlainTextField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs={
        "id": "token-name", "placeholder": _("What the token is for")}),
        error_messages={"required": _("Give the token a name, e.g. the script that uses it.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class UnitPeriodForm(BootstrapMixin, forms.Form):
    """A unit's terms for one period: deadline, grace days, back-fill (empty: the period's)."""

    entry_deadline = VnDateField(label=_("Entry deadline"), required=False)
    grace_days = forms.IntegerField(label=_("Grace days"), required=False, min_value=0,
                                    max_value=90)
    is_backfill = forms.BooleanField(label=_("Open for back-filling"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                 max_value=2**31 - 1)

    def __init__(self, *args, terms=None, **kwargs):
        if terms is not None:
            kwargs.setdefault("prefix", f"p{terms.period.pk}")
            kwargs.setdefault("initial", {
                "entry_deadline": terms.entry_deadline,
                "grace_days": terms.grace_days, "is_backfill": terms.is_backfill,
                "version": terms.setting.version if terms.setting else 0})
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["is_backfill"].widget.attrs["class"] = "form-check-input"
        self.style_fields()
