"""Demo catalogue: criteria sets, the quarterly indicator catalogue and the 2021 targets.

Criteria names and legal bases are real (docs/DOMAIN.md#criteria-sets-and-ntm-levels). Criterion indicators are a
few examples whose wording is ours, marked ``is_official=False``. The catalogue
covers every figure of the seed report (docs/DOMAIN.md#the-demo-district).
"""

import datetime
from decimal import Decimal

from communes.models import District

from .choices import (CriterionGroup, IndicatorKind, IndicatorSource, Programme, SetLevel,
                      ThresholdDirection)
from .seed_plan import seed_plan
from .seed_quarters import seed_quarters, seed_second_district_quarter
from .models import (CriteriaSet, Criterion, CriterionAssessment, CriterionIndicator,
                     CriterionIndicatorThreshold, Indicator, Target, Task)

G = CriterionGroup
# (number, group, 2016–2020 name, 2021–2025 name or None when unchanged, English)
COMMUNE_CRITERIA = [
    (1, G.PLANNING, "Quy hoạch", None, "Planning"),
    (2, G.INFRASTRUCTURE, "Giao thông", None, "Transport"),
    (3, G.INFRASTRUCTURE, "Thủy lợi", "Thủy lợi và phòng, chống thiên tai",
     "Irrigation and disaster prevention"),
    (4, G.INFRASTRUCTURE, "Điện", None, "Electricity"),
    (5, G.INFRASTRUCTURE, "Trường học", None, "Schools"),
    (6, G.INFRASTRUCTURE, "Cơ sở vật chất văn hóa", None, "Cultural facilities"),
    (7, G.INFRASTRUCTURE, "Cơ sở hạ tầng thương mại nông thôn", None,
     "Rural commercial infrastructure"),
    (8, G.INFRASTRUCTURE, "Thông tin và Truyền thông", None, "Information and communications"),
    (9, G.INFRASTRUCTURE, "Nhà ở dân cư", None, "Residential housing"),
    (10, G.ECONOMY, "Thu nhập", None, "Income"),
    (11, G.ECONOMY, "Hộ nghèo", "Nghèo đa chiều", "Multidimensional poverty"),
    (12, G.ECONOMY, "Lao động có việc làm", "Lao động", "Labour"),
    (13, G.ECONOMY, "Tổ chức sản xuất",
     "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Production organisation"),
    (14, G.SOCIETY, "Giáo dục và Đào tạo", None, "Education and training"),
    (15, G.SOCIETY, "Y tế", None, "Health"),
    (16, G.SOCIETY, "Văn hóa", None, "Culture"),
    (17, G.SOCIETY, "Môi trường và an toàn thực phẩm", None, "Environment and food safety"),
    (18, G.POLITICS, "Hệ thống chính trị và tiếp cận pháp luật", None,
     "Political system and access to law"),
    (19, G.POLITICS, "Quốc phòng và An ninh", None, "National defence and security"),
]
DISTRICT_2021 = [
    ("Quy hoạch", "Planning"), ("Giao thông", "Transport"),
    ("Thủy lợi và phòng, chống thiên tai", "Irrigation and disaster prevention"),
    ("Điện", "Electricity"), ("Y tế – Văn hóa – Giáo dục", "Health, culture, education"),
    ("Kinh tế", "Economy"), ("Môi trường", "Environment"),
    ("Chất lượng môi trường sống", "Quality of the living environment"),
    ("Hệ thống chính trị – An ninh trật tự – Hành chính công",
     "Political system, public order and public administration"),
]
DISTRICT_2016 = [
    ("Quy hoạch", "Planning"), ("Giao thông", "Transport"), ("Thủy lợi", "Irrigation"),
    ("Điện", "Electricity"), ("Y tế – Văn hóa – Giáo dục", "Health, culture, education"),
    ("Sản xuất", "Production"), ("Môi trường", "Environment"),
    ("An ninh, trật tự xã hội", "Public order"), ("Chỉ đạo xây dựng NTM", "Programme steering"),
]
# A few sub-indicators per criterion, worded by us for the demo (not the official list).
DEMO_INDICATORS = {
    2: [("2.1", "Đường xã được nhựa hóa hoặc bê tông hóa", "%", Decimal("100")),
        ("2.2", "Đường thôn, xóm cứng hóa, đảm bảo đi lại thuận tiện", "%", Decimal("70"))],
    5: [("5.1", "Tỷ lệ trường học các cấp đạt chuẩn cơ sở vật chất", "%", Decimal("70"))],
    17: [("17.1", "Tỷ lệ hộ sử dụng nước hợp vệ sinh", "%", Decimal("95")),
         ("17.2", "Chất thải rắn được thu gom, xử lý theo quy định", "%", Decimal("70"))],
    20: [("20.1", "Khu dân cư NTM kiểu mẫu được công nhận", "khu", Decimal("1"))],
}

# Decision 51/2025/QĐ-TTg (29/12/2025, in force 15/02/2026), Annex I: the ten criteria,
# named as the Government's summary of the decision names them
# (docs/DOMAIN.md#the-2026-2030-rules). Its 47 indicators and their thresholds by commune
# group are not in our sources: the few below are ours, for the demo, marked
# ``is_official=False`` and shown as "minh họa".
CRITERIA_2026 = [
    (1, "Quy hoạch", "Planning"),
    (2, "Hạ tầng kinh tế – xã hội", "Socio-economic infrastructure"),
    (3, "Phát triển kinh tế nông thôn", "Rural economic development"),
    (4, "Đào tạo nguồn nhân lực nông thôn", "Rural human resources training"),
    (5, "Văn hóa, giáo dục, y tế", "Culture, education and health"),
    (6, "Giảm nghèo và an sinh xã hội", "Poverty reduction and social security"),
    (7, "Khoa học công nghệ và chuyển đổi số", "Science, technology and digital transformation"),
    (8, "Môi trường và cảnh quan nông thôn", "Environment and rural landscape"),
    (9, "Xây dựng hệ thống chính trị và hành chính công",
     "Political system and public administration"),
    (10, "Tiếp cận pháp luật và an ninh, quốc phòng", "Access to law, security and defence"),
]
AT_LEAST, AT_MOST = ThresholdDirection.AT_LEAST, ThresholdDirection.AT_MOST
# Illustrative sub-indicators (our wording and numbers, NOT the decision's):
# criterion: [(code, name, unit, direction, {group: threshold})].
DEMO_INDICATORS_2026 = {
    2: [("2.1", "Đường xã được nhựa hóa hoặc bê tông hóa", "%", AT_LEAST,
         {1: Decimal("100"), 2: Decimal("100"), 3: Decimal("90")})],
    6: [("6.1", "Tỷ lệ hộ nghèo đa chiều", "%", AT_MOST,
         {1: Decimal("1"), 2: Decimal("3"), 3: Decimal("6")})],
    8: [("8.1", "Tỷ lệ hộ sử dụng nước sạch theo quy chuẩn", "%", AT_LEAST,
         {1: Decimal("80"), 2: Decimal("65"), 3: Decimal("50")}),
        ("8.2", "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý theo quy định", "%",
         AT_LEAST, {1: Decimal("95"), 2: Decimal("90"), 3: Decimal("80")})],
}
# The day the 2026–2030 rules take over, and the last day of the 2021–2025 set.
START_2026 = datetime.date(2026, 2, 15)
END_2021 = datetime.date(2026, 2, 14)


def _sign(direction):
    return "≤" if direction == AT_MOST else "≥"


def _upsert(model, values, **lookup):
    """``update_or_create`` that saves (and writes history) only when something differs,
    so that seeding twice changes nothing."""
    record = model.objects.filter(**lookup).first()
    if record is None:
        return model.objects.create(**lookup, **values)
    if any(getattr(record, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
    return record


def seed_2026_2030(out=None):
    """The 2026–2030 commune set (thresholds by commune group) and the pilot modern-level
    frame, replacing the earlier placeholder; the 2021–2025 set ends the day before.
    Idempotent: a database seeded with the placeholder is brought up to date, keeping any
    placeholder criterion that assessments or tasks already use."""
    old = CriteriaSet.objects.filter(code="xa-ntm-2021-2025").first()
    if old is not None and old.valid_to != END_2021:
        old.valid_to = END_2021
        old.save()
    commune_set = _upsert(
        CriteriaSet, code="xa-ntm-2026-2030", values={
            "name": "Bộ tiêu chí quốc gia về xã NTM giai đoạn 2026–2030",
            "legal_basis": "Quyết định 51/2025/QĐ-TTg ngày 29/12/2025, Phụ lục I",
            "level": SetLevel.COMMUNE_STANDARD, "valid_from": START_2026, "valid_to": None,
            "thresholds_by_group": True})
    numbers = [number for number, _vi, _en in CRITERIA_2026]
    (commune_set.criteria.exclude(number__in=numbers)
     .exclude(pk__in=CriterionAssessment.objects.values("criterion_id"))
     .exclude(pk__in=Task.objects.values("criterion_id")).delete())
    for number, name_vi, name_en in CRITERIA_2026:
        criterion = _upsert(Criterion, criteria_set=commune_set, number=number,
                            values={"group": "", "name_vi": name_vi, "name_en": name_en})
        codes = [row[0] for row in DEMO_INDICATORS_2026.get(number, [])]
        # Placeholder sub-indicators nobody reported on go; reported ones stay.
        criterion.indicators.exclude(code__in=codes).filter(values__isnull=True).delete()
        for code, name, unit, direction, by_group in DEMO_INDICATORS_2026.get(number, []):
            requirement = "; ".join(f"nhóm {g}: {_sign(direction)} {t}{unit}"
                                    for g, t in by_group.items()) + " (minh họa)"
            indicator = _upsert(
                CriterionIndicator, criterion=criterion, code=code, values={
                    "name": name, "unit": unit, "threshold": None, "direction": direction,
                    "requirement": requirement, "is_official": False})
            for group, threshold in by_group.items():
                _upsert(
                    CriterionIndicatorThreshold, indicator=indicator, group=group, values={
                        "threshold": threshold, "direction": direction,
                        "requirement": f"{_sign(direction)} {threshold}{unit} (minh họa)",
                        "is_official": False})
    _upsert(
        CriteriaSet, code="xa-ntm-hien-dai-2026-2030", values={
            "name": "Khung thí điểm xã NTM hiện đại giai đoạn 2026–2030",
            "legal_basis": "Quyết định 51/2025/QĐ-TTg ngày 29/12/2025, Phụ lục II "
                           "(nội dung chưa được nhập)",
            "level": SetLevel.COMMUNE_MODERN, "valid_from": START_2026, "valid_to": None})
    if out is not None:
        out.write(f"  2026–2030: {len(CRITERIA_2026)} criteria, thresholds by commune group "
                  "(sub-indicators illustrative)")
    return commune_set


P, K, S = Programme, IndicatorKind, IndicatorSource
# code, Vietnamese name, English name, unit vi, unit en, programme, kind, source, options
CATALOGUE = [
    ("ntm-houses-renovated", "Nhà ở được chỉnh trang", "Houses renovated", "nhà", "houses",
     P.NTM, K.FLOW, S.ENTERED, {}),
    ("ntm-gardens-renovated", "Vườn hộ được chỉnh trang", "Household gardens renovated",
     "vườn", "gardens", P.NTM, K.FLOW, S.ENTERED, {}),
    ("ntm-clean-house-models", "Mô hình nhà sạch, vườn đẹp được gắn biển",
     "Clean house, beautiful garden models given plaques", "mô hình", "models",
     P.NTM, K.FLOW, S.ENTERED, {}),
    ("ntm-green-fences-km", "Hàng rào xanh trồng mới", "Green fences planted", "km", "km",
     P.NTM, K.FLOW, S.ENTERED, {"decimals": 2}),
    ("ntm-roads-km", "Đường giao thông nông thôn làm mới (hỗ trợ xi măng)",
     "Rural roads built with cement support", "km", "km", P.NTM, K.FLOW, S.ENTERED,
     {"decimals": 2}),
    ("ntm-ditches-km", "Rãnh thoát nước, kênh mương nội đồng (hỗ trợ xi măng)",
     "Drainage ditches and field canals built with cement support", "km", "km",
     P.NTM, K.FLOW, S.ENTERED, {"decimals": 2}),
    ("ntm-cement-tonnes", "Xi măng hỗ trợ đã sử dụng", "Cement support used", "tấn", "tonnes",
     P.NTM, K.FLOW, S.ENTERED, {"decimals": 1}),
    ("ntm-model-areas-building", "Khu dân cư kiểu mẫu đang xây dựng",
     "Model residential areas being built", "khu", "areas", P.NTM, K.STOCK, S.COMPUTED, {"computation": "model-areas-building"}),
    ("ntm-model-areas-new", "Khu dân cư kiểu mẫu được công nhận trong kỳ",
     "Model residential areas recognised in the period", "khu", "areas",
     P.NTM, K.FLOW, S.COMPUTED, {"computation": "model-areas-new"}),
    ("ntm-model-areas-total", "Khu dân cư kiểu mẫu đạt chuẩn (lũy kế)",
     "Model residential areas recognised (cumulative)", "khu", "areas",
     P.NTM, K.STOCK, S.COMPUTED, {"computation": "model-areas-total"}),
    ("ntm-model-gardens-new", "Vườn mẫu được công nhận (cấp huyện, cấp tỉnh)",
     "Model gardens recognised (district or province level)", "vườn", "gardens",
     P.NTM, K.FLOW, S.COMPUTED, {"computation": "model-gardens-new"}),
    ("ntm-communes-standard", "Xã đạt chuẩn NTM (lũy kế)", "Communes at the NTM standard",
     "xã", "communes", P.NTM, K.STOCK, S.COMPUTED, {"computation": "communes-standard"}),
    ("ntm-communes-advanced", "Xã đạt chuẩn NTM nâng cao", "Communes at the advanced standard",
     "xã", "communes", P.NTM, K.STOCK, S.COMPUTED, {"computation": "communes-advanced"}),
    ("ntm-district-criteria-met", "Tiêu chí huyện NTM đạt chuẩn",
     "District NTM criteria met", "tiêu chí", "criteria", P.NTM, K.STOCK, S.DISTRICT, {}),
    ("ocop-candidates", "Sản phẩm OCOP được lựa chọn xây dựng trong năm",
     "OCOP candidate products selected for the year", "sản phẩm", "products",
     P.OCOP, K.STOCK, S.COMPUTED, {"computation": "ocop-candidates"}),
    ("ocop-certified", "Sản phẩm đạt OCOP 3 sao trở lên",
     "OCOP products certified at 3 stars or more", "sản phẩm", "products",
     P.OCOP, K.FLOW, S.COMPUTED, {"computation": "ocop-certified"}),
    ("gnbv-poor-households", "Hộ nghèo", "Poor households", "hộ", "households",
     P.GNBV, K.STOCK, S.ENTERED, {}),
    ("gnbv-poor-rate", "Tỷ lệ hộ nghèo", "Poor household rate", "%", "%",
     P.GNBV, K.STOCK, S.ENTERED,
     {"decimals": 2, "max_value": Decimal("100"), "aggregation": "mean"}),
    ("gnbv-near-poor-households", "Hộ cận nghèo", "Near-poor households", "hộ", "households",
     P.GNBV, K.STOCK, S.ENTERED, {}),
    ("gnbv-near-poor-rate", "Tỷ lệ hộ cận nghèo", "Near-poor household rate", "%", "%",
     P.GNBV, K.STOCK, S.ENTERED,
     {"decimals": 2, "max_value": Decimal("100"), "aggregation": "mean"}),
    ("gnbv-left-poverty", "Hộ thoát nghèo trong kỳ", "Households that left poverty",
     "hộ", "households", P.GNBV, K.FLOW, S.ENTERED, {}),
    ("dtvm-civilised-groups", "Tổ dân phố đạt chuẩn văn minh đô thị",
     "Residential groups recognised as civilised urban areas", "tổ", "groups",
     P.DTVM, K.STOCK, S.ENTERED, {"is_required": False, "is_cumulative": True}),
]
# The key figures of the seed report: headline indicators by default (cards, narrative).
HEADLINE_CODES = [
    "ntm-model-areas-building", "ntm-houses-renovated", "ntm-gardens-renovated",
    "ntm-clean-house-models", "ntm-model-areas-new", "ntm-model-areas-total",
]
# The targets the meeting set for 2021 (docs/DOMAIN.md#the-demo-district): (indicator, low, high).
TARGETS_2021 = [
    ("ntm-communes-standard", 21, None, "Kỳ Tây và Kỳ Lạc đạt chuẩn NTM"),
    ("ntm-communes-advanced", 2, 3, "Từ 2-3 xã đạt chuẩn NTM nâng cao"),
    ("ntm-model-areas-new", 37, None, "37 khu dân cư mẫu đạt chuẩn"),
    ("ntm-model-gardens-new", 300, None, "300 vườn mẫu đạt chuẩn cấp tỉnh và cấp huyện"),
    ("ocop-certified", 10, None, "10 sản phẩm đạt OCOP 3 sao, 4 sao"),
    ("ntm-district-criteria-met", 2, None, "Đạt 2 tiêu chí huyện NTM"),
]


def _criteria_set(code, name, legal_basis, level, valid_from, valid_to, criteria):
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        code=code,
        defaults={"name": name, "legal_basis": legal_basis, "level": level,
                  "valid_from": valid_from, "valid_to": valid_to},
    )
    for number, group, name_vi, name_en in criteria:
        criterion, _ = Criterion.objects.get_or_create(
            criteria_set=criteria_set, number=number,
            defaults={"group": group, "name_vi": name_vi, "name_en": name_en},
        )
        for code_, ind_name, unit, threshold in DEMO_INDICATORS.get(number, []):
            if level == SetLevel.DISTRICT:
                continue
            CriterionIndicator.objects.get_or_create(
                criterion=criterion, code=code_,
                defaults={"name": ind_name, "unit": unit, "threshold": threshold,
                          "requirement": f"≥ {threshold}{unit} (minh họa)", "is_official": False},
            )
    return criteria_set


def seed_demo(out):
    _criteria_set(
        "xa-ntm-2016-2020", "Bộ tiêu chí quốc gia về xã NTM giai đoạn 2016–2020",
        "Quyết định 1980/QĐ-TTg ngày 17/10/2016", SetLevel.COMMUNE_STANDARD,
        datetime.date(2016, 10, 17), datetime.date(2022, 3, 7),
        [(n, g, old, en) for n, g, old, new, en in COMMUNE_CRITERIA],
    )
    base_2016 = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    extension = _criteria_set(
        "ha-tinh-xa-ntm-2016-2020", "Bộ tiêu chí xã NTM 2016–2020, bổ sung của tỉnh Hà Tĩnh",
        "Tiêu chí 20 của tỉnh Hà Tĩnh (khu dân cư kiểu mẫu và vườn mẫu)",
        SetLevel.COMMUNE_STANDARD, datetime.date(2016, 10, 17), datetime.date(2022, 3, 7),
        [(20, G.SOCIETY, "Khu dân cư NTM kiểu mẫu và vườn mẫu",
          "Model residential areas and model gardens")],
    )
    if extension.parent_id != base_2016.pk:
        extension.parent = base_2016
        extension.save()
    _criteria_set(
        "xa-ntm-2021-2025", "Bộ tiêu chí quốc gia về xã NTM giai đoạn 2021–2025",
        "Quyết định 318/QĐ-TTg ngày 08/3/2022", SetLevel.COMMUNE_STANDARD,
        datetime.date(2022, 3, 8), END_2021,
        [(n, g, new or old, en) for n, g, old, new, en in COMMUNE_CRITERIA],
    )
    seed_2026_2030()
    _criteria_set(
        "huyen-ntm-2016-2020", "Bộ tiêu chí huyện NTM giai đoạn 2016–2020",
        "Quyết định 558/QĐ-TTg ngày 05/4/2016", SetLevel.DISTRICT,
        datetime.date(2016, 4, 5), datetime.date(2022, 3, 8),
        [(i, "", vi, en) for i, (vi, en) in enumerate(DISTRICT_2016, start=1)],
    )
    _criteria_set(
        "huyen-ntm-2021-2025", "Bộ tiêu chí huyện NTM giai đoạn 2021–2025",
        "Quyết định 320/QĐ-TTg ngày 08/3/2022", SetLevel.DISTRICT,
        datetime.date(2022, 3, 9), datetime.date(2025, 12, 31),
        [(i, "", vi, en) for i, (vi, en) in enumerate(DISTRICT_2021, start=1)],
    )

    for position, (code, vi, en, unit_vi, unit_en, programme, kind, source, options) in enumerate(
        CATALOGUE
    ):
        Indicator.objects.get_or_create(
            code=code,
            defaults={"name_vi": vi, "name_en": en, "unit_vi": unit_vi, "unit_en": unit_en,
                      "programme": programme, "kind": kind, "source": source,
                      "position": position, "is_headline": code in HEADLINE_CODES, **options},
        )

    district = District.objects.get(slug="ky-anh")
    for code, low, high, note in TARGETS_2021:
        Target.objects.get_or_create(
            indicator=Indicator.objects.get(code=code), year=2021, district=district,
            commune=None, defaults={"low": low, "high": high, "note": note},
        )
    seed_quarters(out)
    seed_plan(out)
    seed_second_district_quarter(out)
    out.write(
        f"  {CriteriaSet.objects.count()} criteria sets, {Criterion.objects.count()} criteria, "
        f"{Indicator.objects.count()} quarterly indicators, {Target.objects.count()} targets"
    )
