"""Demo data for Kỳ Anh district (Hà Tĩnh), consistent with the seed report of Q1 2021.

Invented data is marked: villages carry ``is_invented``; decision numbers of
recognitions and the sponsoring units' names are invented and say so in a note.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ntm_portal import quarters
from ntm_portal.formats import vn_slugify

from .choices import CommuneKind, NtmLevel, Role
from .models import (
    Commune,
    CommuneGroup,
    District,
    NtmRecognition,
    Province,
    ReportingPeriod,
    SponsoringUnit,
    Sponsorship,
    User,
    Village,
)

DEMO_PASSWORD = "demo-ntm-2021"
DEMO_NOTE = "Dữ liệu minh họa (demo)"

# The 21 communes of Kỳ Anh around 2021 (docs/DOMAIN.md#the-demo-district) and how many villages each
# gets in the demo (invented numbers: no official village list is in our sources).
COMMUNES = [
    ("Kỳ Bắc", 10), ("Kỳ Châu", 7), ("Kỳ Đồng", 9), ("Kỳ Giang", 10), ("Kỳ Hải", 8),
    ("Kỳ Hợp", 8), ("Kỳ Khang", 12), ("Kỳ Lạc", 9), ("Kỳ Lâm", 11), ("Kỳ Phong", 12),
    ("Kỳ Phú", 7), ("Kỳ Sơn", 10), ("Kỳ Tân", 11), ("Kỳ Tây", 8), ("Kỳ Thọ", 9),
    ("Kỳ Thư", 11), ("Kỳ Thượng", 9), ("Kỳ Tiến", 12), ("Kỳ Trung", 10), ("Kỳ Văn", 10),
    ("Kỳ Xuân", 11),
]
NOT_YET = {"Kỳ Tây", "Kỳ Lạc"}
# Recognised as advanced NTM communes in 2021 (docs/DOMAIN.md#the-demo-district); with four more, the
# group striving for the advanced standard in 2021.
ADVANCED_2021 = ["Kỳ Phú", "Kỳ Châu", "Kỳ Đồng", "Kỳ Giang"]
ADVANCED_GROUP = ADVANCED_2021 + ["Kỳ Tân", "Kỳ Thư", "Kỳ Trung", "Kỳ Văn"]
VILLAGE_NAMES = [
    "Tân Phú", "Hòa Bình", "Đông Xuân", "Tây Sơn", "Nam Tiến", "Bắc Hà", "Trung Thành",
    "Quyết Tiến", "Hưng Lợi", "Thanh Sơn", "Minh Châu", "Phú Lộc",
]
SPONSORS = [
    ("Phòng Nông nghiệp và Phát triển nông thôn huyện", "Kỳ Tây"),
    ("Phòng Tài chính - Kế hoạch huyện", "Kỳ Lạc"),
]


def village_names(count):
    """Invented names: "Thôn 1"… for half, named villages for the rest."""
    numbered = [f"Thôn {i}" for i in range(1, count // 2 + 1)]
    named = [f"Thôn {name}" for name in VILLAGE_NAMES[: count - len(numbered)]]
    return numbered + named


# The second demo district: three real communes of Nghi Xuân (Hà Tĩnh); their villages
# and figures are invented demo data.
SECOND_DISTRICT = ("nghi-xuan", "Nghi Xuân")
SECOND_COMMUNES = [("Xuân Hội", 5), ("Đan Trường", 6), ("Tiên Điền", 4)]


def seed_demo(out):
    province, _ = Province.objects.get_or_create(
        slug="ha-tinh", defaults={"name": "Hà Tĩnh", "code": "42"})
    district, _ = District.objects.get_or_create(
        slug="ky-anh",
        defaults={"name": "Kỳ Anh", "province": province, "code": "447"},
    )
    communes = {}
    for index, (name, n_villages) in enumerate(COMMUNES):
        commune, _ = Commune.objects.get_or_create(
            slug=vn_slugify(name),
            defaults={"name": name, "district": district, "kind": CommuneKind.COMMUNE},
        )
        communes[name] = commune
        for village_name in village_names(n_villages):
            Village.objects.get_or_create(
                commune=commune, name=village_name, defaults={"is_invented": True}
            )
        if name not in NOT_YET:
            # Recognised at the standard between 2014 and 2020 (years invented, spread).
            year = 2014 + index % 7
            NtmRecognition.objects.get_or_create(
                commune=commune, level=NtmLevel.STANDARD, year=year,
                defaults={
                    "decision_number": f"{100 + index}/QĐ-UBND",
                    "decision_date": datetime.date(year, 12, 20),
                    "note": DEMO_NOTE,
                },
            )
    # Later in 2021 (docs/DOMAIN.md#the-demo-district): Kỳ Tây and Kỳ Lạc reach the standard, four communes
    # the advanced standard. Dated in December, so Q1–Q3 2021 still see the old levels.
    for offset, name in enumerate(sorted(NOT_YET)):
        NtmRecognition.objects.get_or_create(
            commune=communes[name], level=NtmLevel.STANDARD, year=2021,
            defaults={"decision_number": f"{4001 + offset}/QĐ-UBND",
                      "decision_date": datetime.date(2021, 12, 28), "note": DEMO_NOTE},
        )
    for offset, name in enumerate(ADVANCED_2021):
        NtmRecognition.objects.get_or_create(
            commune=communes[name], level=NtmLevel.ADVANCED, year=2021,
            defaults={"decision_number": f"{4101 + offset}/QĐ-UBND",
                      "decision_date": datetime.date(2021, 12, 30), "note": DEMO_NOTE},
        )

    consolidating, _ = CommuneGroup.objects.get_or_create(
        name="Nhóm 11 xã đạt chuẩn củng cố tiêu chí", year=2021,
        defaults={"description": "Các xã đã đạt chuẩn NTM, tiếp tục củng cố, nâng cấp tiêu chí."},
    )
    consolidating.communes.set(
        [c for n, c in communes.items() if n not in NOT_YET and n not in ADVANCED_GROUP]
    )
    striving, _ = CommuneGroup.objects.get_or_create(
        name="Nhóm xã phấn đấu đạt chuẩn NTM nâng cao", year=2021,
        defaults={"description": "Các xã tập trung nâng cao tiêu chí, xây dựng khu dân cư kiểu mẫu."},
    )
    striving.communes.set([communes[n] for n in ADVANCED_GROUP])
    short, _ = CommuneGroup.objects.get_or_create(
        name="Nhóm xã phấn đấu đạt chuẩn NTM", year=2021,
        defaults={"description": "Hai xã chưa đạt chuẩn, có đơn vị đỡ đầu."},
    )
    short.communes.set([communes[n] for n in sorted(NOT_YET)])

    units = []
    for unit_name, commune_name in SPONSORS:
        unit, _ = SponsoringUnit.objects.get_or_create(
            name=unit_name, defaults={"contact": DEMO_NOTE}
        )
        units.append(unit)
        Sponsorship.objects.get_or_create(
            unit=unit, commune=communes[commune_name], start_date=datetime.date(2021, 3, 18),
            defaults={"purpose": "Hỗ trợ các tiêu chí chưa đạt (hội nghị BCĐ 18/3/2021)"},
        )

    year, quarter = 2021, 1
    while (year, quarter) <= quarters.quarter_of(timezone.localdate()):
        ReportingPeriod.objects.get_or_create(
            year=year, quarter=quarter,
            defaults={"entry_deadline": ReportingPeriod.default_deadline(year, quarter)},
        )
        year, quarter = quarters.following(year, quarter)

    # One hash for every demo user: hashing is slow by design, and the password is shared.
    password_hash = make_password(DEMO_PASSWORD)
    _user("admin", Role.ADMIN, password_hash, is_superuser=True, first_name="Quản trị")
    _user("staff", Role.STAFF, password_hash, district=district, first_name="Cán bộ VP điều phối")
    _user("committee", Role.COMMITTEE, password_hash, district=district, first_name="Thành viên BCĐ")
    _user("sponsor", Role.SPONSOR, password_hash, sponsoring_unit=units[0], district=district,
          first_name="Đơn vị đỡ đầu")
    for commune in communes.values():
        _user(commune.slug, Role.OFFICER, password_hash, commune=commune, first_name=f"Cán bộ xã {commune.name}")
    seed_registries(out)
    seed_second_district(province, password_hash)
    _user("province", Role.COMMITTEE, password_hash, province=province,
          first_name="Ban Chỉ đạo tỉnh Hà Tĩnh")
    out.write(
        f"  {District.objects.count()} districts, {Commune.objects.count()} communes, "
        f"{Village.objects.count()} villages, {ReportingPeriod.objects.count()} periods"
    )


def seed_second_district(province, password_hash):
    """Nghi Xuân beside Kỳ Anh: its communes, invented villages, its own users."""
    slug, name = SECOND_DISTRICT
    district, _ = District.objects.get_or_create(
        slug=slug, defaults={"name": name, "province": province})
    for commune_name, n_villages in SECOND_COMMUNES:
        commune, created = Commune.objects.get_or_create(
            slug=vn_slugify(commune_name),
            defaults={"name": commune_name, "district": district, "kind": CommuneKind.COMMUNE})
        if created:
            Village.objects.bulk_create(
                Village(commune=commune, name=village, is_invented=True)
                for village in village_names(n_villages))
        _user(commune.slug, Role.OFFICER, password_hash, commune=commune,
              first_name=f"Cán bộ xã {commune.name}")
    _user("nx-staff", Role.STAFF, password_hash, district=district,
          first_name="Cán bộ VP điều phối Nghi Xuân")
    _user("nx-committee", Role.COMMITTEE, password_hash, district=district,
          first_name="Thành viên BCĐ Nghi Xuân")
    return district


def _user(username, role, password_hash, **fields):
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "password": password_hash, **fields}
    )
    return user


def print_logins(out, until=2021):
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    out.write("  admin      administrator (also /admin/)")
    out.write("  staff      Kỳ Anh district staff: review, approve, reopen (also /admin/)")
    out.write("  committee  Kỳ Anh steering committee member: reads Kỳ Anh")
    out.write("  sponsor    sponsoring unit member: reads Kỳ Tây")
    out.write("  nx-staff, nx-committee  the same for Nghi Xuân")
    out.write("  province   Hà Tĩnh's steering committee: reads both districts")
    slugs = ", ".join(User.objects.filter(role=Role.OFFICER, commune__valid_from__isnull=True)
                      .order_by("username").values_list("username", flat=True))
    out.write(f"  commune officers, one per commune: {slugs}")
    if until >= 2026:
        from .seed_reform import print_reform_logins

        print_reform_logins(out)


# Model residential areas (docs/DOMAIN.md#the-demo-district): 73 recognised by the end of Q1 2021, 4 of them
# in Q1; 71 being built at the end of Q1. Q2 2021 adds 6 recognitions (invented).
AREAS_BEFORE_2021 = 69
AREAS_Q1_2021 = ["Kỳ Phú", "Kỳ Châu", "Kỳ Đồng", "Kỳ Giang"]
AREAS_Q2_2021 = ["Kỳ Tân", "Kỳ Thư", "Kỳ Trung", "Kỳ Văn", "Kỳ Phú", "Kỳ Đồng"]
AREAS_BUILDING_Q1 = 71
# Model gardens (docs/DOMAIN.md#the-demo-district: 235 at the end of 2020); Q1 and Q2 2021 invented.
GARDENS_BEFORE_2021, GARDENS_Q1_2021, GARDENS_Q2_2021 = 235, 41, 58


def seed_registries(out):
    """Model areas and gardens, dated so that the quarter counts match the seed report."""
    from ntm_portal.demo import split

    from .choices import GardenLevel
    from .models import ModelArea, ModelGarden

    if ModelArea.objects.exists():
        return
    communes = list(Commune.objects.filter(district__slug="ky-anh").order_by("name"))
    villages = {c.pk: list(c.villages.order_by("name")) for c in communes}
    weights = [0 if c.name in NOT_YET else len(villages[c.pk]) for c in communes]
    before = split(AREAS_BEFORE_2021, weights)
    building = split(AREAS_BUILDING_Q1, [len(villages[c.pk]) for c in communes])
    q1 = {name: AREAS_Q1_2021.count(name) for name in AREAS_Q1_2021}
    q2 = {name: AREAS_Q2_2021.count(name) for name in AREAS_Q2_2021}
    areas = []
    serial = 0
    for index, commune in enumerate(communes):
        pool = iter(villages[commune.pk])
        for n in range(before[index]):
            year = 2015 + (n + index) % 6
            serial += 1
            areas.append(ModelArea(
                village=next(pool), registered_on=datetime.date(year - 1, 3, 1),
                building_since=datetime.date(year - 1, 6, 1),
                recognised_on=datetime.date(year, 11, 15 + n % 10),
                decision_number=f"{serial}/QĐ-UBND", note=DEMO_NOTE))
        for n in range(q1.get(commune.name, 0)):
            serial += 1
            areas.append(ModelArea(
                village=next(pool), registered_on=datetime.date(2020, 2, 1),
                building_since=datetime.date(2020, 4, 1),
                recognised_on=datetime.date(2021, 3, 10 + n), decision_number=f"{serial}/QĐ-UBND",
                note=DEMO_NOTE))
        for n in range(building[index]):
            village = next(pool)
            recognised = None
            if q2.get(commune.name, 0) > n:
                recognised = datetime.date(2021, 6, 15 + n)
                serial += 1
            areas.append(ModelArea(
                village=village, registered_on=datetime.date(2020, 10, 1),
                building_since=datetime.date(2021, 1, 15), recognised_on=recognised,
                decision_number=f"{serial}/QĐ-UBND" if recognised else "", note=DEMO_NOTE))
    ModelArea.objects.bulk_create(areas)

    gardens = []
    spans = [(GARDENS_BEFORE_2021, datetime.date(2019, 1, 10), 700),
             (GARDENS_Q1_2021, datetime.date(2021, 1, 5), 80),
             (GARDENS_Q2_2021, datetime.date(2021, 4, 5), 80)]
    for total, start, spread in spans:
        per_commune = split(total, [len(villages[c.pk]) for c in communes])
        for index, commune in enumerate(communes):
            for n in range(per_commune[index]):
                village = villages[commune.pk][n % len(villages[commune.pk])]
                recognised = start + datetime.timedelta(days=(n * 37 + index * 11) % spread)
                gardens.append(ModelGarden(
                    village=village, household=f"Hộ gia đình số {len(gardens) + 1} (minh họa)",
                    level=GardenLevel.PROVINCE if n % 5 == 0 else GardenLevel.DISTRICT,
                    registered_on=recognised - datetime.timedelta(days=120),
                    recognised_on=recognised, decision_number=f"V{len(gardens) + 1}/QĐ-UBND",
                    note=DEMO_NOTE))
    ModelGarden.objects.bulk_create(gardens)
    out.write(f"  {len(areas)} model residential area records, {len(gardens)} model gardens")
