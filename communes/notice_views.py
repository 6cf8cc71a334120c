"""/accounts/notifications/: a user's notices, and which kinds arrive by e-mail.

GET only reads. Opening a notice is a POST (it marks it read, then goes to its page);
so is "mark all as read" and saving the preferences.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .choices import NoticeKind
from .models import Notice, NoticePreference

PAGE = 100


def _preferences(user):
    saved = dict(NoticePreference.objects.filter(user=user).values_list("kind", "by_email"))
    return [(kind, label, saved.get(kind, True)) for kind, label in NoticeKind.choices]


@login_required
def notices(request):
    items = list(Notice.objects.filter(user=request.user)[:PAGE])
    return render(request, "communes/notifications.html", {
        "notices": items, "preferences": _preferences(request.user),
        "unread": sum(1 for n in items if n.read_at is None), "has_email": bool(request.user.email),
    })


@require_POST
@login_required
def open_notice(request, pk):
    notice = get_object_or_404(Notice, pk=pk, user=request.user)  # another's notice: 404
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("notifications")


@require_POST
@login_required
def read_all(request):
    count = Notice.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now())
    messages.success(request, _("%(count)s notices marked as read.") % {"count": count})
    return redirect("notifications")


@require_POST
@login_required
def save_preferences(request):
    chosen = set(request.POST.getlist("email"))
    for kind in NoticeKind.values:
        NoticePreference.objects.update_or_create(
            user=request.user, kind=kind, defaults={"by_email": kind in chosen})
    messages.success(request, _("Your e-mail choices are saved."))
    return redirect("notifications")
