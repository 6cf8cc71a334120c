"""The user's own account: API tokens, password change, sign-out everywhere; the answer to a
throttled login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .accounts import change_password, logout_everywhere
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
    return render(request, "communes/profile.html", {
        "tokens": tokens, "new_key": new_key, "form": form,
        "idle_minutes": settings.SESSION_IDLE_MINUTES})


@login_required
def password_change(request):
    """Every user changes their own password here; after a staff reset, sign-in leads here."""
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            change_password(request, form)
            messages.success(request, _("Your password was changed. Your other sessions were ended."))
            return redirect("profile")
    else:
        form = PasswordChangeForm(request.user)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    return render(request, "registration/password_change_form.html", {"form": form})


@login_required
@require_POST
def logout_all(request):
    """End every session of the user, this one included."""
    logout_everywhere(request.user)
    logout(request)
    messages.success(request, _("You were signed out on every device."))
    return redirect("login")


def locked_out(request, original_response=None, credentials=None):
    """The answer to a login while throttled (django-axes): the login page, 429, with when to
    try again. Each refused try starts the cool-off again, so that time is now + cool-off."""
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed sign-ins for this account or from this address. Try again after "
        "%(time)s (in %(minutes)d minutes). If you forgot your password, ask the district "
        "staff to reset it."
    ) % {"time": retry_at.strftime("%H:%M"), "minutes": minutes}
    # The back office's login too answers with the portal's page: one message, one layout.
    context = {"form": AuthenticationForm(request), "lockout_message": message,
               "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
