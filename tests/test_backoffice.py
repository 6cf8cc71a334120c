"""The back office is no second door: every governed record is either read-only there or
saved by its service (permission, version, history), and roles give the back-office rights.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from communes.models import ApiToken, ModelArea, ModelGarden, Submission, User
from communes.roles import GROUP_NAMES, READ_ONLY_MODELS
from communes.tokens import create_token
from criteria.models import CriterionAssessment, IndicatorValue
from ntm_portal.backoffice import BoundaryAdminForm, ReadOnlyAdmin, ServiceSaveAdmin
from ocop.choices import Stage
from ocop.models import Product, Rating

# Every record a service writes, and how the back office treats it.
SERVICE_SAVED = {"communes.modelarea", "communes.modelgarden", "ocop.product"}
# Records without a service of their own: the catalogue, units, periods, accounts (written
# in the back office only, with its permissions and the text boundary). The catalogue's
# indicators and the periods are every unit's defaults: administrators only change them
# (``communes.roles.SHARED_DEFAULT_MODELS``); a unit's own choices, targets and terms are
# read-only here (``READ_ONLY_MODELS``), written on its staff pages through their services.
BACK_OFFICE_OWNED = {
    "communes.province", "communes.district", "communes.commune", "communes.village", "communes.ntmrecognition",
    "communes.communegroup", "communes.sponsoringunit", "communes.sponsorship",
    "communes.reportingperiod", "communes.user", "communes.apitoken",
    "criteria.criteriaset", "criteria.criterion", "criteria.criterionindicator",
    "criteria.indicator",
    "ocop.productgroup", "ocop.starband", "ocop.producer",
}


def _key(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def test_every_back_office_model_is_classified_and_behind_the_boundary():
    for model, model_admin in admin.site._registry.items():
        key = _key(model)
        if model._meta.app_label not in ("communes", "criteria", "ocop"):
            continue
        if key in READ_ONLY_MODELS:
            assert isinstance(model_admin, ReadOnlyAdmin), key
        elif key in SERVICE_SAVED:
            assert isinstance(model_admin, ServiceSaveAdmin), key
        else:
            assert key in BACK_OFFICE_OWNED, f"{key}: say which door writes it"
        assert issubclass(model_admin.form, BoundaryAdminForm), key
        for inline in model_admin.inlines:
            assert issubclass(inline.form, BoundaryAdminForm), (key, inline)


def _approved_value():
    return (IndicatorValue.objects.filter(submission__status="approved", value__isnull=False)
            .select_related("submission").first())


def _read_only_cases():
    value = _approved_value()
    assessment = CriterionAssessment.objects.filter(submission__status="approved").first()
    submission = value.submission
    rating = Rating.objects.first()
    return [
        (IndicatorValue, value, {"value": "-5", "comment": "x", "submission": submission.pk,
                                 "indicator": value.indicator_id},
         lambda: IndicatorValue.objects.get(pk=value.pk).value == value.value),
        (CriterionAssessment, assessment, {"score": "-5", "is_met": "false",
                                           "submission": submission.pk,
                                           "criterion": assessment.criterion_id},
         lambda: CriterionAssessment.objects.get(pk=assessment.pk).score == assessment.score),
        (Submission, submission, {"difficulties": "overwritten", "status": "draft"},
         lambda: Submission.objects.filter(pk=submission.pk, status=submission.status,
                                           version=submission.version,
                                           difficulties=submission.difficulties).exists()),
        (Rating, rating, {"score": "1", "product": rating.product_id, "level": rating.level,
                          "decision_number": "x", "decision_date": "2021-01-01"},
         lambda: Rating.objects.get(pk=rating.pk).score == rating.score),
    ]


@pytest.mark.parametrize("index", range(4))
def test_records_of_a_service_do_not_move_through_the_back_office(client_for, staff, index):
    model, obj, data, unchanged = _read_only_cases()[index]
    client = client_for(staff)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(f"{base}{obj.pk}/change/").status_code == 200  # staff may look
    history_id = obj.history.filter(id=obj.pk).values_list("history_id", flat=True).first()
    posts = [f"{base}{obj.pk}/change/", f"{base}add/", f"{base}{obj.pk}/delete/",
             f"{base}{obj.pk}/history/{history_id}/"]
    for url in posts:
        response = client.post(url, {**data, "post": "yes"})
        assert response.status_code == 403, url
        assert unchanged(), url
    response = client.post(base, {"action": "delete_selected", "_selected_action": [obj.pk],
                                  "post": "yes"})
    assert model.objects.filter(pk=obj.pk).exists()


def _area_data(area, **changes):
    data = {"village": area.village_id, "registered_on": area.registered_on.isoformat(),
            "building_since": area.building_since.isoformat() if area.building_since else "",
            "recognised_on": area.recognised_on.isoformat() if area.recognised_on else "",
            "decision_number": area.decision_number, "lapsed_on": "", "note": area.note,
            "loaded_version": area.version, "_save": "1"}
    data.update(changes)
    return data


def test_registry_record_saved_in_the_back_office_goes_through_its_service(client_for, staff):
    area = ModelArea.objects.filter(lapsed_on__isnull=True).first()
    client = client_for(staff)
    url = f"/admin/communes/modelarea/{area.pk}/change/"
    before = area.history.count()

    response = client.post(url, _area_data(area, note="checked", version=99))
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.note == "checked" and area.version == 2  # claimed, not the posted 99
    assert area.history.count() == before + 1
    assert area.history.first().history_user == staff

    # A form loaded before that save is stale: refused, nothing written.
    response = client.post(url, _area_data(area, note="stale", loaded_version=1), follow=True)
    area.refresh_from_db()
    assert area.note == "checked" and area.version == 2
    assert "Someone else saved this record" in response.text or "Người khác" in response.text

    # The text boundary holds here too.
    response = client.post(url, _area_data(area, note="bad\x00text"))
    assert response.status_code == 200
    area.refresh_from_db()
    assert area.note == "checked"

    # django-simple-history's "revert" form saves through the service too: a version claim
    # and history; the same revert form posted again is stale, refused, nothing written.
    old = area.history.last()
    history_url = f"{url[:-len('change/')]}history/{old.history_id}/"
    data = _area_data(area, note="reverted", loaded_version=area.version)
    assert client.post(history_url, data).status_code == 302
    area.refresh_from_db()
    assert area.note == "reverted" and area.version == 3
    assert area.history.first().history_user == staff
    assert client.post(history_url, {**data, "note": "again"}).status_code == 302
    area.refresh_from_db()
    assert area.note == "reverted" and area.version == 3

    # No delete: counts per quarter come from these records.
    assert client.post(f"/admin/communes/modelarea/{area.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ModelArea.objects.filter(pk=area.pk).exists()


def test_second_open_model_area_for_a_village_is_the_forms_message_in_the_back_office(
        client_for, staff):
    area = ModelArea.objects.filter(lapsed_on__isnull=True).first()
    count = ModelArea.objects.count()
    data = _area_data(area, decision_number="", recognised_on="", building_since="")
    data.pop("loaded_version")
    response = client_for(staff).post("/admin/communes/modelarea/add/", data)
    assert response.status_code == 200
    assert ModelArea.objects.count() == count


def test_garden_added_in_the_back_office_has_its_author(client_for, staff):
    garden = ModelGarden.objects.first()
    data = {"village": garden.village_id, "household": "Hộ thử", "level": "district",
            "registered_on": "2021-01-05", "recognised_on": "", "decision_number": "",
            "lapsed_on": "", "note": "", "_save": "1"}
    response = client_for(staff).post("/admin/communes/modelgarden/add/", data)
    assert response.status_code == 302
    new = ModelGarden.objects.get(household="Hộ thử")
    assert new.version == 1 and new.history.first().history_user == staff


def test_product_stage_does_not_move_in_the_back_office(client_for, staff):
    product = Product.objects.filter(stage=Stage.CANDIDATE).first()
    client = client_for(staff)
    data = {"name": product.name + " mới", "slug": product.slug, "producer": product.producer_id,
            "commune": product.commune_id, "group": product.group_id,
            "description": product.description, "year": product.year,
            "target_stars": product.target_stars, "stage": Stage.RATED,
            "registered_on": "2021-01-01", "loaded_version": product.version,
            "ratings-TOTAL_FORMS": "0", "ratings-INITIAL_FORMS": "0",
            "pre_assessment-TOTAL_FORMS": "0", "pre_assessment-INITIAL_FORMS": "0", "_save": "1"}
    response = client.post(f"/admin/ocop/product/{product.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    fresh = Product.objects.get(pk=product.pk)
    assert fresh.name == product.name + " mới"
    assert fresh.stage == Stage.CANDIDATE and fresh.registered_on is None
    assert fresh.version == product.version + 1
    # The same form again is stale now.
    client.post(f"/admin/ocop/product/{product.pk}/change/", {**data, "name": "stale"})
    assert Product.objects.get(pk=product.pk).name == product.name + " mới"


def test_token_revoked_in_the_back_office_by_the_tokens_function(client_for, staff, officer):
    token, _key = create_token(officer, "script")
    response = client_for(staff).post("/admin/communes/apitoken/", {
        "action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


# --- Roles as a policy -------------------------------------------------------------------


def test_migrate_gives_every_back_office_role_its_group(db):
    staff_group = Group.objects.get(name=GROUP_NAMES["staff"])
    perms = set(staff_group.permissions.values_list("content_type__app_label", "codename"))
    assert ("criteria", "change_criteriaset") in perms
    assert ("criteria", "view_indicatorvalue") in perms
    # A unit's targets go through their service; the shared defaults are administrators'.
    assert ("criteria", "view_target") in perms and ("criteria", "change_target") not in perms
    assert ("criteria", "change_indicator") not in perms
    assert ("communes", "change_reportingperiod") not in perms
    assert ("criteria", "change_indicatorvalue") not in perms
    assert ("communes", "change_user") not in perms  # staff cannot make themselves admins
    admin_group = Group.objects.get(name=GROUP_NAMES["admin"])
    assert admin_group.permissions.filter(codename="change_user").exists()


def test_staff_created_in_the_back_office_with_a_role_works_at_once(client, demo, django_user_model):
    root = User.objects.create_superuser("root", "root@example.vn", "pw-root-123")
    client.force_login(root)
    response = client.post("/admin/communes/user/add/", {
        "username": "new-staff", "password1": "Khó-đoán-2026!", "password2": "Khó-đoán-2026!",
        "role": "staff", "usable_password": "true", "_save": "1"})
    assert response.status_code == 200  # a staff account needs its steering unit
    assert User.objects.filter(username="new-staff").count() == 0
    from communes.models import District

    response = client.post("/admin/communes/user/add/", {
        "username": "new-staff", "password1": "Khó-đoán-2026!", "password2": "Khó-đoán-2026!",
        "role": "staff", "district": District.objects.get(slug="ky-anh").pk,
        "usable_password": "true", "_save": "1"})
    assert response.status_code == 302, response.content[:3000]
    user = User.objects.get(username="new-staff")
    assert user.is_staff
    client.force_login(user)
    assert client.get("/admin/criteria/criteriaset/add/").status_code == 200
    assert client.get("/admin/communes/reportingperiod/").status_code == 200
    assert client.get("/admin/criteria/target/").status_code == 200  # read, set on its page
    assert client.get("/admin/criteria/target/add/").status_code == 403

    # A new role takes the rights with it.
    user.role = "committee"
    user.save()
    user = User.objects.get(pk=user.pk)
    assert not user.is_staff and not user.groups.exists()
    assert client.get("/admin/criteria/target/add/").status_code == 302  # to the login


def test_staff_flag_and_groups_are_not_set_by_hand(client_for, admin_user, officer):
    client = client_for(admin_user)
    response = client.get(f"/admin/communes/user/{officer.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is_staff" not in form.fields and "groups" not in form.fields
