from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .lineage import ancestor_ids, valid_on_q
from ntm_portal.formats import vn_sort_key

from .choices import ModelAreaStatus, NtmLevel, Role
from .forms import ModelAreaForm, ModelGardenForm
from .models import (
    Commune,
    ModelArea,
    ModelGarden,
    NtmRecognition,
    ReportingPeriod,
    Sponsorship,
    Submission,
    Village,
)
from .periods import period_terms
from .scoping import CHANGE, VIEW, is_district_staff
from .seeding import collect_panels
from .workflow import StaleEdit


@login_required
def home(request):
    """What needs doing now, by role."""
    user = request.user
    context = {
        "role_label": Role(user.role).label if user.role in Role.values else "",
        # Communes in being today; former ones (closed by a merger) apart, as the list
        # shows them.
        **Commune.objects.restrict(user).aggregate(
            commune_count=Count("pk", filter=valid_on_q(timezone.localdate())),
            former_count=Count("pk", filter=Q(valid_to__lt=timezone.localdate()))),
        "own_commune": user.commune if user.role == Role.OFFICER else None,
        "panels": collect_panels("home_panels", request),
    }
    return render(request, "communes/home.html", context)


@login_required
def commune_list(request):
    """The communes of the user's scope in being today, with their levels and the counts
    by level; below, apart and not counted, the former ones (closed by a merger or
    dissolved), each with the date it closed and the units it became part of: a level
    is not inherited, so a former commune's counts with today's would count twice."""
    today = timezone.localdate()
    communes = (
        Commune.objects.restrict(request.user)
        .select_related("district")
        .with_level()
        .with_sponsor()
        .annotate(village_count=Count("villages"))
        .prefetch_related(Prefetch("successors", queryset=Commune.objects.only("name")))
    )
    current, former = [], []
    level_counts = {}
    for commune in sorted(communes, key=lambda c: vn_sort_key(c.name)):
        commune.level_label = NtmLevel(commune.level or 0).label
        if commune.valid_to is not None and commune.valid_to < today:
            commune.successor_names = ", ".join(
                sorted((c.name for c in commune.successors.all()), key=vn_sort_key))
            former.append(commune)
            continue
        current.append(commune)
        level_counts[commune.level_label] = level_counts.get(commune.level_label, 0) + 1
    return render(
        request, "communes/commune_list.html",
        {"communes": current, "former": former, "level_counts": sorted(level_counts.items()),
         "loads_registries": is_district_staff(request.user)},
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
    lineage = _lineage(request.user, commune)
    level = NtmLevel(recognitions[0].level) if recognitions else NtmLevel.NOT_YET
    today = timezone.localdate()
    areas = list(ModelArea.objects.filter(village__commune=commune).select_related("village")
                 .order_by("village__name", "-registered_on"))
    gardens = list(ModelGarden.objects.filter(village__commune=commune).select_related("village")
                   .order_by("-recognised_on", "household"))
    submissions = {s.period_id: s for s in Submission.objects.filter(commune=commune)}
    # Each period with the commune's unit's deadline (``periods.period_terms``).
    periods = [(p, submissions.get(p.pk), period_terms(p, commune.district_id))
               for p in ReportingPeriod.objects.prefetch_related("unit_settings")
               .order_by("-year", "-quarter")]
    return render(
        request, "communes/commune_detail.html",
        {
            "commune": commune, "level": level, "recognitions": recognitions,
            "areas": areas, "gardens": gardens, "periods": periods, "today": today,
            "area_counts": _status_counts(areas, today),
            "garden_counts": _status_counts(gardens, today),
            "can_change": Commune.objects.restrict(request.user, CHANGE).filter(pk=commune.pk).exists(),
            "panels": collect_panels("commune_panels", request, commune),
            **lineage,
        },
    )


def _lineage(user, commune):
    """What the page says of a merger (docs/DOMAIN.md#merged-units): the communes this one
    was formed from and the one it was merged into (linked when the user may open them),
    and the recognitions of its ancestors, shown as history: a level is never inherited.
    At most three queries, whatever the number of predecessors."""
    links = list(Commune.predecessors.through.objects.filter(
        Q(from_commune=commune) | Q(to_commune=commune)).select_related(
        "from_commune", "to_commune"))  # both ways in one query
    predecessors = sorted((link.to_commune for link in links if link.from_commune_id == commune.pk),
                          key=lambda c: vn_sort_key(c.name))
    successors = [link.from_commune for link in links if link.to_commune_id == commune.pk]
    older = ancestor_ids([commune.pk]) if predecessors else set()
    earlier = list(NtmRecognition.objects.filter(commune_id__in=older).select_related("commune")
                   .order_by("-year", "-decision_date", "commune__name")) if older else []
    related = {c.pk for c in predecessors + successors}
    visible = set(Commune.objects.restrict(user).filter(pk__in=related).values_list(
        "pk", flat=True)) if related else set()
    return {
        "predecessors": [(c, c.pk in visible) for c in predecessors],
        "successors": [(c, c.pk in visible) for c in successors],
        "earlier_recognitions": earlier,
    }


def _status_counts(records, today):
    counts = {}
    for record in records:
        record.current_status = record.status_on(today)
        label = ModelAreaStatus(record.current_status).label
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items())


REGISTRIES = {"areas": (ModelArea, ModelAreaForm), "gardens": (ModelGarden, ModelGardenForm)}


def _registry_commune(request, slug):
    commune = get_object_or_404(Commune.objects.restrict(request.user, VIEW), slug=slug)
    registry.check_change(request.user, commune)
    return commune


def _already_created(request, commune, kind, record):
    """The second post of a create form: nothing new, show what the first one created."""
    messages.info(request, _("This form was sent twice; it was saved once. Here is the record."))
    return redirect("communes:registry_edit", commune.slug, kind, record.pk)


@login_required
def registry_edit(request, slug, kind, pk=None):
    """Add or edit a model residential area or model garden record of a commune."""
    if kind not in REGISTRIES:
        raise Http404
    model, form_class = REGISTRIES[kind]
    commune = _registry_commune(request, slug)
    record = None
    if pk is not None:
        record = get_object_or_404(model.objects.restrict(request.user, CHANGE)
                                   .filter(village__commune=commune), pk=pk)
    form = form_class(request.POST or None, instance=record, commune=commune, user=request.user)
    back = _safe_next(request) or commune.get_absolute_url() + "#registries"
    status = 200
    if request.method == "POST":
        earlier = form.created_before(request.user) if record is None else None
        if earlier is not None:
            return _already_created(request, commune, kind, earlier)
        if form.is_valid():
            try:
                if record is None:
                    saved, created = form.create_once(request.user, lambda: registry.save_record(
                        form.instance, request.user, 0))
                    if not created:
                        return _already_created(request, commune, kind, saved)
                else:
                    registry.save_record(form.instance, request.user,
                                         form.cleaned_data.get("version") or 0)
            except StaleEdit as error:
                messages.error(request, str(error))
                record.refresh_from_db()
                form = form_class(instance=record, commune=commune, user=request.user)
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
                messages.error(request, _("Nothing was saved: correct the fields marked in red."))
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
        else:
            # A concurrent post of this very form may have created it meanwhile (its record
            # then makes ours invalid): lead to it rather than show the refusal.
            earlier = form.created_before(request.user) if record is None else None
            if earlier is not None:
                return _already_created(request, commune, kind, earlier)
            messages.error(request, _("Nothing was saved: correct the fields marked in red."))
    history = list(record.history.select_related("history_user")[:50]) if record else []
    return render(request, "communes/registry_form.html", {
        "commune": commune, "form": form, "record": record, "kind": kind,
        "title": model._meta.verbose_name, "history": history, "back": back,
        "next": _safe_next(request)}, status=status)


def _safe_next(request):
    """The page to go back to after a registry form (e.g. the quarterly report), if local."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _registry_communes(request):
    """Staff's communes for the registry workbook (others: 403)."""
    if not is_district_staff(request.user):
        raise PermissionDenied(_("Only district staff load registries from a workbook."))
    return list(Commune.objects.restrict(request.user, CHANGE).order_by("name"))


@login_required
def registry_template(request):
    from ntm_portal.uploads import XLSX

    from .registry_import import template

    response = HttpResponse(template(_registry_communes(request)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="registries.xlsx"'
    return response


@login_required
def registry_import(request):
    """Villages, model areas and model gardens from one workbook: all or nothing."""
    from ntm_portal.uploads import CellError, request_too_large

    from .registry_import import import_registries

    communes = _registry_communes(request)
    context = {"errors": []}
    if request.method != "POST":
        return render(request, "communes/registry_import.html", context)
    refused = request_too_large(request)
    upload = None if refused else request.FILES.get("file")
    if refused or upload is None:
        context["errors"] = [CellError("", "", refused or _("Choose the file to upload."))]
        return render(request, "communes/registry_import.html", context)
    result = import_registries(request.user, communes, upload)
    if result.errors:
        context.update(errors=result.errors, summary=result.summary())
        return render(request, "communes/registry_import.html", context)
    messages.success(request, _("Registries loaded: %(created)s new, %(updated)s updated.") % {
        "created": result.created, "updated": result.updated})
    return redirect("communes:registry-import")
