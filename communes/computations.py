"""The registry of counts computed from data, filled by the apps without upward imports.

A catalogue indicator whose source is "computed" names one computation (its
``computation`` field). The apps built on ``communes`` declare theirs in a module
``computations.py`` holding ``GROUPS``, a list of ``ComputationGroup``: the
registries (``criteria``), the OCOP products (``ocop``). ``communes`` only collects
them (as ``communes.seeding`` collects seeders and panels), so criteria reads OCOP
counts without importing ocop. The back office offers exactly the computations
registered here (``choices``).
"""

from dataclasses import dataclass, field
from functools import cache

from .seeding import _app_modules


@dataclass(frozen=True, eq=False)
class ComputationGroup:
    """Computations counted together, in a fixed number of queries whatever the size.

    ``labels``: {key: label shown in the back office}.
    ``compute(period, communes, by_commune, keys)`` gives {key: {commune_id or None: figure}}
    (None: the whole set of ``communes``; ``communes`` None: every commune), a figure
    being criteria's ``Figure`` or the tuple of its columns (quarter, previous quarter,
    year to date, cumulative) for apps that do not import criteria. ``period`` may also
    be a span of quarters (``criteria.aggregates.SpanDates``: ``year``, ``quarter`` its
    last, ``start_date``, ``end_date``): flows are then counted between its dates,
    levels at its end; its ``wants_previous`` False says the previous quarter's column
    will not be read (a computation may leave it out, at 0).
    ``trend(periods, communes, keys)`` gives {key: [the quarter's value per period]}.
    ``recorded(communes)`` says whether the data counted holds anything at all for
    ``communes``: when it does not, the figures are unknown, not 0. None: always known.
    """

    name: str
    labels: dict
    compute: object
    trend: object
    recorded: object = None
    keys: tuple = field(init=False, default=())

    def __post_init__(self):
        object.__setattr__(self, "keys", tuple(self.labels))


@cache
def groups():
    """{key: group} of every registered computation."""
    found = {}
    for _label, module in _app_modules("computations"):
        for group in getattr(module, "GROUPS", ()):  # communes itself declares none
            for key in group.keys:
                found[key] = group
    return found


def choices():
    """The back office's choices: only computations that exist."""
    seen = []
    for key, group in groups().items():
        seen.append((key, group.labels[key]))
    return seen


def by_group(keys):
    """{group: [keys]} for the computations ``keys`` (unknown keys are left out)."""
    known = groups()
    result = {}
    for key in keys:
        if key in known:
            result.setdefault(known[key], []).append(key)
    return result
