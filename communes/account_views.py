"""The user's profile page: their API tokens, created and revoked by themselves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .tokens import create_token, revoke_token


@login_required
def profile(request):
    new_key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            if revoke_token(request.user, token_id):
                messages.success(request, _("Token revoked: scripts using it are refused from now on."))
            return redirect("profile")
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, _("Give the token a name, e.g. the script that uses it."))
            return redirect("profile")
        _token, new_key = create_token(request.user, name)
    tokens = request.user.api_tokens.all()
    return render(request, "communes/profile.html", {"tokens": tokens, "new_key": new_key})
