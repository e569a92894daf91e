"""`trgm_icontains`: a case-insensitive substring test that PostgreSQL's trigram (GIN
gin_trgm_ops) indexes can serve.

Django's `icontains` compiles to `UPPER(col) LIKE UPPER('%x%')` on PostgreSQL, which no
plain trigram index matches, so every search became a scan of the table. This lookup
says `col ILIKE '%x%'` there (the same escaping of % and _), and is `icontains` on other
databases."""

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


def register() -> None:
    # django.contrib.postgres registers `trigram_word_similar` only when it is an
    # installed app; Pult uses the lookup alone (PostgreSQL only, behind has_trigram).
    from django.contrib.postgres.lookups import TrigramWordSimilar

    for field in (CharField, TextField):
        field.register_lookup(TrigramIContains)
        field.register_lookup(TrigramWordSimilar)
