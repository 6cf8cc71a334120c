"""The user's profile page: their API tokens, created and revoked by themselves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import TokenForm
from .tokens import create_token, revoke_token


@login_required
def profile(request):
    new_key = None
    form = TokenForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            if revoke_token(request.user, token_id):
                messages.success(request, _("Token revoked: scripts using it are refused from now on."))
            return redirect("profile")
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, new_key = create_token(request.user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked in red."))
    tokens = request.user.api_tokens.all()
    return render(request, "communes/profile.html", {"tokens": tokens, "new_key": new_key,
                                                     "form": form})
