"""Property-based tests of the whole API from its OpenAPI schema (schemathesis).

Every operation of ``/api/schema/`` gets generated requests (valid and invalid input)
sent to the Django WSGI application, as staff and as a commune officer, each operation
also against an existing object; no answer may be a server error. Schemathesis' Python
API drives Hypothesis per operation (its lazy pytest fixture loader fails under pytest 9).
About 2 × 1,250 cases, 40 s.
"""

import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from communes.tokens import create_token

MAX_EXAMPLES = 15


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI application fires request_finished, whose close_old_connections
    closes a PostgreSQL connection older than CONN_MAX_AGE, inside the test's
    transaction. Django's test client disconnects it for the same reason; so do we."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(submissions):
    """An existing id per collection, so that detail operations also reach real objects."""
    from communes.models import ModelArea, ModelGarden, Village
    from criteria.models import (CriteriaSet, Criterion, CriterionAssessment, CriterionIndicator,
                                 Indicator, IndicatorValue, Target)
    from ocop.models import Producer, Product, ProductGroup, Rating

    sub = submissions["ky-tay"]
    return {
        "submissions": sub.pk, "communes": sub.commune_id, "districts": sub.commune.district_id,
        "periods": sub.period_id, "villages": Village.objects.first().pk,
        "model-areas": ModelArea.objects.first().pk, "model-gardens": ModelGarden.objects.first().pk,
        "criteria-sets": CriteriaSet.objects.first().pk, "criteria": Criterion.objects.first().pk,
        "criterion-indicators": CriterionIndicator.objects.first().pk,
        "indicators": Indicator.objects.first().pk, "targets": Target.objects.first().pk,
        "values": IndicatorValue.objects.first().pk,
        "assessments": CriterionAssessment.objects.first().pk,
        "ocop/products": Product.objects.filter(commune=sub.commune).first().pk,
        "ocop/producers": Producer.objects.first().pk,
        "ocop/product-groups": ProductGroup.objects.first().pk,
        "ocop/ratings": Rating.objects.first().pk,
    }


@pytest.mark.parametrize("user", ["staff", "officer"])
def test_no_operation_answers_a_server_error(request, db, submissions, user):
    """As staff (reviews, the whole district) and as Kỳ Tây's officer (its open draft)."""
    from ntm_portal.wsgi import application

    ids = real_ids(submissions)
    _token, key = create_token(request.getfixturevalue(user), "schemathesis")
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    started, cases, failures = time.monotonic(), [], []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            variants = [None]
            if case.path_parameters and "id" in case.path_parameters:
                variants.append(ids.get(case.operation.path[len("/api/"):].split("/{")[0]))
            for real in variants:
                if real is not None:
                    case.path_parameters["id"] = real
                response = case.call(headers=headers)
                cases.append((case.method, case.operation.path, response.status_code))
                if response.status_code >= 500:
                    failures.append((case.method, case.formatted_path, case.query, case.body,
                                     response.text[:300]))

        run()
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {len(cases)} cases over {len(operations)} operations in {elapsed:.0f} s;",
          "answers:", dict(Counter(code for _m, _p, code in cases)))
    assert not failures, failures[:5]
    assert len(cases) >= 300
