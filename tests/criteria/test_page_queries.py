"""The report page and the home pages run as many queries with ten more quarters of
history as without (communes: the report page is one commune's; the home cards count
with aggregates)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.choices import SubmissionStatus
from communes.models import Commune, ReportingPeriod, Submission

from .conftest import url


def _count(client, path):
    client.get(path)  # session, translations, first-time caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


def _more_quarters(n=10):
    """Ten quarters more, each with an approved report of every commune."""
    communes = list(Commune.objects.all())
    for k in range(n):
        period = ReportingPeriod.objects.create(
            year=2040 + k // 4, quarter=k % 4 + 1,
            entry_deadline=datetime.date(2040 + k // 4, 3 * (k % 4) + 3, 10))
        Submission.objects.bulk_create([Submission(commune=c, period=period,
                                                   status=SubmissionStatus.APPROVED)
                                        for c in communes])


@pytest.mark.parametrize("role, path", [
    ("officer", "/"), ("staff", "/"), ("committee", "/"), ("sponsor", "/"),
    ("officer", "report"), ("staff", "report"), ("sponsor", "report"),
])
def test_queries_do_not_grow_with_quarters(request, client_for, open_period, role, path):
    client = client_for(request.getfixturevalue(role))
    path = url("ky-tay", ReportingPeriod.objects.get(year=2021, quarter=2)) if path == "report" else path
    before = _count(client, path)
    _more_quarters()
    after = _count(client, path)
    print(f"\n{role} {path}: {before} queries, {after} with ten more quarters")
    assert after == before, (before, after)
    assert before <= 45
