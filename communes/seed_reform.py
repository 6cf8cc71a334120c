"""The demo's reform of 1 July 2025: Kỳ Anh's communes merge into the province's new units.

Run by ``seed_demo --until 2026`` (communes/seeding.py). The groups (which former communes
form which new unit, and the new unit's official code, name and kind) are read from the
package ``vietnamadminunits`` (its 2025 converter: former ward key → new ward key), never
typed here. The package's former list is the one of 2025: Kỳ Lâm and Kỳ Hợp appear there
as one commune, Lâm Hợp (the package names them among its aliases); the demo keeps the two
communes of 2021, and both go where the package sends Lâm Hợp. New units also take in
communes of the former Thị xã Kỳ Anh, which the demo does not have (docs/DOMAIN.md).

The merger itself goes through the one door, ``communes.mergers.apply_mergers``: the former
villages (invented in the demo, ``is_invented``) and officers move to the new units, whose
officers may read their former communes' history. A new unit has no NTM recognition of its
own (none was decided in the demo's data: a level is never inherited); its page shows its
former communes' recognitions as history. Invented here: the new officers' accounts.
"""

import datetime
import json

from django.contrib.auth.hashers import make_password

from ntm_portal import quarters
from ntm_portal.formats import vn_slugify

from .choices import CommuneKind, Role
from .models import Commune, District, Province, ReportingPeriod, User
from .seed import DEMO_PASSWORD, _user
from .units import REFORM_DATE, converter_2025, _dataset, kind_of, reform_district, short_name

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
    converter = converter_2025()
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


def absent_former_units(province, old_district):
    """{new unit's code: the former units it took in that the demo does not hold} from the
    2025 table (``communes.mergers.mapping_2025``), e.g. the wards of the former Thị xã Kỳ
    Anh; Lâm Hợp is held as Kỳ Lâm and Kỳ Hợp, so it is not absent."""
    from .mergers import mapping_2025

    held = {_key(c.name) for c in Commune.objects.filter(district=old_district)}
    held |= {key for *_, keys in reform_groups(province.code, old_district.code) for key in keys}
    absent = {}
    for spec in mapping_2025(province, old_district).specs:
        # "Xã Lâm Hợp (Huyện Kỳ Anh)" → "lamhop"
        absent[spec.code] = [name for name in spec.absent
                             if _key(name.split(" (")[0].split(" ", 1)[-1]) not in held]
    return absent


def merge_into_new_unit(district, code, name, kind, former, actor=None, absent=()):
    """The new commune ``code``/``name`` under ``district`` (the province's post-reform
    record), continuing ``former`` from 1 July 2025, through the one door for mergers
    (``communes.mergers.apply_mergers``): the former communes close on 30 June 2025, their
    villages and officers move to the new unit. A second run finds it already applied.
    The new unit's officers may read their former communes' history."""
    from .mergers import MergerSpec, apply_mergers

    spec = MergerSpec(name=name, predecessors=list(former), date=REFORM_DATE, kind=kind,
                      code=code, parent=district, officers_see_predecessors=True,
                      absent=list(absent))
    result = apply_mergers(actor, [spec], dry_run=False)
    if result.errors:
        raise RuntimeError("; ".join(error.message for error in result.errors))
    return Commune.objects.get(district=district, code=code)


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
    absent = absent_former_units(province, old_district)
    for code, name, kind, keys in reform_groups(province.code, old_district.code):
        olds = sorted((c for k, c in former.items() if k in keys), key=lambda c: c.name)
        if not olds:
            continue
        commune = merge_into_new_unit(district, code, name, kind, olds,
                                      absent=absent.get(code, ()))
        merged += len(olds)
        # The former communes' demo officers moved with their villages; their demo names
        # were their old commune's title ("Cán bộ xã Kỳ Tây"), which a greeting on the
        # new unit's pages would contradict.
        for old in olds:
            User.objects.filter(commune=commune, first_name=f"Cán bộ xã {old.name}").update(
                first_name=f"Cán bộ {LEVEL_WORDS.get(commune.kind, 'xã')} {name} "
                           f"(trước đây xã {old.name}{' cũ' if old.name == name else ''})")
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
