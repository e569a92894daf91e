"""Fuzzy search support: PostgreSQL's pg_trgm when installed, plain matching otherwise."""

from __future__ import annotations

from django.db import connection

_trigram: dict[str, bool] = {}


def has_trigram() -> bool:
    """Whether similarity search (pg_trgm) is available on the default database.

    Checked once per process: the extension is created by a migration when the
    database user may, and search falls back to substring matching when not.
    """
    if connection.vendor != "postgresql":
        return False
    if connection.alias not in _trigram:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram[connection.alias] = cursor.fetchone() is not None
    return _trigram[connection.alias]
