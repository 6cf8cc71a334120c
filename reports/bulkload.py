"""PostgreSQL: load millions of rows into tables whose indexes and constraints are set
aside for the load and rebuilt from their own definitions afterwards.

Maintaining a B-tree row by row and checking a foreign key per row (a trigger each) costs
far more than building the index once from the loaded table and checking the key in one
join. ``IndexRebuild.drop`` reads the exact definitions from the catalogue
(``pg_constraint``, and ``pg_indexes``' ``indexdef`` through ``pg_get_indexdef``) and
drops them; ``IndexRebuild.recreate`` runs them again, each with a line of progress.
Unique and primary keys are checked when their index is built, foreign keys when they are
added (``ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`` checks every row), so the data
either satisfies every constraint at the end or the load fails.

Both run inside the caller's transaction: PostgreSQL's DDL is transactional, so a failure
anywhere rolls back the drops with the rows and leaves the tables as they were. The
tables are locked (``ACCESS EXCLUSIVE``) from the drop to the commit: other sessions
reading them wait. This is for synthetic data on a database of one's own
(``manage.py generate_scale``), not for a live portal.
"""

import time

from django.db import connection

# For the index builds and the foreign keys' checks (PostgreSQL runs the check of a new
# foreign key with maintenance_work_mem as its work_mem), for this transaction only.
MAINTENANCE_WORK_MEM = "256MB"

CONSTRAINTS_SQL = """
    SELECT c.conrelid::regclass::text, quote_ident(c.conname), c.contype,
           pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    WHERE (c.contype IN ('p', 'u', 'x') AND c.conrelid = ANY(%(tables)s::regclass[]))
       OR (c.contype = 'f' AND (c.conrelid = ANY(%(tables)s::regclass[])
                                OR c.confrelid = ANY(%(tables)s::regclass[])))
    ORDER BY c.contype <> 'p', c.conrelid::regclass::text, c.conname
"""

# Indexes that no constraint of their table owns (the constraints' own come back with them).
INDEXES_SQL = """
    SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
           pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = ANY(%(tables)s::regclass[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                        AND c.contype IN ('p', 'u', 'x'))
    ORDER BY i.indrelid::regclass::text, i.indexrelid::regclass::text
"""


def _write(stream, text):
    stream.write(text)
    stream.flush()


class IndexRebuild:
    """The indexes and constraints of ``models``' tables (and the foreign keys of other
    tables that point at them), dropped for a bulk load and recreated after it."""

    def __init__(self, models):
        self.tables = [model._meta.db_table for model in models]
        self.keys, self.indexes, self.foreign_keys = [], [], []

    def capture(self, cursor):
        cursor.execute(CONSTRAINTS_SQL, {"tables": self.tables})
        for table, name, kind, definition in cursor.fetchall():
            (self.foreign_keys if kind == "f" else self.keys).append((table, name, definition))
        cursor.execute(INDEXES_SQL, {"tables": self.tables})
        self.indexes = cursor.fetchall()

    def drop(self, stream):
        started = time.perf_counter()
        _write(stream, f"dropping the indexes and constraints of {', '.join(self.tables)}…")
        with connection.cursor() as cursor:
            self.capture(cursor)
            # Foreign keys first (they lean on the referenced keys' indexes), then the keys.
            for table, name, _definition in self.foreign_keys + self.keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for _table, name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")
        _write(stream, f" {len(self.keys)} keys, {len(self.indexes)} indexes, "
                       f"{len(self.foreign_keys)} foreign keys, "
                       f"{time.perf_counter() - started:.1f} s\n")

    def statements(self):
        """(label, SQL) in the order they are run again: the keys, the other indexes, then
        the foreign keys (which need the referenced keys)."""
        return ([(f"key {name} on {table}", f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
                 for table, name, definition in self.keys]
                + [(f"index {name}", definition) for _table, name, definition in self.indexes]
                + [(f"foreign key {name} on {table}",
                    f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
                   for table, name, definition in self.foreign_keys])

    def recreate(self, stream):
        statements = self.statements()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = %s", [MAINTENANCE_WORK_MEM])
            for number, (label, sql) in enumerate(statements, 1):
                started = time.perf_counter()
                _write(stream, f"rebuilding {number}/{len(statements)}: {label}…")
                cursor.execute(sql)
                _write(stream, f" {time.perf_counter() - started:.1f} s\n")
