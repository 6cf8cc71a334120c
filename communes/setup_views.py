"""Setting up a unit without a programmer: the checklist, the administrative units, accounts
in bulk. Staff of a unit (and administrators) only; every write goes through its service
(``communes.units.load_units``, ``communes.accounts.save_accounts``)."""

import base64

from django import forms
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ntm_portal.forms import BootstrapMixin
from ntm_portal.uploads import XLSX, CellError, request_too_large

from . import accounts, mergers, sheets, units
from .choices import Role
from .models import Commune, District, Province
from .scoping import CHANGE, sees_everything
from .seeding import collect_setup_items


def _check_staff(user):
    if not (sees_everything(user) or (user.role == Role.STAFF and user.unit is not None)):
        raise PermissionDenied(_("This page is for the staff of a steering unit."))


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def setup(request):
    """What the user's unit still lacks, with a link to the page that fills each gap."""
    _check_staff(request.user)
    items = collect_setup_items(request)
    return render(request, "communes/setup.html", {
        "items": items, "remaining": sum(1 for item in items if item.missing)})


# ---------------------------------------------------------------- administrative units

class UnitsForm(BootstrapMixin, forms.Form):
    era = forms.ChoiceField(label=gettext_lazy("List"), choices=list(units.ERAS.items()),
                            initial=units.BEFORE, widget=forms.RadioSelect)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    file = forms.FileField(label=gettext_lazy("Or the GSO's Excel file (.xlsx, at most 2 MB)"),
                           required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.own_province = _own_province(user)
        if self.own_province is None:
            self.fields["province"].choices = [("", "—")] + [
                (code, name) for code, name in units.package_provinces(units.BEFORE)]
        else:
            del self.fields["province"]
        if user.district_id:  # a district has only the list of before the reform
            self.fields["era"].choices = [(units.BEFORE, units.ERAS[units.BEFORE])]
        self.style_fields()
        self.fields["era"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if not data.get("file") and self.own_province is None and not data.get("province"):
            self.add_error("province", _("Choose the province, or upload the GSO's file."))
        return data

    def rows(self):
        """(rows, errors) of the chosen list or of the uploaded file."""
        data = self.cleaned_data
        if data.get("file"):
            return units.read_gso_workbook(data["file"])
        era = data["era"]
        if self.own_province is not None:
            province = self.own_province
            found = units.find_province(province.code or province.name, era)
            if found is None:
                return [], [CellError("", "", _("%(name)s is not in the official list.")
                                      % {"name": province.name})]
            code = found[0]
        else:
            code = data["province"]
            if era == units.AFTER:
                known = {c for c, _n in units.package_provinces(units.AFTER)}
                if code not in known:
                    self.add_error("province", _("This province was merged in 2025: choose the "
                                                 "province it belongs to now."))
                    return [], []
        return units.package_rows(code, era), []


def _own_province(user):
    if sees_everything(user):
        return None
    if user.province_id:
        return user.province
    return user.district.province if user.district_id else None


@login_required
def units_load(request):
    """Pick the province's list (staff: their own) or upload the GSO's file; preview, load."""
    units.check_loader(request.user)
    context = {"errors": [], "result": None}
    if request.method == "POST":
        refused = request_too_large(request)
        form = UnitsForm(user=request.user) if refused else UnitsForm(
            request.POST, request.FILES, user=request.user)
        context["form"] = form
        if refused:
            context["errors"] = [CellError("", "", refused)]
        elif form.is_valid():
            rows, errors = form.rows()
            if errors:
                context["errors"] = errors
            elif rows:
                dry_run = request.POST.get("action") != "load"
                try:
                    result = units.load_units(request.user, rows, form.cleaned_data["era"],
                                              dry_run=dry_run)
                except PermissionDenied as refusal:
                    form.add_error("era", str(refusal))
                except IntegrityError:  # another load ran at the same moment
                    context["errors"] = [CellError("", "", _(
                        "Another load ran at the same time; nothing was saved. Run it again."))]
                else:
                    context["errors"] = result.errors
                    context["result"] = result if not result.errors else None
    else:
        context["form"] = UnitsForm(user=request.user)
    context["own_province"] = context["form"].own_province
    context["own_district"] = request.user.district
    return render(request, "communes/units_load.html", context)


@login_required
def units_template(request):
    units.check_loader(request.user)
    return _xlsx(units.gso_template(), "danh-muc-don-vi-hanh-chinh.xlsx")


# ---------------------------------------------------------------- accounts in bulk

@login_required
def users_template(request):
    accounts.check_bulk_accounts(request.user)
    communes = Commune.objects.restrict(request.user, CHANGE).only("slug", "code", "name") \
        .order_by("district__name", "name")
    return _xlsx(sheets.accounts_template(communes), "tai-khoan.xlsx")


@login_required
def users_import(request):
    """Upload the accounts sheet: all accounts saved or none; new ones get a one-time password,
    shown on this response only (and in a workbook embedded in it), never stored in clear."""
    accounts.check_bulk_accounts(request.user)
    context = {"errors": [], "roles": accounts.roles_allowed(request.user)}
    if request.method != "POST":
        return render(request, "communes/users_import.html", context)
    refused = request_too_large(request)
    upload = None if refused else request.FILES.get("file")
    if refused or upload is None:
        context["errors"] = [CellError("", "", refused or _("Choose the file to upload."))]
        return render(request, "communes/users_import.html", context)
    sheet = sheets.read_accounts(upload)
    if sheet.errors:
        context["errors"] = sheet.errors
        return render(request, "communes/users_import.html", context)
    try:
        result = accounts.save_accounts(request.user, sheet.rows)
    except IntegrityError:  # the same sheet sent twice at the same moment
        context["errors"] = [CellError("", "", _(
            "Another upload created these accounts at the same time; nothing was saved here. "
            "Upload it again to see what it changes."))]
        return render(request, "communes/users_import.html", context)
    if result.errors:
        context["errors"] = sheet.cell_errors(result.errors)
        return render(request, "communes/users_import.html", context)
    context["result"] = result
    if result.created:
        context["passwords_href"] = "data:%s;base64,%s" % (
            XLSX, base64.b64encode(sheets.passwords_workbook(result.created)).decode())
    response = render(request, "communes/users_import.html", context)
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- mergers

MAPPING, WORKBOOK = "mapping", "workbook"
TOKEN_SALT = "communes.mergers.confirm"
TOKEN_AGE = 3600  # seconds between the preview and the confirmation


class MergerForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("Mergers to apply"), initial=MAPPING, widget=forms.RadioSelect,
        choices=[(MAPPING, gettext_lazy("The reform of 1 July 2025 (official conversion table)")),
                 (WORKBOOK, gettext_lazy("A merger workbook"))])
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("Only the communes of"), required=False)
    date = forms.DateField(label=gettext_lazy("The new communes start on"),
                           initial=units.REFORM_DATE, required=False,
                           input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           widget=forms.DateInput(format="%d/%m/%Y"))
    file = forms.FileField(label=gettext_lazy("Merger workbook (.xlsx, at most 2 MB)"),
                           required=False)
    officers_see_predecessors = forms.BooleanField(
        label=gettext_lazy("The new units' officers may read the former units' history "
                           "(read only)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.own_province = _own_province(user)
        if self.own_province is None:
            self.fields["province"].choices = [("", "—")] + [
                (p.slug, p.name) for p in Province.objects.order_by("name")]
            districts = District.objects.all()
        else:
            del self.fields["province"]
            districts = District.objects.filter(province=self.own_province)
        self.fields["district"].choices = [("", gettext_lazy("the whole province"))] + [
            (d.slug, d.name) for d in districts.select_related("province")
            .filter(valid_to__isnull=True).order_by("province__name", "name")]
        self.style_fields()
        self.fields["source"].widget.attrs["class"] = "form-check-input"
        self.fields["officers_see_predecessors"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("source") == WORKBOOK and not data.get("file"):
            self.add_error("file", _("Choose the file to upload."))
        if data.get("source") == MAPPING and self.own_province is None \
                and not data.get("province"):
            self.add_error("province", _("Choose the province."))
        return data

    def specs(self):
        """(specs, errors, unmapped) of the chosen source."""
        data = self.cleaned_data
        see = data.get("officers_see_predecessors", False)
        if data["source"] == WORKBOOK:
            specs, errors = mergers.read_workbook(data["file"], self.user, see)
            return specs, errors, []
        province = self.own_province or Province.objects.get(slug=data["province"])
        district = None
        if data.get("district"):
            district = District.objects.filter(province=province, slug=data["district"]).first()
            if district is None:
                self.add_error("district", _("This unit is not in the province."))
                return [], [], []
        mapping = mergers.mapping_2025(province, district, date=data.get("date")
                                       or units.REFORM_DATE, officers_see_predecessors=see)
        return mapping.specs, [], mapping.unmapped


@login_required
def mergers_page(request):
    """Choose the 2025 mapping or upload a workbook → the plan (nothing written) → confirm
    with the signed plan (a second click finds it applied) → the result."""
    mergers.check_merger_staff(request.user)
    _check_staff(request.user)
    context = {"errors": [], "result": None, "unmapped": [], "token": ""}
    form = MergerForm(user=request.user)
    if request.method == "POST" and request.POST.get("action") == "apply":
        specs = _signed_specs(request)
        if specs is None:
            context["errors"] = [CellError("", "", _(
                "This confirmation has expired or is not valid: show the mergers again."))]
        else:
            context["result"] = _apply(request, specs, dry_run=False, context=context)
    elif request.method == "POST":
        refused = request_too_large(request)
        if refused:
            context["errors"] = [CellError("", "", refused)]
        else:
            form = MergerForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                specs, errors, unmapped = form.specs()
                context["unmapped"] = unmapped
                if errors:
                    context["errors"] = errors
                elif specs:
                    result = _apply(request, specs, dry_run=True, context=context)
                    context["result"] = result
                    if result is not None and not result.errors and result.to_apply:
                        context["token"] = signing.dumps(
                            {"user": request.user.pk, "specs": mergers.dump_specs(specs)},
                            salt=TOKEN_SALT, compress=True)
                elif not form.errors:
                    context["errors"] = [CellError("", "", _("No merger found to apply."))]
    context["form"] = form
    return render(request, "communes/mergers.html", context)


def _apply(request, specs, dry_run, context):
    try:
        result = mergers.apply_mergers(request.user, specs, dry_run=dry_run)
    except PermissionDenied as refusal:
        context["errors"] = [CellError("", "", str(refusal))]
        return None
    except IntegrityError:  # another application ran at the same moment
        context["errors"] = [CellError("", "", _(
            "Another application ran at the same time; nothing was saved. Show the mergers "
            "again."))]
        return None
    context["errors"] = result.errors
    return result


def _signed_specs(request):
    try:
        data = signing.loads(str(request.POST.get("token", ""))[:200000], salt=TOKEN_SALT,
                             max_age=TOKEN_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != request.user.pk:
        return None
    try:
        return mergers.load_specs(data["specs"])
    except (KeyError, TypeError, ValueError):
        return None


@login_required
def mergers_template(request):
    mergers.check_merger_staff(request.user)
    _check_staff(request.user)
    return _xlsx(mergers.template(), "sap-nhap.xlsx")
