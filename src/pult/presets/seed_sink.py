"""Where `pult seed` rows go: COPY on PostgreSQL, batched executemany on SQLite.

Rows are plain tuples in the order of the fields named for a model; every other
concrete field of the model gets its Python default (so a field added later with a
default needs no change here). Values must be ready for the database: ids for foreign
keys, aware datetimes, JSON as text. Nothing goes through model instances: building and
preparing millions of them would cost more than the database takes to store the rows.

Ids of the tables whose rows other rows point at are taken from the table's own
sequence in blocks (`nextval` over a series on PostgreSQL, so a concurrent writer can
never collide with us and the sequence needs no resetting afterwards); on SQLite the
seed holds the write lock for its whole transaction, so max(id)+1 is safe.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db import connection, models

# Rows per executemany on SQLite (PostgreSQL streams each batch in one COPY).
SQLITE_BATCH = 2_000


@dataclass(frozen=True)
class _Spec:
    table: str
    label: str
    columns: str
    defaults: tuple[Any, ...]
    dates: tuple[tuple[int, bool], ...]  # (position, is datetime) for SQLite adaptation
    width: int


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, else a line per 10 %."""

    def __init__(self, total: int, stream: IO[str] | None = None, enabled: bool = True) -> None:
        self.total, self.done = max(1, total), 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._decile = 0

    def update(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty and now - self._drawn >= 0.2:
            self._drawn = now
            self.stream.write("\r" + self._line(now))
            self.stream.flush()
        elif not self.tty and (decile := min(10, self.done * 10 // self.total)) > self._decile:
            self._decile = decile
            self.stream.write(self._line(now) + "\n")
            self.stream.flush()

    def _line(self, now: float) -> str:
        share = min(1.0, self.done / self.total)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self.started, 1e-6)
        return f"seed [{bar:<30}] {share:4.0%} {self.done:>12,} rows {rate:>9,.0f} rows/s"

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\r" + self._line(time.monotonic()) + "\n")
            self.stream.flush()


class Sink:
    """Writes rows; on PostgreSQL from a writer thread, in the order they were given.

    Generating rows is Python work, storing them is the server's: with a writer thread
    the two overlap (psycopg releases the GIL while the server works), on two cores
    nearly halving the time. The thread uses the same connection, hence the same
    transaction; psycopg's connection lock keeps a COPY and a statement of the main
    thread (an id block, an ORM query) from interleaving. `drain()` waits for every
    queued batch and re-raises the writer's error; call it before the commit."""

    QUEUED = 4  # batches waiting for the writer at most: bounds memory

    def __init__(self, progress: Progress | None = None) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self.tables: set[str] = set()
        self._specs: dict[tuple[type[models.Model], tuple[str, ...]], _Spec] = {}
        self._next_id: dict[str, int] = {}
        self._sequence: dict[str, str] = {}
        self._queue: queue.Queue[tuple[_Spec, Sequence[tuple[Any, ...]]] | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _start(self) -> None:
        connection.ensure_connection()
        raw = connection.connection
        self._queue = queue.Queue(maxsize=self.QUEUED)
        self._thread = threading.Thread(target=self._writer, args=(raw,), daemon=True)
        self._thread.start()

    def _writer(self, raw: Any) -> None:
        assert self._queue is not None
        while (job := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep taking batches so the generator never blocks on a dead writer
            spec, rows = job
            try:
                self._copy(raw, spec, rows)
            except BaseException as error:  # handed to the main thread by drain()
                self._error = error

    @staticmethod
    def _copy(raw: Any, spec: _Spec, rows: Sequence[tuple[Any, ...]]) -> None:
        sql = f"COPY {connection.ops.quote_name(spec.table)} ({spec.columns}) FROM STDIN"
        defaults = spec.defaults
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            if defaults:
                for row in rows:
                    write(row + defaults)
            else:
                for row in rows:
                    write(row)

    def drain(self) -> None:
        """Wait for the writer to store everything queued; raise its error if it failed."""
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread, self._queue = None, None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _spec(self, model: type[models.Model], fields: tuple[str, ...]) -> _Spec:
        key = (model, fields)
        if key not in self._specs:
            meta = model._meta
            named = [meta.get_field(name) for name in fields]
            assert all(isinstance(f, models.Field) and f.concrete for f in named), fields
            rest = [f for f in meta.concrete_fields if not f.primary_key and f not in named]
            every = [*named, *rest]
            quote = connection.ops.quote_name
            dates = tuple(
                (n, isinstance(f, models.DateTimeField))
                for n, f in enumerate(every)
                if isinstance(f, models.DateField)
            )
            self._specs[key] = _Spec(
                table=meta.db_table,
                label=meta.label,
                columns=", ".join(quote(str(f.column)) for f in every),  # type: ignore[union-attr]
                defaults=tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest),
                dates=dates,
                width=len(every),
            )
        return self._specs[key]

    def write(
        self, model: type[models.Model], fields: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert `rows` (values for `fields`, in that order) into the model's table."""
        if not rows:
            return
        spec = self._spec(model, fields)
        self.tables.add(spec.table)
        defaults = spec.defaults
        # Identifiers come from the model's metadata, quoted; values are never in the SQL.
        if self.postgres:
            if self._error is not None:
                self.drain()
            if self._queue is None:
                self._start()
            assert self._queue is not None
            self._queue.put((spec, rows))
        else:
            with connection.cursor() as cursor:
                marks = ", ".join(["%s"] * spec.width)
                sql = f"INSERT INTO {connection.ops.quote_name(spec.table)} ({spec.columns}) VALUES ({marks})"  # noqa: E501, S608
                for start in range(0, len(rows), SQLITE_BATCH):
                    chunk = [self._sqlite_row(spec, row + defaults) for row in rows[start : start + SQLITE_BATCH]]  # fmt: skip  # noqa: E501
                    cursor.executemany(sql, chunk)
        self.counts[spec.label] += len(rows)
        if self.progress is not None:
            self.progress.update(len(rows))

    @staticmethod
    def _sqlite_row(spec: _Spec, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not spec.dates:
            return row
        values = list(row)
        ops = connection.ops
        for n, is_datetime in spec.dates:
            value = values[n]
            if isinstance(value, datetime) and is_datetime:
                values[n] = ops.adapt_datetimefield_value(value)
            elif isinstance(value, date):
                values[n] = ops.adapt_datefield_value(value)
        return tuple(values)

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        """`n` fresh primary keys of the model's table, ascending."""
        if n <= 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                if table not in self._sequence:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self._sequence[table] = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequence[table], n]
                )
                return sorted(r[0] for r in cursor.fetchall())
            if table not in self._next_id:
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quoted}")  # noqa: S608
                self._next_id[table] = int(cursor.fetchone()[0])
        start = self._next_id[table]
        self._next_id[table] = start + n
        return list(range(start, start + n))

    def analyze(self) -> None:
        """Fresh bulk rows leave the planner guessing until autovacuum passes by, and
        their pages unmarked in the visibility map, so that index-only scans (the queue,
        the counts) still read the table: VACUUM sets the map, outside a transaction."""
        with connection.cursor() as cursor:
            if self.postgres:
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                for table in sorted(self.tables):
                    cursor.execute(f"{command} {connection.ops.quote_name(table)}")
            else:
                cursor.execute("ANALYZE")

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class IdPool:
    """Primary keys of one table handed out one by one, fetched in blocks."""

    def __init__(self, sink: Sink, model: type[models.Model], block: int = 5_000) -> None:
        self.sink, self.model, self.block = sink, model, block
        self._ids: list[int] = []
        self._next = 0

    def take(self) -> int:
        if self._next == len(self._ids):
            self._ids, self._next = self.sink.ids(self.model, self.block), 0
        self._next += 1
        return self._ids[self._next - 1]


class TimeOrdered:
    """Rows held back until their moment has passed, then written oldest first.

    The seed walks time forward by filing day, but an item's later events (and chat)
    happen days after it was filed; holding them in day buckets and flushing each day
    once the walk has passed it keeps ids in time order (the activity feed pages newest
    first by id), with memory bounded by the rows still in the future."""

    BATCH = 5_000  # rows per COPY: a statement per day of history would cost more

    def __init__(self, sink: Sink, model: type[models.Model], fields: tuple[str, ...]) -> None:
        self.sink, self.model, self.fields = sink, model, fields
        self._buckets: dict[int, list[tuple[int, int, tuple[Any, ...]]]] = {}
        self._seq = 0
        self._ready: list[tuple[Any, ...]] = []  # in time order, waiting for a full batch

    def add(self, at: int, row: tuple[Any, ...]) -> None:
        self._seq += 1
        self._buckets.setdefault(at // 86_400, []).append((at, self._seq, row))

    def flush_before(self, moment: int) -> None:
        """Write every row of the days wholly before `moment`'s day."""
        limit = moment // 86_400
        for day in sorted(d for d in self._buckets if d < limit):
            self._take(self._buckets.pop(day))
        if len(self._ready) >= self.BATCH:
            self._write()

    def flush(self) -> None:
        for day in sorted(self._buckets):
            self._take(self._buckets.pop(day))
        self._write()

    def _take(self, bucket: list[tuple[int, int, tuple[Any, ...]]]) -> None:
        bucket.sort(key=lambda e: (e[0], e[1]))
        self._ready.extend(row for _at, _seq, row in bucket)

    def _write(self) -> None:
        self.sink.write(self.model, self.fields, self._ready)
        self._ready = []
