"""`trgm_icontains`: a case-insensitive substring test, for any language, that
PostgreSQL's trigram (GIN gin_trgm_ops) indexes can serve.

Django's `icontains` compiles to `UPPER(col) LIKE UPPER('%x%')` on PostgreSQL, which no
plain trigram index matches, so every search became a scan of the table. This lookup
says `col ILIKE '%x%'` there (the same escaping of % and _; ILIKE folds Cyrillic as any
letter under the UTF-8 ctype the databases are created with).

SQLite's LIKE and lower() fold ASCII letters only, so "мегаполис" missed "Мегаполис".
There the lookup compares `pult_casefold(col)` with the casefolded pattern: a function
registered on every SQLite connection (`register`), Python's `str.casefold`, the
way Django registers its own SQLite functions. Folding when the query runs rather than
in a stored search column means no column to keep in step on every path that writes a
name (people, outlets and clients are written by services, imports, the demo and the
admin) and no backfill; a LIKE '%x%' scans the table on SQLite either way. Never use the
function in an index, a constraint or a view: the database file must stay readable
without Pult."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, TextField
from django.db.models.lookups import IContains


class TrigramIContains(IContains):
    lookup_name = "trgm_icontains"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", [*lhs_params, *rhs_params]

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        if self.rhs_is_direct_value():
            # The pattern arrives escaped and wrapped ("%x%"); casefolding leaves the
            # escapes and wildcards (ASCII punctuation) as they are.
            rhs_params = tuple(p.casefold() if isinstance(p, str) else p for p in rhs_params)
            rhs = f"LIKE {rhs_sql} ESCAPE '\\'"
        else:
            rhs = connection.pattern_ops["icontains"].format(f"{CASEFOLD}({rhs_sql})")
        return f"{CASEFOLD}({lhs_sql}) {rhs}", [*lhs_params, *rhs_params]


# The SQLite function `trgm_icontains` folds with (see the module's docstring).
CASEFOLD = "pult_casefold"


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(CASEFOLD, 1, _casefold, deterministic=True)


def register() -> None:
    # django.contrib.postgres registers `trigram_word_similar` only when it is an
    # installed app; Pult uses the lookup alone (PostgreSQL only, behind has_trigram).
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.db.backends.signals import connection_created

    for field in (CharField, TextField):
        field.register_lookup(TrigramIContains)
        field.register_lookup(TrigramWordSimilar)
    # Connection set-up, not domain flow: Django's documented hook for what every new
    # connection needs (its SQLite backend adds its own functions at the same moment).
    connection_created.connect(_sqlite_functions, dispatch_uid="pult.core.lookups.casefold")
