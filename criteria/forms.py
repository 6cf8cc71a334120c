"""The input boundary of the quarterly report page: figures, criteria and texts.

One page, one save: ``ReportForm`` binds the three sections, checks each field at the
boundary (lengths, control characters: ``ntm_portal.forms``), then the domain rules of
``criteria.validation`` through ``criteria.entry.save_report``, which saves everything
or nothing. Errors come back on the field they belong to, in the section they belong
to, with what was typed kept.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ntm_portal.formats import format_number
from ntm_portal.forms import (
    COMMENT_MAX,
    LONG_TEXT_MAX,
    BootstrapMixin,
    PlainTextField,
    VnDateField,
    apply_text_boundary,
)

from . import entry
from .limits import too_large
from .validation import check_figures

# A typed figure is short ("12.345.678,25"); anything longer is a paste gone wrong.
FIGURE_MAX = 40

MET_CHOICES = [("", _("not assessed")), ("1", _("met")), ("0", _("not met"))]


def _figure_field(**kwargs):
    return forms.CharField(required=False, max_length=FIGURE_MAX, **kwargs)


def _storable(raw):
    """A criterion indicator value has no catalogue indicator to check its size: refuse here
    what the database cannot hold (a catalogue figure is checked by ``check_figures``)."""
    message = too_large(raw)
    if message:
        raise forms.ValidationError(message)


class FiguresForm(forms.Form):
    """One figure and its comment per entered indicator: ``value-<id>``, ``comment-<id>``."""

    prefix_section = "figures"

    def __init__(self, indicators, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"value-{indicator.pk}"] = _figure_field()
            self.fields[f"comment-{indicator.pk}"] = PlainTextField(required=False,
                                                                    max_length=COMMENT_MAX)

    def inputs(self):
        data = self.cleaned_data
        return {i.pk: (data.get(f"value-{i.pk}", ""), data.get(f"comment-{i.pk}", ""))
                for i in self.indicators}

    def add_checked(self, checked):
        """Put the domain rules' errors (``check_figures``) on their fields."""
        for indicator_id, c in checked.items():
            for error in c.errors:
                self.add_error(f"value-{indicator_id}", error)


class CriteriaForm(forms.Form):
    """Per criterion: ``met-<id>`` (met / not met), ``score-<id>``, ``evidence-<id>``, and
    ``ind-<indicator id>`` for each of its indicators."""

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"met-{criterion.pk}"] = forms.ChoiceField(
                choices=MET_CHOICES, required=False, widget=forms.RadioSelect)
            self.fields[f"score-{criterion.pk}"] = _figure_field()
            # The same cap as the domain rule (``entry.check_assessments``) and the API.
            self.fields[f"evidence-{criterion.pk}"] = PlainTextField(required=False,
                                                                     max_length=LONG_TEXT_MAX)
            for indicator in criterion.indicators.all():
                self.fields[f"ind-{indicator.pk}"] = _figure_field(validators=[_storable])

    def inputs(self):
        data = self.cleaned_data
        return {c.pk: entry.CriterionInput(
            criterion=c, met=data.get(f"met-{c.pk}", ""),
            score_raw=data.get(f"score-{c.pk}", ""),
            evidence=data.get(f"evidence-{c.pk}", ""),
            indicator_raw={i.pk: data.get(f"ind-{i.pk}", "") for i in c.indicators.all()},
        ) for c in self.criteria}

    def add_checked(self, checked):
        for criterion_id, c in checked.items():
            for error in c.errors:
                self.add_error(f"met-{criterion_id}", error)

    def criterion_errors(self, criterion):
        """Every message of one criterion's fields, to show beside it."""
        names = [f"met-{criterion.pk}", f"score-{criterion.pk}", f"evidence-{criterion.pk}"]
        names += [f"ind-{i.pk}" for i in criterion.indicators.all()]
        return [str(e) for name in names for e in self.errors.get(name, [])]


class TextsForm(forms.Form):
    difficulties = PlainTextField(label=_("Difficulties and obstacles"), required=False,
                                  max_length=LONG_TEXT_MAX, widget=forms.Textarea)
    proposals = PlainTextField(label=_("Proposals"), required=False, max_length=LONG_TEXT_MAX,
                               widget=forms.Textarea)


class ReportForm:
    """The whole report as one form of three sections, saved through ``entry.save_report``."""

    def __init__(self, submission, indicators, criteria, data=None):
        self.submission = submission
        initial_texts = {"difficulties": submission.difficulties,
                         "proposals": submission.proposals}
        self.figures = FiguresForm(indicators, data)
        self.criteria = CriteriaForm(criteria, data)
        self.texts = TextsForm(data, initial=initial_texts)
        self.checked = None
        self.version = None
        if data is not None:
            try:
                self.version = int(data.get("version", ""))
            except (TypeError, ValueError):
                self.version = -1

    @property
    def sections(self):
        return {"figures": self.figures, "criteria": self.criteria, "texts": self.texts}

    def is_bound(self):
        return self.figures.is_bound

    def save(self, user):
        """Check every section; save all or nothing. True when saved.

        Raises ``WorkflowError`` (not allowed now) and ``StaleEdit`` (an older page).
        """
        valid = [form.is_valid() for form in self.sections.values()]
        if not all(valid):
            # Show the domain rules' messages too, for the sections whose fields passed.
            if self.figures.is_valid():
                self.figures.add_checked(check_figures(
                    self.submission, self.figures.indicators, self.figures.inputs()))
            if self.criteria.is_valid():
                self.criteria.add_checked(entry.check_assessments(
                    self.criteria.criteria, self.criteria.inputs()))
            return False
        submission, checked = entry.save_report(
            self.submission, user, self.figures.indicators, self.figures.inputs(),
            self.criteria.criteria, self.criteria.inputs(),
            (self.texts.cleaned_data["difficulties"], self.texts.cleaned_data["proposals"]),
            self.version)
        self.checked = checked
        if checked.has_errors:
            self.figures.add_checked(checked.figures)
            self.criteria.add_checked(checked.criteria)
            return False
        self.submission = submission
        return True

    def error_counts(self):
        """{section: number of messages}, for the summary at the top of the page."""
        return {name: sum(len(v) for v in form.errors.values())
                for name, form in self.sections.items() if form.is_bound}


class OpeningBalanceForm(BootstrapMixin, forms.Form):
    """The unit's opening balance: its date and one cumulative figure per indicator
    (``amount-<code>``); the numbers and the rules are checked by ``criteria.balances``."""

    as_of = VnDateField(label=_("As of (the last day of a quarter)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, indicators, balance=None, **kwargs):
        if balance is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs["initial"] = {"as_of": balance.as_of, "version": balance.version, **{
                f"amount-{code}": format_number(value)
                for code, value in balance.decimal_amounts().items()}}
        self.indicators = list(indicators)
        super().__init__(*args, **kwargs)
        for indicator in self.indicators:
            self.fields[f"amount-{indicator.code}"] = _figure_field(
                label=indicator.name, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        apply_text_boundary(self)
        self.style_fields()

    def amount_rows(self):
        return [(indicator, self[f"amount-{indicator.code}"]) for indicator in self.indicators]

    def texts(self):
        return {indicator.code: self.cleaned_data.get(f"amount-{indicator.code}") or ""
                for indicator in self.indicators}

    def add_service_errors(self, errors):
        for key, message in errors.items():
            field = "as_of" if key == "as_of" else f"amount-{key}"
            self.add_error(field if field in self.fields else None, message)
        self.style_fields()
