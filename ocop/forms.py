"""Forms for proposing, editing, registering and rating products; rules come from ``lifecycle``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.idempotency import OnceMixin
from communes.models import Commune
from communes.scoping import is_district_staff
from ntm_portal.formats import NumberParseError, format_number, parse_number
from ntm_portal.forms import BootstrapMixin, DateInput, VnDateField

from . import lifecycle
from .choices import STAR_CHOICES, CertifyingLevel, PrePoint, Procedure, ProducerKind
from .models import Producer, Product, ProductGroup, Rating


class VnDecimalField(forms.CharField):
    """A number typed the Vietnamese way ("72,5"), read by ``formats.parse_number``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "figure"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value if isinstance(value, str) else format_number(value)

    is_text = False  # a number: ``to_python`` checks the typed text

    def to_python(self, value):
        value = super().to_python(value)
        if len(value) > 30:
            raise ValidationError(_("Enter a number, for example 72 or 72,5."), code="invalid")
        try:
            return parse_number(value)
        except NumberParseError:
            raise ValidationError(
                _("Enter a number, for example 72 or 72,5."), code="invalid"
            ) from None


class VersionMixin(forms.Form):
    """The version of the product the form was loaded at (see ``lifecycle.claim_version``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProductForm(OnceMixin, BootstrapMixin, VersionMixin, forms.ModelForm):
    """Propose or edit a candidate; a new producer can be entered alongside."""

    new_producer_name = forms.CharField(
        label=_("Name of the new producer"), max_length=200, required=False
    )
    new_producer_kind = forms.ChoiceField(
        label=_("Kind of the new producer"), choices=[("", "---------")] + ProducerKind.choices,
        required=False,
    )
    new_producer_contact = forms.CharField(
        label=_("Contact of the new producer"), max_length=200, required=False
    )

    class Meta:
        model = Product
        fields = ["commune", "name", "group", "producer", "year", "target_stars", "description", "photo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        communes = Commune.objects.restrict(user, "change")
        self.fields["commune"].queryset = communes
        if user.commune_id and not is_district_staff(user):
            # An officer proposes for their own commune only: no choice to make.
            del self.fields["commune"]
            self.instance.commune_id = self.instance.commune_id or user.commune_id
        elif self.instance.pk:
            del self.fields["commune"]
        self.fields["producer"].queryset = Producer.objects.restrict(user, "change").select_related("commune")
        self.fields["producer"].required = False
        self.fields["group"].queryset = ProductGroup.objects.all()
        self.fields["target_stars"].choices = [c for c in STAR_CHOICES if c[0] >= lifecycle.CERTIFIED_MIN_STARS]
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        else:
            self.initial["version"] = self.instance.version
            del self.fields["once"]  # the one-time key is for proposing
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune") or getattr(self.instance, "commune", None)
        producer = cleaned.get("producer")
        name = cleaned.get("new_producer_name", "").strip()
        if producer and name:
            self.add_error("new_producer_name", _("Choose a producer or enter a new one, not both."))
        elif not producer and not name:
            self.add_error("producer", _("Choose the producer, or enter a new one below."))
        elif name and not cleaned.get("new_producer_kind"):
            self.add_error("new_producer_kind", _("Say what kind of producer this is."))
        elif producer and commune and producer.commune_id != commune.pk:
            self.add_error("producer", _("The producer belongs to another commune."))
        elif name and commune and Producer.objects.filter(commune=commune, name__iexact=name).exists():
            self.add_error("new_producer_name", _("This producer already exists: choose it in the list."))
        return cleaned

    def _post_clean(self):
        # The producer may be created on save: leave it out of the model's validation then.
        if not self.cleaned_data.get("producer") and self.cleaned_data.get("new_producer_name"):
            self._skip_producer = True
        super()._post_clean()

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if getattr(self, "_skip_producer", False):
            exclude.add("producer")
        return exclude

    def save(self, commit=True):
        product = super().save(commit=False)
        if not product.producer_id:
            product.producer = Producer.objects.create(
                name=self.cleaned_data["new_producer_name"].strip(),
                kind=self.cleaned_data["new_producer_kind"],
                commune=product.commune,
                contact=self.cleaned_data.get("new_producer_contact", ""),
            )
        if commit:
            product.save()
        return product


class RegisterForm(BootstrapMixin, VersionMixin, forms.Form):
    """Register a candidate for evaluation."""

    registered_on = VnDateField(label=_("registered on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_registered_on(self):
        value = self.cleaned_data["registered_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


MET_CHOICES = [("yes", pgettext_lazy("pre-assessment", "Met")), ("no", _("Not met"))]


class PreAssessmentForm(BootstrapMixin, VersionMixin, forms.Form):
    """The commune's pre-assessment on the five points of Decision 1489/QĐ-TTg, each met or
    not with a note; ``lifecycle.propose`` records it and proposes the product if all are met."""

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = getattr(product, "pre_assessment", None) if product is not None else None
        for point in PrePoint:
            self.fields[f"{point.value}_met"] = forms.ChoiceField(
                label=point.label, choices=MET_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": _("Say whether the product meets this point.")})
            self.fields[f"{point.value}_note"] = forms.CharField(
                label=_("Note"), max_length=255, required=False,
                widget=forms.TextInput(attrs={"aria-label": _("Note on %(point)s")
                                              % {"point": point.label}}))
            if existing is not None:
                self.initial.setdefault(f"{point.value}_met",
                                        "yes" if getattr(existing, f"{point.value}_met") else "no")
                self.initial.setdefault(f"{point.value}_note", getattr(existing, f"{point.value}_note"))
        self.style_fields()

    def style_fields(self):
        super().style_fields()
        for point in PrePoint:
            widget = self.fields[f"{point.value}_met"].widget
            widget.attrs["class"] = "form-check-input"

    def points(self):
        """``{PrePoint value: (met, note)}`` for ``lifecycle.propose``."""
        data = self.cleaned_data
        return {point.value: (data[f"{point.value}_met"] == "yes", data.get(f"{point.value}_note", ""))
                for point in PrePoint}

    def fields_by_point(self):
        """``[(label, met field, note field)]`` for the template."""
        return [(point.label, self[f"{point.value}_met"], self[f"{point.value}_note"])
                for point in PrePoint]


class RatingForm(BootstrapMixin, VersionMixin, forms.ModelForm):
    """Enter a rating decision: the stars follow from the score (``lifecycle.rating_stars``)."""

    score = VnDecimalField(label=_("score (0–100)"))

    class Meta:
        model = Rating
        fields = ["score", "level", "decision_number", "decision_date", "note"]
        field_classes = {"decision_date": VnDateField}
        widgets = {"decision_date": DateInput()}

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        if product is not None and product.procedure == Procedure.TWO_TIER:
            # No district council under Decision 1489: the province grades, then the nation.
            self.fields["level"].choices = [
                (value, label) for value, label in self.fields["level"].choices
                if value != CertifyingLevel.DISTRICT]
            self.initial.setdefault("level", CertifyingLevel.PROVINCE)
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        try:
            lifecycle.validate_rating(cleaned.get("score"), cleaned.get("decision_date"),
                                      product=self.product, level=cleaned.get("level"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def _post_clean(self):
        # Model validation repeats ours; the lifecycle messages above are the ones shown.
        pass
