"""Two requests creating the same task at once (a double click): one task, both answered."""

import datetime
import threading

import pytest
from django.db import connection, connections

from communes.models import Commune, User
from criteria import tasks as service
from criteria.choices import TaskOwnerKind
from criteria.models import CriteriaSet, Task


@pytest.mark.postgres
def test_racing_creations_with_one_key_make_one_task(restore_demo, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
    from tests.conftest import load_demo

    load_demo()
    staff = User.objects.get(username="staff")
    data = {"commune": Commune.objects.get(slug="ky-tay"),
            "criterion": CriteriaSet.in_force("commune_standard", datetime.date(2021, 3, 31))
            .all_criteria().get(number=5),
            "title": "Bấm hai lần", "owner_kind": TaskOwnerKind.COMMUNE,
            "due_date": datetime.date(2030, 1, 1)}
    barrier = threading.Barrier(2)
    results = []

    def create():
        try:
            barrier.wait(timeout=10)
            results.append(service.create_task(staff, data, creation_key="race-1"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2
    assert results[0][0].pk == results[1][0].pk
    assert sorted(created for _task, created in results) == [False, True]
    assert Task.objects.filter(title="Bấm hai lần").count() == 1
