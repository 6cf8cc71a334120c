from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from .choices import NtmLevel, Role
from .models import Commune, NtmRecognition, ReportingPeriod, Sponsorship, Village
from .seeding import collect_panels


@login_required
def home(request):
    """What needs doing now, by role."""
    user = request.user
    communes = Commune.objects.restrict(user).with_level()
    context = {
        "role_label": Role(user.role).label if user.role in Role.values else "",
        "communes": communes,
        "commune_count": communes.count(),
        "period": ReportingPeriod.objects.order_by("-year", "-quarter").first(),
        "own_commune": user.commune if user.role == Role.OFFICER else None,
        "panels": collect_panels("home_panels", request),
    }
    return render(request, "communes/home.html", context)


@login_required
def commune_list(request):
    communes = (
        Commune.objects.restrict(request.user)
        .select_related("district")
        .with_level()
        .with_sponsor()
        .annotate(village_count=Count("villages"))
    )
    level_counts = {}
    for commune in communes:
        commune.level_label = NtmLevel(commune.level or 0).label
        level_counts[commune.level_label] = level_counts.get(commune.level_label, 0) + 1
    return render(
        request, "communes/commune_list.html",
        {"communes": communes, "level_counts": sorted(level_counts.items())},
    )


@login_required
def commune_detail(request, slug):
    commune = get_object_or_404(
        Commune.objects.restrict(request.user).select_related("district").prefetch_related(
            Prefetch("villages", queryset=Village.objects.order_by("name")),
            Prefetch("recognitions", queryset=NtmRecognition.objects.order_by("-year", "-decision_date")),
            Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("unit")),
            "groups",
        ),
        slug=slug,
    )
    recognitions = list(commune.recognitions.all())
    level = NtmLevel(recognitions[0].level) if recognitions else NtmLevel.NOT_YET
    return render(
        request, "communes/commune_detail.html",
        {
            "commune": commune, "level": level, "recognitions": recognitions,
            "panels": collect_panels("commune_panels", request, commune),
        },
    )
