"""Stale edits with two clients, and two saves racing on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from communes import workflow
from communes.models import Submission, User
from criteria import entry
from criteria.models import IndicatorValue
from tests.conftest import open_latest_period

from .conftest import url


def ky_anh():
    """The demo district (its catalogue choices apply to its communes' forms)."""
    from communes.models import District

    return District.objects.get(slug="ky-anh").pk


def _inputs(indicators, houses):
    return {i.pk: (houses if i.code == "ntm-houses-renovated" else "1", "") for i in indicators}


def test_two_clients_the_later_stale_save_is_refused(officer, open_period):
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(officer)
    submission = workflow.get_or_create_submission(officer.commune, open_period)
    loaded = second.get(url("ky-tay", open_period)).context["submission"].version
    assert loaded == first.get(url("ky-tay", open_period)).context["submission"].version
    indicators = entry.entered_indicators(ky_anh())

    def post(client, version, houses):
        data = {"version": version}
        for indicator, (value, comment) in zip(indicators, _inputs(indicators, houses).values()):
            data[f"value-{indicator.pk}"] = value
        return client.post(url("ky-tay", open_period), data)

    assert post(first, loaded, "100").status_code == 302
    refused = post(second, loaded, "999")
    assert refused.status_code == 409
    assert "Người khác đã lưu" in refused.text
    assert IndicatorValue.objects.get(submission=submission, indicator__code="ntm-houses-renovated").value == 100
    # The refused page shows the newer data and the new version, so a retry works.
    assert refused.context["submission"].version == loaded + 1
    assert post(second, loaded + 1, "999").status_code == 302


@pytest.mark.postgres
def test_racing_saves_exactly_one_wins(restore_demo, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
    from tests.conftest import load_demo

    load_demo()
    period = open_latest_period()
    officer = User.objects.get(username="ky-tay")
    submission = workflow.get_or_create_submission(officer.commune, period)
    version = submission.version
    indicators = entry.entered_indicators(ky_anh())
    barrier = threading.Barrier(2)
    outcomes = []

    def save(houses):
        try:
            mine = Submission.objects.get(pk=submission.pk)
            barrier.wait(timeout=10)
            entry.save_figures(mine, officer, indicators, _inputs(indicators, houses), version)
            outcomes.append(("saved", houses))
        except workflow.StaleEdit:
            outcomes.append(("stale", houses))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(h,)) for h in ("111", "222")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(o[0] for o in outcomes) == ["saved", "stale"]
    winner = next(h for kind, h in outcomes if kind == "saved")
    stored = IndicatorValue.objects.get(submission=submission, indicator__code="ntm-houses-renovated")
    assert str(int(stored.value)) == winner
    assert Submission.objects.get(pk=submission.pk).version == version + 1
