"""The demo's reform of 1 July 2025: Kỳ Anh's communes merge into the province's new units.

Run by ``seed_demo --until 2026`` (communes/seeding.py). The groups (which former communes
form which new unit, and the new unit's official code, name and kind) are read from the
package ``vietnamadminunits`` (its 2025 converter: former ward key → new ward key), never
typed here. The package's former list is the one of 2025: Kỳ Lâm and Kỳ Hợp appear there
as one commune, Lâm Hợp (the package names them among its aliases); the demo keeps the two
communes of 2021, and both go where the package sends Lâm Hợp. New units also take in
communes of the former Thị xã Kỳ Anh, which the demo does not have (docs/DOMAIN.md).

Invented here, and marked so: the new units' villages (the former villages, carried over
under their old commune's name, ``is_invented``), the new units' NTM recognitions (the
weakest level among the merged communes, note "minh họa"), and the officers' accounts.
"""

import datetime
import json
from importlib import util

from django.contrib.auth.hashers import make_password
from django.db import transaction

from ntm_portal import quarters
from ntm_portal.formats import vn_slugify

from .choices import CommuneKind, NtmLevel, Role
from .models import Commune, District, NtmRecognition, Province, ReportingPeriod, User, Village
from .seed import DEMO_NOTE, DEMO_PASSWORD, _user
from .units import PACKAGE, REFORM_DATE, _dataset, kind_of, reform_district, short_name

LAST_DAY = REFORM_DATE - datetime.timedelta(days=1)  # the former units' last day
FIRST_PERIOD, LAST_PERIOD = (2024, 1), (2026, 4)
DEMO_DISTRICT = "ky-anh"
STAFF, COMMITTEE = "tinh-staff", "tinh-committee"
LEVEL_WORDS = {CommuneKind.WARD: "phường", CommuneKind.TOWN: "thị trấn"}  # else "xã"


def officer_login(unit_name):
    """The demo login of a new unit's officer: ``xa-`` and the unit's name (``xa-ky-van``)."""
    return f"xa-{vn_slugify(unit_name)}"


def _key(text):
    """The package's key of a name: lower case, no marks, no spaces ("Kỳ Lâm" → "kylam")."""
    return vn_slugify(text).replace("-", "")


def reform_groups(province_code, district_code):
    """The new units that the former communes of one district went into on 1 July 2025.

    A list of ``(code, name, kind, former)`` in the package's order of codes: the new unit's
    official code, short name and kind (``CommuneKind``), and the set of keys (``_key``) of
    the former communes of ``district_code`` it took in, aliases included (Lâm Hợp: also
    Kỳ Lâm and Kỳ Hợp). Communes of other former districts in the same new unit are left out.
    """
    spec = util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(PACKAGE)
    folder = list(spec.submodule_search_locations)[0]
    with open(f"{folder}/data/converter_2025.json", encoding="utf-8") as handle:
        converter = json.load(handle)
    with _dataset() as db:
        former = db.execute(
            "SELECT provinceKey, districtKey, wardKey, wardShortKey, wardAlias "
            "FROM admin_units_legacy WHERE provinceCode = ? AND districtCode = ?",
            [province_code, district_code]).fetchall()
        new = {key: (code, name, kind) for key, code, name, kind in db.execute(
            "SELECT wardKey, wardCode, ward, wardType FROM admin_units WHERE provinceCode = ?",
            [province_code]).fetchall()}
    # A former commune's keys: its own and its aliases (without the level's prefix too).
    names = {}
    for province_key, district_key, ward_key, short_key, aliases in former:
        keys = {short_key}
        for alias in json.loads(aliases or "[]"):
            keys.add(alias)
            for prefix in ("xa", "phuong", "thitran"):
                if alias.startswith(prefix):
                    keys.add(alias[len(prefix):])
        names[f"{province_key}_{district_key}_{ward_key}"] = keys
    province_key = former[0][0] if former else ""
    groups = []
    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(
            _new_province_key(converter, province_key), {}).items():
        taken = set()
        for old_key in old_keys:
            taken |= names.get(old_key, set())
        if taken and new_key in new:
            code, name, kind = new[new_key]
            groups.append((code, short_name(name), kind_of(kind), taken))
    return sorted(groups)


def _new_province_key(converter, province_key):
    return next((new for new, olds in converter["DICT_PROVINCE"].items() if province_key in olds),
                "")


@transaction.atomic
def merge_into_new_unit(district, code, name, kind, former, actor=None):
    """Create (or find) the new commune ``code``/``name`` under ``district`` (the province's
    post-reform record), valid from 1 July 2025, with ``former`` as its predecessors, and close
    the former communes on 30 June 2025.

    The one merge step of the demo. The branch ``mergers`` builds the service
    ``communes.mergers.apply_mergers`` that does this for real (with its history and checks):
    once it exists, this function is to call it instead.
    """
    commune = Commune.objects.filter(district=district, code=code).first()
    if commune is None:
        base = vn_slugify(name)
        slug = next(s for s in (base, f"{base}-2025", f"xa-{code}")
                    if not Commune.objects.filter(slug=s).exists())
        commune = Commune(district=district, code=code, name=name, kind=kind, slug=slug,
                          valid_from=REFORM_DATE)
        if actor is not None:
            commune._history_user = actor
        commune.save()
    commune.predecessors.add(*former)
    for old in former:
        if old.valid_to != LAST_DAY:
            old.valid_to = LAST_DAY
            old.save(update_fields=["valid_to"])
    return commune


def _carry_villages(commune, former):
    """The former communes' villages, closed on 30 June 2025 and carried into the new unit
    under their commune's name (invented: the real villages were rearranged too)."""
    if commune.villages.exists():
        return
    old_villages = list(Village.objects.filter(commune__in=former).select_related("commune")
                        .order_by("commune__name", "name"))
    new_villages = Village.objects.bulk_create(
        Village(commune=commune, name=f"{v.name} ({v.commune.name})", is_invented=True,
                valid_from=REFORM_DATE) for v in old_villages)
    Through = Village.predecessors.through
    Through.objects.bulk_create(
        Through(from_village_id=new.pk, to_village_id=old.pk)
        for new, old in zip(new_villages, old_villages, strict=True))
    Village.objects.filter(pk__in=[v.pk for v in old_villages]).update(valid_to=LAST_DAY)


def _recognise(commune, former):
    """The new unit's level: the weakest of its former communes' on 30 June 2025 (invented)."""
    if commune.recognitions.exists():
        return
    level = min((old.level_on(LAST_DAY) for old in former), default=NtmLevel.NOT_YET)
    if level != NtmLevel.NOT_YET:
        NtmRecognition.objects.create(
            commune=commune, level=level, year=REFORM_DATE.year, decision_date=REFORM_DATE,
            decision_number="", note=f"{DEMO_NOTE}: kế thừa mức đạt chuẩn của các xã cũ (minh họa)")


def seed_periods():
    year, quarter = FIRST_PERIOD
    while (year, quarter) <= LAST_PERIOD:
        ReportingPeriod.objects.get_or_create(
            year=year, quarter=quarter,
            defaults={"entry_deadline": ReportingPeriod.default_deadline(year, quarter)})
        year, quarter = quarters.following(year, quarter)


def seed_reform(out):
    seed_periods()
    old_district = District.objects.get(slug=DEMO_DISTRICT)
    province = Province.objects.get(pk=old_district.province_id)
    district = reform_district(province)
    former = {_key(c.name): c for c in Commune.objects.filter(district=old_district)}
    password_hash = None
    merged = 0
    for code, name, kind, keys in reform_groups(province.code, old_district.code):
        olds = sorted((c for k, c in former.items() if k in keys), key=lambda c: c.name)
        if not olds:
            continue
        commune = merge_into_new_unit(district, code, name, kind, olds)
        merged += len(olds)
        _carry_villages(commune, olds)
        _recognise(commune, olds)
        if not User.objects.filter(username=officer_login(name)).exists():
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            _user(officer_login(name), Role.OFFICER, password_hash, commune=commune,
                  first_name=f"Cán bộ {LEVEL_WORDS.get(commune.kind, 'xã')} {name}")
    if old_district.valid_to != LAST_DAY:
        old_district.valid_to = LAST_DAY
        old_district.save(update_fields=["valid_to"])
    for username, role, title in ((STAFF, Role.STAFF, "Cán bộ VP điều phối tỉnh Hà Tĩnh"),
                                  (COMMITTEE, Role.COMMITTEE, "Thành viên BCĐ tỉnh Hà Tĩnh")):
        if not User.objects.filter(username=username).exists():
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            _user(username, role, password_hash, province=province, first_name=title)
    out.write(f"  {district.communes.count()} new units from 1 July 2025 "
              f"({merged} former communes merged), periods to {LAST_PERIOD[0]} Q{LAST_PERIOD[1]}")


def print_reform_logins(out):
    out.write(f"  {STAFF}, {COMMITTEE}  Hà Tĩnh's steering unit after the reform: "
              "review, approve (staff) or read (committee) the whole province")
    logins = ", ".join(User.objects.filter(role=Role.OFFICER, commune__valid_from=REFORM_DATE)
                       .order_by("username").values_list("username", flat=True))
    out.write(f"  officers of the new units (from 1 July 2025): {logins}")
