"""Form pieces every app uses: Bootstrap styling and dates typed as dd/mm/yyyy."""

from django import forms

# dd/mm/yyyy as documents write it; on a phone's number pad (no "/") 01022021 or 01.02.2021.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d%m%Y", "%Y-%m-%d"]


class BootstrapMixin:
    """Bootstrap classes on widgets, ``is-invalid`` on fields with errors, and the text
    boundary (``apply_text_boundary``) on every text field: every portal form has both."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_text_boundary(self)

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
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "class": "date",
                                                   "inputmode": "numeric", "autocomplete": "off"},
                         **kwargs)


class VnDateField(forms.DateField):
    input_formats = DATE_INPUT_FORMATS
    widget = DateInput


# The input boundary for free text, shared by web forms and API serializers: the same caps
# everywhere, and no NUL or control characters (PostgreSQL refuses NUL; the others corrupt
# workbooks and pages). Tab and line breaks are ordinary text.
SHORT_TEXT_MAX = 255      # names, decision numbers, notes on a record
COMMENT_MAX = 500         # a comment beside one figure
LONG_TEXT_MAX = 20000     # difficulties, proposals, a reviewer's comment

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def validate_plain_text(value):
    """Refuse NUL and other control characters, with a message the officer understands."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if isinstance(value, str) and any((ord(ch) < 32 and ch not in _ALLOWED_CONTROLS) or ord(ch) == 127
                     for ch in value):
        raise ValidationError(
            _("The text contains invisible control characters (for example from a copied "
              "file). Remove them and try again."),
            code="control_characters",
        )


def text_errors(value, max_length):
    """The boundary's messages for ``value`` (empty if it passes), for services that take
    text without a form (Excel cells, JSON already parsed, workflow comments)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    errors = []
    try:
        validate_plain_text(value)
    except ValidationError as error:
        errors.extend(error.messages)
    if isinstance(value, str) and len(value) > max_length:
        errors.append(_("The text is too long: at most %(n)s characters.") % {"n": max_length})
    return errors


class PlainTextField(forms.CharField):
    """A CharField with the boundary's rule; ``max_length`` defaults to the long-text cap."""

    def __init__(self, *, max_length=LONG_TEXT_MAX, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators.append(validate_plain_text)


def apply_text_boundary(form):
    """Give every text field of ``form`` the boundary's rule and, when it has none, the
    long-text cap (fields that parse text into something else say ``is_text = False``
    and check their input themselves). Called by every portal form (``BootstrapMixin``) and admin form."""
    from django.core.validators import MaxLengthValidator

    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            _guard_keys(field)
        if not isinstance(field, forms.CharField) or not getattr(field, "is_text", True):
            continue
        if validate_plain_text not in field.validators:
            field.validators.append(validate_plain_text)
        if field.max_length is None:
            field.max_length = LONG_TEXT_MAX
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
            field.widget.attrs.update(field.widget_attrs(field.widget))


KEY_MAX = 2**63 - 1


def _guard_keys(field):
    """A choice of records refuses a key no database column can hold (a number of forty
    digits would be a server error in the lookup), as an ordinary invalid choice."""
    from django.core.exceptions import ValidationError

    if getattr(field, "_keys_guarded", False):
        return
    clean = field.clean

    def guarded(value):
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            text = str(item).strip() if item is not None else ""
            if text.lstrip("-").isdigit() and abs(int(text)) > KEY_MAX:
                raise ValidationError(field.error_messages["invalid_choice"],
                                      code="invalid_choice", params={"value": text})
        return clean(value)

    field.clean = guarded
    field._keys_guarded = True
    widget = getattr(field.widget, "widget", field.widget)  # the admin wraps its widgets
    if hasattr(widget, "optgroups") and hasattr(widget, "url_name"):  # admin autocomplete
        optgroups = widget.optgroups

        def safe_optgroups(name, value, attr=None):
            # Re-showing a refused key must not look it up in the database.
            return optgroups(name, [v for v in value if _is_key(field, v)], attr)

        widget.optgroups = safe_optgroups


def _is_key(field, value):
    from django.core.exceptions import ValidationError

    if value in (None, ""):
        return False
    try:
        key = field.queryset.model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    return not isinstance(key, int) or abs(key) <= KEY_MAX
