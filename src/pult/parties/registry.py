"""What parties learns from the apps above it, which it may not import.

Parties keeps whom the work is done for (outlets, clients) and who does it (the
specialists' profiles); what the work is, and who may do what with it, belongs to the
engine above. The engine tells parties here, in its `AppConfig.ready()` (work's
`party_hooks.register`); parties' policies and selectors read it. Plain lists and dicts,
to print in a shell:

- `register_parties_viewer(code)`: holders of the permission see the parties pages
  (brands, outlets, specialists) besides those who manage parties;
- `register_any_outlet_filer(code)`: holders file for any outlet, not only for the
  outlets they are bound to;
- `register_specialist_permission(code)`: holders are the specialists (who take work,
  whom assignment chooses from);
- `register_specialist_load(key, fn)`: `fn(workspace)` is an expression counting a
  specialist's open work, correlated on `OuterRef("pk")` of the user (a subquery); the
  loads of all keys add up;
- `register_skill_source(key, fn)`: `fn(workspace)` gives the (value, label) pairs a
  specialist's skills are matched against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Expression, Subquery

    from pult.accounts.models import Workspace

SpecialistLoad = Callable[["Workspace"], "Expression | Subquery"]
SkillSource = Callable[["Workspace"], list[tuple[str, str]]]

_parties_viewers: list[str] = []
_any_outlet_filers: list[str] = []
_specialist_permissions: list[str] = []
_specialist_loads: dict[str, SpecialistLoad] = {}
_skill_sources: dict[str, SkillSource] = {}


def _add(codes: list[str], code: str) -> None:
    if code not in codes:  # registering twice (a test re-running ready()) changes nothing
        codes.append(code)


def register_parties_viewer(code: str) -> None:
    _add(_parties_viewers, code)


def register_any_outlet_filer(code: str) -> None:
    _add(_any_outlet_filers, code)


def register_specialist_permission(code: str) -> None:
    _add(_specialist_permissions, code)


def register_specialist_load(key: str, load: SpecialistLoad) -> None:
    _specialist_loads[key] = load


def register_skill_source(key: str, source: SkillSource) -> None:
    _skill_sources[key] = source


def parties_viewers() -> tuple[str, ...]:
    return tuple(_parties_viewers)


def any_outlet_filers() -> tuple[str, ...]:
    return tuple(_any_outlet_filers)


def specialist_permissions() -> tuple[str, ...]:
    return tuple(_specialist_permissions)


def specialist_loads() -> dict[str, SpecialistLoad]:
    return dict(_specialist_loads)


def skill_sources() -> dict[str, SkillSource]:
    return dict(_skill_sources)
