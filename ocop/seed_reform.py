"""OCOP products of the new units (``seed_demo --until 2026``): entered after 6 July 2025,
pre-assessed by the commune and graded by the province under Decision 1489/QĐ-TTg.

Invented (names, producers, scores and decision numbers), and marked "minh họa". The units
are found by the official code of the new commune (communes/seed_reform.py reads them from
the package), so nothing here depends on a slug.
"""

import datetime
from decimal import Decimal

from communes.models import Commune
from communes.seed_reform import REFORM_DATE

from .choices import CertifyingLevel, PrePoint, Procedure, ProducerKind, Stage
from .models import PreAssessment, Product, ProductGroup, Rating
from .seed import DEMO_NOTE, _product

K = ProducerKind
# (new unit's name, product, group, producer, kind, target stars, pre-assessed on,
#  score, province decision date)
RATED_AFTER_REFORM = [
    ("Kỳ Xuân", "Cá khô Kỳ Xuân", "thuc-pham", "HTX thủy sản Kỳ Xuân mới", K.COOPERATIVE, 3,
     datetime.date(2025, 8, 20), "63", datetime.date(2025, 12, 18)),
    ("Kỳ Văn", "Chè xanh Kỳ Văn", "do-uong", "HTX chè Kỳ Văn", K.COOPERATIVE, 4,
     datetime.date(2025, 9, 10), "76,5", datetime.date(2025, 12, 18)),
    ("Kỳ Anh", "Mật ong rừng Kỳ Anh", "thuc-pham", "Công ty TNHH ong mật Kỳ Anh", K.ENTERPRISE, 3,
     datetime.date(2026, 2, 5), "58", datetime.date(2026, 6, 25)),
]


def move_after_reform():
    """Products of the 2021 demo entered under Decision 1489 (after 6 July 2025) at a commune
    that had closed by then belong to its successor, and so do their producers."""
    moved = 0
    for product in (Product.objects.filter(procedure=Procedure.TWO_TIER,
                                           commune__valid_to__isnull=False)
                    .select_related("commune", "producer", "pre_assessment")):
        assessment = getattr(product, "pre_assessment", None)
        entered = assessment.assessed_on if assessment else datetime.date(product.year, 12, 31)
        if product.commune.valid_to >= entered:
            continue
        successor = product.commune.successors.filter(valid_from__lte=entered).first()
        if successor is None:
            continue
        product.commune = successor
        product.save(update_fields=["commune"])
        if product.producer.commune_id != successor.pk:
            product.producer.commune = successor
            product.producer.save(update_fields=["commune"])
        moved += 1
    return moved


def seed_reform(out):
    moved = move_after_reform()
    units = {c.name: c for c in Commune.objects.filter(valid_from=REFORM_DATE,
                                                       district__province__slug="ha-tinh")}
    groups = {g.code: g for g in ProductGroup.objects.all()}
    made = 0
    for (unit_name, name, group, producer, kind, target, assessed_on, score,
         decided_on) in RATED_AFTER_REFORM:
        unit = units.get(unit_name)
        if unit is None:
            continue
        product = _product(unit, name, groups[group], producer, kind, assessed_on.year, target,
                           procedure=Procedure.TWO_TIER, stage=Stage.PROPOSED,
                           registered_on=assessed_on)
        points = {}
        for point in PrePoint:
            points[f"{point.value}_met"] = True
            points[f"{point.value}_note"] = f"{DEMO_NOTE}: đạt"
        PreAssessment.objects.get_or_create(product=product,
                                            defaults={"assessed_on": assessed_on, **points})
        _rating, created = Rating.objects.get_or_create(
            product=product, decision_number=f"{200 + made}/QĐ-UBND (minh họa)",
            defaults={"score": Decimal(score.replace(",", ".")), "level": CertifyingLevel.PROVINCE,
                      "decision_date": decided_on, "note": DEMO_NOTE})
        made += 1
    out.write(f"  {made} OCOP products of the new units, graded by the province (Decision 1489); "
              f"{moved} products entered after the reform moved to their commune's successor")
