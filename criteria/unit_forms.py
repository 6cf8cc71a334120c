"""The forms of a unit's settings pages: its indicators and its targets of a year.

One small form per indicator (prefixed by its id), so that each row carries the version
it was loaded at; the services (``criteria.catalogue``, ``criteria.targets``) decide.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ntm_portal.forms import SHORT_TEXT_MAX, BootstrapMixin, PlainTextField

VERSION_MAX = 2**31 - 1


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=VERSION_MAX, required=False, **kwargs)


class ChoiceRowForm(BootstrapMixin, forms.Form):
    """A unit's choice for one indicator."""

    is_used = forms.BooleanField(label=_("Used"), required=False)
    is_required = forms.BooleanField(label=_("Required"), required=False)
    is_headline = forms.BooleanField(label=_("Headline"), required=False)
    version = VersionField()

    def __init__(self, *args, indicator, **kwargs):
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        kwargs.setdefault("initial", {"is_used": indicator.is_active,
                                      "is_required": indicator.is_required,
                                      "is_headline": indicator.is_headline,
                                      "version": indicator.unit_version})
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        for name in ("is_used", "is_required", "is_headline"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        if indicator.source != "entered":
            # Computed and district figures are never typed by communes: nothing to require.
            self.fields["is_required"].disabled = True

    def version_loaded(self):
        version = self.cleaned_data.get("version")
        return -1 if version is None else version


class TargetRowForm(BootstrapMixin, forms.Form):
    """A unit's target of one indicator for a year: a value or a range, and a note."""

    low = forms.CharField(label=_("Target (or lower bound)"), required=False, max_length=50)
    high = forms.CharField(label=_("Upper bound"), required=False, max_length=50)
    note = PlainTextField(label=_("Note"), required=False, max_length=SHORT_TEXT_MAX)
    version = VersionField()

    def __init__(self, *args, indicator, target=None, **kwargs):
        from ntm_portal.formats import format_number

        kwargs.setdefault("prefix", f"t{indicator.pk}")
        if target is not None:
            kwargs.setdefault("initial", {
                "low": format_number(target.low),
                "high": format_number(target.high) if target.is_range else "",
                "note": target.note, "version": target.version})
        else:
            kwargs.setdefault("initial", {"version": 0})
        super().__init__(*args, **kwargs)
        self.indicator, self.target = indicator, target
        for name in ("low", "high"):
            self.fields[name].widget.attrs.update(inputmode="decimal", autocomplete="off")
        for name in ("low", "high", "note"):  # the column heads are hidden on a phone
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].label
        self.style_fields()


class YearForm(forms.Form):
    """The year a targets page shows (``?year=``)."""

    year = forms.IntegerField(min_value=2000, max_value=2100)


class CommuneGroupRowForm(BootstrapMixin, forms.Form):
    """The group of one commune under the 2026–2030 criteria, from a year on."""

    group = forms.ChoiceField(label=_("Commune group"), required=False,
                              error_messages={"invalid_choice": _("Choose group 1, 2 or 3.")})
    version = VersionField()

    def __init__(self, *args, commune, group=None, own=None, **kwargs):
        from .choices import CommuneGroup2026

        kwargs.setdefault("prefix", f"c{commune.pk}")
        kwargs.setdefault("initial", {"group": "" if group is None else str(group),
                                      "version": own.version if own else 0})
        super().__init__(*args, **kwargs)
        self.commune, self.own, self.current = commune, own, group
        self.fields["group"].choices = [("", _("— not set —"))] + [
            (str(value), label) for value, label in CommuneGroup2026.choices]
        self.style_fields()

    @property
    def inherited(self):
        """The group holds from an earlier year (no choice of its own this year)."""
        return self.current is not None and self.own is None
