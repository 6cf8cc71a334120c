"""Demo catalogue: criteria sets, the quarterly indicator catalogue and the 2021 targets.

Criteria names and legal bases are real (docs/DOMAIN.md#criteria-sets-and-ntm-levels). Criterion indicators are a
few examples whose wording is ours, marked ``is_official=False``. The catalogue
covers every figure of the seed report (docs/DOMAIN.md#the-demo-district).
"""

import datetime
from decimal import Decimal

from communes.models import District

from .choices import CriterionGroup, IndicatorKind, IndicatorSource, Programme, SetLevel
from .seed_plan import seed_plan
from .seed_quarters import seed_quarters, seed_second_district_quarter
from .models import CriteriaSet, Criterion, CriterionIndicator, Indicator, Target

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
        datetime.date(2022, 3, 8), datetime.date(2025, 12, 31),
        [(n, g, new or old, en) for n, g, old, new, en in COMMUNE_CRITERIA],
    )
    # Decision 51/2025/QĐ-TTg issues the 2026–2030 set; its list is not transcribed in our
    # sources (docs/DOMAIN.md#criteria-sets-and-ntm-levels), so the demo carries the 2021–2025 names and says so.
    _criteria_set(
        "xa-ntm-2026-2030", "Bộ tiêu chí quốc gia về xã NTM giai đoạn 2026–2030 (minh họa)",
        "Quyết định 51/2025/QĐ-TTg (danh mục tiêu chí cần đối chiếu với văn bản)",
        SetLevel.COMMUNE_STANDARD, datetime.date(2026, 1, 1), None,
        [(n, g, new or old, en) for n, g, old, new, en in COMMUNE_CRITERIA],
    )
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
