"""Helpers shared by the benchmarks: counting SQL statements, timing alternately."""

import statistics
import time

from django.db import connection


def count_queries(function):
    """SQL statements run by ``function`` (an execute wrapper: survives reconnections)."""
    count = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        function()
    return count


def interleaved(project, reference, rounds):
    """Medians (seconds) of ``project`` and ``reference`` run alternately, after one warm-up."""
    p, r = [], []
    project()
    reference()
    for _ in range(rounds):
        for function, times in ((project, p), (reference, r)):
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(p), statistics.median(r)
