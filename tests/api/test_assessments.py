"""Criteria assessments and figures through the API are read by the web page's forms
(``criteria.forms``): the same fields, caps and messages, under the API's names."""

from communes.models import Submission
from criteria import entry
from criteria.forms import CriteriaForm
from criteria.models import CriterionAssessment, CriterionIndicatorValue


def put(client, sub, what, items, version=None):
    return client.put(f"/api/submissions/{sub.pk}/{what}/",
                      {"version": sub.version if version is None else version, what: items})


def criterion_with_indicators(sub, count=2):
    _set, criteria = entry.criteria_for(sub)
    return next(c for c in criteria if len(c.indicators.all()) >= count)


def test_an_assessment_is_saved_and_unlisted_indicators_keep_their_value(api, officer,
                                                                        submissions):
    sub = submissions["ky-tay"]
    client = api(officer)
    criterion = criterion_with_indicators(sub)
    first, second = list(criterion.indicators.all())[:2]
    response = put(client, sub, "assessments", [
        {"criterion": criterion.number, "is_met": True, "score": "85,5",
         "evidence": "  biên bản  ", "indicators": {first.code: "90", second.code: 70}}])
    assert response.status_code == 200, response.content
    assessment = CriterionAssessment.objects.get(submission=sub, criterion=criterion)
    assert (assessment.is_met, assessment.score, assessment.evidence) == (True, 85.5, "biên bản")
    sub.refresh_from_db()
    response = put(client, sub, "assessments", [
        {"criterion": criterion.number, "is_met": False, "indicators": {first.code: "60"}}])
    assert response.status_code == 200, response.content
    values = {v.indicator_id: v.value for v in
              CriterionIndicatorValue.objects.filter(assessment__submission=sub)}
    assert values == {first.pk: 60, second.pk: 70}


def test_bad_assessments_save_nothing_and_name_the_criterion(api, officer, submissions):
    sub = submissions["ky-tay"]
    criterion = criterion_with_indicators(sub, 1)
    code = criterion.indicators.all()[0].code
    response = put(api(officer), sub, "assessments", [
        {"criterion": criterion.number, "score": "150"}])
    assert response.status_code == 400
    assert "0" in response.json()["errors"][f"criterion.{criterion.number}"][0]
    response = put(api(officer), sub, "assessments", [
        {"criterion": criterion.number, "indicators": {code: "1" + "0" * 20}}])
    assert response.status_code == 400
    assert f"assessments.0.indicators.{code}" in response.json()["errors"]
    response = put(api(officer), sub, "assessments", [
        {"criterion": criterion.number, "indicators": {code: "1" * 45}}])
    assert response.status_code == 400, "the form's figure cap applies to the API too"
    assert f"assessments.0.indicators.{code}" in response.json()["errors"]
    assert not CriterionAssessment.objects.filter(submission=sub).exists()
    assert Submission.objects.get(pk=sub.pk).version == sub.version


def test_a_stale_assessment_is_refused_with_409(api, officer, submissions):
    sub = submissions["ky-tay"]
    criterion = criterion_with_indicators(sub, 1)
    response = put(api(officer), sub, "assessments", [{"criterion": criterion.number,
                                                       "is_met": True}],
                   version=sub.version - 1)
    assert response.status_code == 409
    assert not CriterionAssessment.objects.filter(submission=sub).exists()


def test_a_figure_longer_than_the_form_takes_is_refused_under_its_code(api, officer,
                                                                       submissions):
    sub = submissions["ky-tay"]
    response = put(api(officer), sub, "values", [
        {"indicator": "ntm-houses-renovated", "value": "1" * 45},
        {"indicator": "gnbv-poor-rate", "value": "12,5"}])
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ntm-houses-renovated"]


def test_the_web_form_refuses_a_criterion_indicator_too_large_to_store(submissions):
    sub = submissions["ky-tay"]
    criterion = criterion_with_indicators(sub, 1)
    indicator = criterion.indicators.all()[0]
    form = CriteriaForm([criterion], {f"ind-{indicator.pk}": "9" * 20})
    assert not form.is_valid()
    assert f"ind-{indicator.pk}" in form.errors
    assert CriteriaForm([criterion], {f"ind-{indicator.pk}": "12,5"}).is_valid()
