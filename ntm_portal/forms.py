"""Form pieces every app uses: Bootstrap styling and dates typed as dd/mm/yyyy."""

from django import forms

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class BootstrapMixin:
    """Bootstrap classes on widgets, and ``is-invalid`` on fields with errors."""

    def style_fields(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            base = "form-select" if isinstance(widget, forms.Select) else "form-control"
            classes = [c for c in widget.attrs.get("class", "").split() if c] + [base]
            if self.is_bound and name in self.errors:
                classes.append("is-invalid")
            widget.attrs["class"] = " ".join(dict.fromkeys(classes))

    def full_clean(self):
        super().full_clean()
        self.style_fields()


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy, as Vietnamese documents write dates (ISO also accepted).

    Not the browser's date picker: headless and some office browsers show it as mm/dd/yyyy.
    """

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "class": "date"},
                         **kwargs)


class VnDateField(forms.DateField):
    input_formats = DATE_INPUT_FORMATS
    widget = DateInput
