"""The staff page of a unit's opening balance (``criteria.balances`` owns the rules)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communes.scoping import visible_districts
from communes.versioning import StaleEdit

from . import balances
from .aggregates import balance_indicators
from .forms import OpeningBalanceForm


def _district(request):
    """The district the page is for: ``?unit=<slug>`` among the user's, else the first;
    a district outside the user's unit is 404, a reader who is not staff 403."""
    districts = visible_districts(request.user)
    slug = request.GET.get("unit")
    district = districts.filter(slug=slug).first() if slug else districts.first()
    if district is None:
        raise Http404(_("No such district."))
    balances.check_balance_editor(request.user, district)
    return district, districts


@login_required
def opening_balances(request):
    district, districts = _district(request)
    balance = balances.balance_for(district)
    indicators = list(balance_indicators())
    status = 200
    if request.method == "POST":
        form = OpeningBalanceForm(request.POST, indicators=indicators)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            try:
                balances.save_balance(district, request.user, form.cleaned_data.get("as_of"),
                                      form.texts(), version if balance is not None else None)
            except balances.BalanceInvalid as invalid:
                form.add_service_errors(invalid.errors)
            except StaleEdit as error:
                messages.error(request, str(error))
                balance = balances.balance_for(district)
                form = OpeningBalanceForm(indicators=indicators, balance=balance)
                status = 409
            else:
                messages.success(request, _("The opening balance is saved."))
                url = reverse("criteria:opening-balances")
                return redirect(f"{url}?{urlencode({'unit': district.slug})}")
    else:
        form = OpeningBalanceForm(indicators=indicators, balance=balance)
    history = (list(balance.history.select_related("history_user").order_by("-history_date")[:20])
               if balance is not None else [])
    all_districts = list(districts)
    return render(request, "criteria/opening_balances.html", {
        "district": district, "balance": balance, "form": form, "history": history,
        "units": all_districts if len(all_districts) > 1 else []}, status=status)
