import datetime

import pytest
from django.core.exceptions import ValidationError

from communes.choices import NtmLevel, Role
from communes.models import Commune, NtmRecognition, ReportingPeriod, User, Village


def test_commune_slug_is_derived_with_d(demo):
    commune = Commune.objects.create(district=demo, name="Lâm Hợp")
    assert commune.slug == "lam-hop"


def test_validity_end_before_start_is_refused(ky_tay):
    village = Village(commune=ky_tay, name="Thôn Mới", valid_from=datetime.date(2021, 1, 1),
                      valid_to=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as error:
        village.full_clean()
    assert "valid_to" in error.value.message_dict


def test_merged_unit_keeps_its_predecessors(demo):
    ky_lam = Commune.objects.get(slug="ky-lam")
    ky_hop = Commune.objects.get(slug="ky-hop")
    ky_lam.valid_to = ky_hop.valid_to = datetime.date(2025, 6, 30)
    ky_lam.save()
    ky_hop.save()
    lam_hop = Commune.objects.create(district=demo, name="Lâm Hợp", valid_from=datetime.date(2025, 7, 1))
    lam_hop.predecessors.set([ky_lam, ky_hop])
    assert set(ky_lam.successors.all()) == {lam_hop}
    assert not ky_lam.is_valid_on(datetime.date(2025, 7, 1))
    assert Commune.objects.active(datetime.date(2025, 7, 2)).filter(slug="ky-lam").count() == 0
    assert Commune.objects.active(datetime.date(2021, 1, 1)).filter(slug="ky-lam").count() == 1


def test_level_is_the_latest_recognition_on_a_date(demo):
    ky_phu = Commune.objects.get(slug="ky-phu")
    assert ky_phu.level_on(datetime.date(2021, 1, 1)) == NtmLevel.STANDARD
    assert ky_phu.level_on(datetime.date(2021, 6, 30)) == NtmLevel.STANDARD
    assert ky_phu.level_on(datetime.date(2022, 1, 1)) == NtmLevel.ADVANCED


def test_levels_on_1_january_2021_match_the_seed(demo):
    levels = dict(Commune.objects.with_level(datetime.date(2021, 1, 1)).values_list("slug", "level"))
    assert sum(1 for level in levels.values() if level == NtmLevel.STANDARD) == 19
    assert levels["ky-tay"] is None and levels["ky-lac"] is None


def test_recognition_date_must_fall_in_its_year(ky_tay):
    recognition = NtmRecognition(commune=ky_tay, level=NtmLevel.STANDARD, year=2021,
                                 decision_date=datetime.date(2020, 12, 1))
    with pytest.raises(ValidationError):
        recognition.full_clean()


def test_period_dates_and_lock():
    period = ReportingPeriod(year=2021, quarter=1, entry_deadline=datetime.date(2021, 4, 10), grace_days=5)
    assert period.start_date == datetime.date(2021, 1, 1)
    assert period.end_date == datetime.date(2021, 3, 31)
    from communes.periods import period_terms

    terms = period_terms(period, None)  # no unit: the period's own terms
    assert not terms.is_locked_on(datetime.date(2021, 4, 15))
    assert terms.is_locked_on(datetime.date(2021, 4, 16))
    assert ReportingPeriod(year=2021, quarter=4, entry_deadline=datetime.date(2022, 1, 10)).end_date == datetime.date(2021, 12, 31)


def test_period_label_is_vietnamese(demo):
    assert str(ReportingPeriod.objects.get(year=2021, quarter=2)) == "Quý II/2021"


def test_officer_without_a_commune_is_refused(db):
    user = User(username="x", role=Role.OFFICER, password="x")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "commune" in error.value.message_dict


def test_sponsor_without_a_unit_is_refused(db):
    user = User(username="y", role=Role.SPONSOR, password="x")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "sponsoring_unit" in error.value.message_dict


def test_commune_changes_are_in_the_history(ky_tay):
    ky_tay.code = "18000"
    ky_tay.save()
    assert ky_tay.history.count() >= 2
    assert ky_tay.history.first().code == "18000"
