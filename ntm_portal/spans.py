"""Report spans: a run of quarters of one year, named as Vietnamese reports name them.

A span is what a report covers: one quarter ("Quý I năm 2021"), the first six months
("6 tháng đầu năm 2021"), the first nine ("9 tháng đầu năm 2021"), the year ("năm
2021") or any run of quarters of a year ("Quý II–Quý III năm 2021"). Its address part
(``slug``) is ``q1``, ``6m``, ``9m``, ``year`` or ``q2-q3``. How each kind of figure is
combined over a span: docs/DOMAIN.md#how-figures-aggregate.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import quarters

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# The named spans, all starting with the first quarter: slug -> last quarter.
NAMED = {"6m": 2, "9m": 3, "year": 4}
SLUG_PATTERN = r"q[1-4]-q[1-4]|6m|9m|year"
_RANGE = re.compile(r"^q([1-4])-q([1-4])$")


@dataclass(frozen=True)
class Span:
    year: int
    first: int  # first quarter
    last: int  # last quarter (the span's end)

    def __post_init__(self):
        if not 1 <= self.first <= self.last <= 4:
            raise ValueError(f"not a span of quarters: {self.first}..{self.last}")

    @classmethod
    def quarter(cls, year, quarter):
        return cls(year, quarter, quarter)

    @classmethod
    def parse(cls, year, slug):
        """The span an address names (``q3``, ``6m``, ``q2-q4``…); None if it names none."""
        if slug in NAMED:
            return cls(year, 1, NAMED[slug])
        match = _RANGE.match(slug or "")
        if match:
            first, last = int(match[1]), int(match[2])
            return cls(year, first, last) if first <= last else None
        if slug and re.fullmatch(r"q[1-4]", slug):
            return cls.quarter(year, int(slug[1]))
        return None

    @property
    def is_quarter(self):
        return self.first == self.last

    @property
    def slug(self):
        if self.is_quarter:
            return f"q{self.last}"
        if self.first == 1:
            return {2: "6m", 3: "9m", 4: "year"}[self.last]
        return f"q{self.first}-q{self.last}"

    @property
    def quarters(self):
        return list(range(self.first, self.last + 1))

    @property
    def length(self):
        return self.last - self.first + 1

    @property
    def start_date(self):
        return quarters.start(self.year, self.first)

    @property
    def end_date(self):
        return quarters.end(self.year, self.last)

    def year_ago(self):
        """The same span of the previous year ("cùng kỳ năm trước")."""
        return Span(self.year - 1, self.first, self.last)

    @property
    def label(self):
        """"Quý I năm 2021", "6 tháng đầu năm 2021", "năm 2021"… (through gettext)."""
        values = {"year": self.year, "first": ROMAN[self.first], "last": ROMAN[self.last]}
        if self.is_quarter:
            return _("Quarter %(last)s of %(year)s") % values
        if self.first == 1 and self.last == 2:
            return _("the first 6 months of %(year)s") % values
        if self.first == 1 and self.last == 3:
            return _("the first 9 months of %(year)s") % values
        if self.first == 1 and self.last == 4:
            return _("the year %(year)s") % values
        return _("Quarters %(first)s–%(last)s of %(year)s") % values

    @property
    def title(self):
        """The label with a capital, for the start of a title or a sentence."""
        label = self.label
        return label[:1].upper() + label[1:]

    @property
    def short_label(self):
        """The menu's button: "Q1"… "6 months", "9 months", "Year"."""
        if self.is_quarter:
            return _("Q%(n)s") % {"n": self.last}
        if self.first == 1 and self.last == 2:
            return _("6 months")
        if self.first == 1 and self.last == 3:
            return _("9 months")
        if self.first == 1 and self.last == 4:
            return _("Whole year")
        return f"Q{self.first}–Q{self.last}"

    def __str__(self):
        return self.label


def menu_spans(year, available):
    """The spans a year's menu offers: each quarter held, then 6 months, 9 months and
    the year when all their quarters are held (``available``: the year's quarters)."""
    available = set(available)
    result = [Span.quarter(year, q) for q in sorted(available)]
    for last in (2, 3, 4):
        if all(q in available for q in range(1, last + 1)):
            result.append(Span(year, 1, last))
    return result
