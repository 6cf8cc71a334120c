"""OCOP demo data: groups, the 1048 star bands, the 15 candidates of 2021, earlier certificates,
and two products entered after 6 July 2025 under Decision 1489/QĐ-TTg.

Idempotent (get_or_create throughout). Product and producer names and decision numbers
are invented and say so ("Dữ liệu minh họa"). The 15 products are candidates *for 2021*
(13 aiming at 3★, 2 at 4★, seed report of Q1 2021); none of them is rated here.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from communes.models import Commune
from ntm_portal.formats import vn_slugify

from .choices import CertifyingLevel, PrePoint, Procedure, ProducerKind, Stage
from .lifecycle import CERTIFICATE_MONTHS, add_months
from .models import PreAssessment, Producer, Product, ProductGroup, Rating, StarBand

DEMO_NOTE = "Dữ liệu minh họa (demo)"
DEMO_DESCRIPTION = "Dữ liệu minh họa: tên sản phẩm và chủ thể là giả định, không phải danh sách chính thức."

GROUPS = [
    ("thuc-pham", "Thực phẩm"),
    ("do-uong", "Đồ uống"),
    ("thao-duoc", "Thảo dược"),
    ("vai-may-mac", "Vải và may mặc"),
    ("thu-cong-my-nghe", "Thủ công mỹ nghệ, trang trí"),
    ("dich-vu-du-lich", "Dịch vụ du lịch nông thôn và bán hàng"),
]

# QĐ 1048/QĐ-TTg (2019): 5★ 90–100, 4★ 70–89, 3★ 50–69, 2★ 30–49, 1★ below 30.
# Open-ended: staff close them in the back office when other bands come into force.
BANDS_1048 = [(5, 90), (4, 70), (3, 50), (2, 30), (1, 0)]
BASIS_1048 = "1048/QĐ-TTg"

K = ProducerKind
# (commune, product, group code, producer, producer kind, target stars)
CANDIDATES_2021 = [
    ("Kỳ Bắc", "Bánh đa vừng Kỳ Bắc", "thuc-pham", "Tổ hợp tác bánh đa Kỳ Bắc", K.COOPERATIVE_GROUP, 3),
    ("Kỳ Châu", "Rượu nếp Kỳ Châu", "do-uong", "Hộ kinh doanh rượu nếp Kỳ Châu", K.HOUSEHOLD, 3),
    ("Kỳ Đồng", "Nấm sò Kỳ Đồng", "thuc-pham", "HTX nấm Kỳ Đồng", K.COOPERATIVE, 3),
    ("Kỳ Giang", "Cam chanh Kỳ Giang", "thuc-pham", "HTX cây ăn quả Kỳ Giang", K.COOPERATIVE, 4),
    ("Kỳ Hải", "Ruốc biển Kỳ Hải", "thuc-pham", "Tổ hợp tác chế biến hải sản Kỳ Hải", K.COOPERATIVE_GROUP, 3),
    ("Kỳ Hợp", "Chè xanh Kỳ Hợp", "do-uong", "HTX chè Kỳ Hợp", K.COOPERATIVE, 3),
    ("Kỳ Khang", "Nước mắm Kỳ Khang", "thuc-pham", "Công ty TNHH nước mắm Kỳ Khang", K.ENTERPRISE, 4),
    ("Kỳ Lạc", "Mật ong Kỳ Lạc", "thuc-pham", "Hộ nuôi ong Kỳ Lạc", K.HOUSEHOLD, 3),
    ("Kỳ Lâm", "Tinh dầu sả Kỳ Lâm", "thao-duoc", "HTX dược liệu Kỳ Lâm", K.COOPERATIVE, 3),
    ("Kỳ Phong", "Gạo sạch Kỳ Phong", "thuc-pham", "HTX nông nghiệp Kỳ Phong", K.COOPERATIVE, 3),
    ("Kỳ Phú", "Mây tre đan Kỳ Phú", "thu-cong-my-nghe", "Tổ hợp tác mây tre Kỳ Phú", K.COOPERATIVE_GROUP, 3),
    ("Kỳ Sơn", "Dầu lạc Kỳ Sơn", "thuc-pham", "Hộ ép dầu Kỳ Sơn", K.HOUSEHOLD, 3),
    ("Kỳ Tân", "Cao dược liệu Kỳ Tân", "thao-duoc", "Công ty TNHH dược liệu Kỳ Tân", K.ENTERPRISE, 3),
    ("Kỳ Tây", "Bột nghệ Kỳ Tây", "thao-duoc", "Tổ hợp tác nghệ Kỳ Tây", K.COOPERATIVE_GROUP, 3),
    ("Kỳ Thư", "Kẹo cu đơ Kỳ Thư", "thuc-pham", "Hộ kinh doanh kẹo Kỳ Thư", K.HOUSEHOLD, 3),
]
# Registered for evaluation during 2021 (invented), not yet rated.
REGISTERED_2021 = {"Cam chanh Kỳ Giang", "Nước mắm Kỳ Khang", "Chè xanh Kỳ Hợp"}

# Certified before 2021: (commune, product, group, producer, kind, year, target, ratings).
# A rating is (score, level, decision number, decision date); a number instead of a date
# means "that many months before today": 33 makes a certificate that expires within
# 6 months of today (the staff home page lists it), 12 one that is valid for two more years.
SOON_MONTHS_BEFORE = CERTIFICATE_MONTHS - 3
EARLIER = [
    ("Kỳ Thượng", "Mật ong rừng Kỳ Thượng", "thuc-pham", "HTX ong mật Kỳ Thượng", K.COOPERATIVE, 2019, 3,
     [("64", CertifyingLevel.PROVINCE, "3120/QĐ-UBND (minh họa)", datetime.date(2019, 12, 16))]),
    ("Kỳ Xuân", "Nước mắm Kỳ Xuân", "thuc-pham", "Công ty TNHH thủy sản Kỳ Xuân", K.ENTERPRISE, 2019, 4,
     [("71", CertifyingLevel.PROVINCE, "3120/QĐ-UBND (minh họa)", datetime.date(2019, 12, 16)),
      ("74,5", CertifyingLevel.PROVINCE, "OCOP-TL/QĐ-UBND (minh họa)", SOON_MONTHS_BEFORE)]),
    ("Kỳ Trung", "Dầu lạc ép Kỳ Trung", "thuc-pham", "HTX dầu lạc Kỳ Trung", K.COOPERATIVE, 2020, 3,
     [("58", CertifyingLevel.PROVINCE, "2987/QĐ-UBND (minh họa)", datetime.date(2020, 11, 20)),
      ("66", CertifyingLevel.DISTRICT, "1450/QĐ-UBND (minh họa)", 12)]),
    ("Kỳ Văn", "Chè búp Kỳ Văn", "do-uong", "Hộ kinh doanh chè Kỳ Văn", K.HOUSEHOLD, 2020, 3,
     [("55", CertifyingLevel.PROVINCE, "2987/QĐ-UBND (minh họa)", datetime.date(2020, 11, 20))]),
]


# Entered after 6 July 2025 (Decision 1489/QĐ-TTg): the commune pre-assesses, then proposes to
# the province. Neither is graded, so no certified count changes: (commune, product, group,
# producer, kind, year, target, pre-assessed on, points not met, note per point).
TWO_TIER = [
    ("Kỳ Lạc", "Miến dong Kỳ Lạc", "thuc-pham", "HTX miến dong Kỳ Lạc", K.COOPERATIVE, 2025, 3,
     datetime.date(2025, 10, 15), set()),
    ("Kỳ Thượng", "Trà hoa vàng Kỳ Thượng", "do-uong", "Hộ kinh doanh trà Kỳ Thượng", K.HOUSEHOLD,
     2026, 3, datetime.date(2026, 3, 20), {PrePoint.LABOUR}),
]


def seed_demo(out):
    groups = {}
    for order, (code, name) in enumerate(GROUPS, start=1):
        groups[code], _ = ProductGroup.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    for stars, min_score in BANDS_1048:
        StarBand.objects.get_or_create(
            stars=stars, valid_from=None, basis=BASIS_1048, defaults={"min_score": Decimal(min_score)}
        )
    # The demo's communes of 2021 (the units of 1 July 2025 reuse some of their names).
    communes = {c.name: c for c in Commune.objects.filter(valid_from__isnull=True)}
    for commune_name, name, group, producer_name, kind, target in CANDIDATES_2021:
        registered = name in REGISTERED_2021
        _product(
            communes[commune_name], name, groups[group], producer_name, kind, 2021, target,
            stage=Stage.REGISTERED if registered else Stage.CANDIDATE,
            registered_on=datetime.date(2021, 6, 15) if registered else None,
        )
    today = timezone.localdate()
    for commune_name, name, group, producer_name, kind, year, target, ratings in EARLIER:
        product = _product(
            communes[commune_name], name, groups[group], producer_name, kind, year, target,
            stage=Stage.RATED, registered_on=datetime.date(year, 6, 1),
        )
        for score, level, number, decision_date in ratings:
            Rating.objects.get_or_create(
                product=product, decision_number=number,
                defaults={
                    "score": Decimal(score.replace(",", ".")), "level": level,
                    "decision_date": (
                        add_months(today, -decision_date) if isinstance(decision_date, int) else decision_date
                    ),
                    "note": DEMO_NOTE,
                },
            )
    for commune_name, name, group, producer_name, kind, year, target, assessed_on, unmet in TWO_TIER:
        product = _product(
            communes[commune_name], name, groups[group], producer_name, kind, year, target,
            procedure=Procedure.TWO_TIER,
            stage=Stage.CANDIDATE if unmet else Stage.PROPOSED,
            registered_on=None if unmet else assessed_on,
        )
        points = {}
        for point in PrePoint:
            met = point not in unmet
            points[f"{point.value}_met"] = met
            points[f"{point.value}_note"] = f"{DEMO_NOTE}: {'đạt' if met else 'chưa đạt'}"
        PreAssessment.objects.get_or_create(product=product, defaults={"assessed_on": assessed_on, **points})
    out.write(
        f"  {Product.objects.count()} OCOP products, {Rating.objects.count()} ratings, "
        f"{StarBand.objects.count()} star bands"
    )


def _product(commune, name, group, producer_name, kind, year, target, **fields):
    # By name: the demo's names are unique, and a producer may have moved to the commune's
    # successor of 1 July 2025 (ocop/seed_reform.py).
    producer, _ = Producer.objects.get_or_create(
        name=producer_name, defaults={"commune": commune, "kind": kind, "contact": DEMO_NOTE}
    )
    product, _ = Product.objects.get_or_create(
        slug=vn_slugify(name),
        defaults={
            "name": name, "producer": producer, "commune": commune, "group": group,
            "description": DEMO_DESCRIPTION, "year": year, "target_stars": target, **fields,
        },
    )
    return product

