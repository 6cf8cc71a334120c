"""Quarter arithmetic, in one place: which quarter a day is in, its dates, the one before."""

import datetime


def quarter_of(day):
    """(year, quarter) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def start(year, quarter):
    return datetime.date(year, 3 * quarter - 2, 1)


def end(year, quarter):
    next_year, next_quarter = following(year, quarter)
    return start(next_year, next_quarter) - datetime.timedelta(days=1)


def previous(year, quarter):
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def following(year, quarter):
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)
