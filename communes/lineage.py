"""Merged units keep their history: the lineage of communes (docs/DOMAIN.md#merged-units).

A commune created by a merger names the communes it replaced (``Commune.predecessors``);
those may themselves be merged units. ``ancestors`` reads every ancestor at any depth in
one query (a recursive CTE over the predecessors' through-table, the same SQL on SQLite and
PostgreSQL). The figures of a set of communes read the data of the set and of its
ancestors (``with_history``): before a merger the predecessors reported, after it the new
unit does, so summing over the lineage gives the new unit's history without ever counting a
quarter twice. Levels (NTM recognitions) are not inherited: counts on a day take only the
communes valid on that day (``valid_on_q``).
"""

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Commune


def _through():
    through = Commune.predecessors.through
    return (connection.ops.quote_name(through._meta.db_table),
            connection.ops.quote_name(through._meta.get_field("from_commune").column),
            connection.ops.quote_name(through._meta.get_field("to_commune").column))


def _start(commune_ids):
    """The SQL (and parameters) selecting the starting ids: a queryset as a subquery, or
    a list of ids."""
    if isinstance(commune_ids, QuerySet):
        sql, params = commune_ids.order_by().values("pk").query.sql_with_params()
        return sql, list(params)
    ids = [int(pk) for pk in commune_ids]
    if not ids:
        return None, []
    return ", ".join(["%s"] * len(ids)), ids


def ancestors(commune_ids):
    """{commune_id: set of the ids of all its ancestors, at any depth}, in one query.

    ``commune_ids``: ids or a queryset of communes. Communes without predecessors are
    absent from the answer. A cycle in the data cannot loop: ``UNION`` drops repeated rows.
    """
    start, params = _start(commune_ids)
    if start is None:
        return {}
    table, child, parent = _through()
    sql = (
        f"WITH RECURSIVE lineage(descendant, ancestor) AS ("
        f" SELECT {child}, {parent} FROM {table} WHERE {child} IN ({start})"
        f" UNION"
        f" SELECT lineage.descendant, p.{parent} FROM lineage"
        f" JOIN {table} p ON p.{child} = lineage.ancestor"
        f") SELECT descendant, ancestor FROM lineage"
    )
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for descendant, ancestor in cursor.fetchall():
            if ancestor != descendant:
                result.setdefault(descendant, set()).add(ancestor)
    return result


def ancestor_ids(commune_ids):
    """The ids of every ancestor of ``commune_ids`` (not the communes themselves), one query."""
    found = set()
    for ids in ancestors(commune_ids).values():
        found |= ids
    return found


def with_history(communes):
    """The communes whose data the figures of ``communes`` (a queryset) read: the communes
    and all their ancestors, as a queryset usable as a subquery. One query; the queryset
    itself is returned unchanged when no commune of it has predecessors."""
    older = ancestor_ids(communes)
    if not older:
        return communes
    return Commune.objects.filter(Q(pk__in=communes.values("pk")) | Q(pk__in=sorted(older)))


def valid_on_q(on_date, prefix=""):
    """Communes valid on ``on_date`` (for counts on a day: an old unit and its successor are
    never both counted)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on_date})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on_date}))
