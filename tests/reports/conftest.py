"""A design desk with a known history, placed in four past ISO weeks.

The period 2025-01-06 … 2025-02-02 (Moscow time) covers ISO weeks 2–5. Items go
through the real services (file, take, complete, accept); then their timestamps are
moved into the past with one UPDATE each, so every figure below is known:

item  who        week  status       lead   start    finish
A     designer   W2    closed       24 h   on time  on time
B     designer   W3    completed    48 h   late     late
C     designer   W4    closed       72 h   on time  on time
D     designer   W5    in progress  —      on time  open, past due (overdue)
E     designer2  W3    closed       10 h   on time  on time
F     designer2  W5    in progress  —      on time  open, due later (Burger Bro outlet)
G     —          W5    new          —      —        open, due later (stranger, Perm)
H     designer   2024  closed       before the period: counted nowhere
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pult.access.models import Role, RolePermission
from pult.accounts.models import User
from pult.desk.services import work_item_take_next
from pult.parties.models import Brand, Outlet
from pult.reports import rollup
from pult.reports.permissions import VIEW_STATISTICS
from pult.work.models import Item
from tests.work import conftest as work_conftest
from tests.work.conftest import Desk

desk = work_conftest.desk  # the design-desk fixture, shared with tests/work

MSK = ZoneInfo("Europe/Moscow")
PERIOD = {"date_from": "2025-01-06", "date_to": "2025-02-02"}


def at(month: int, day: int, hour: int = 10, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, tzinfo=MSK)


FAR = at(1, 1, year=2099)


@dataclass
class History:
    desk: Desk
    items: dict[str, Item]
    burger: Brand
    burger_outlet: Outlet

    @property
    def head(self) -> User:
        return self.desk.head


def grant_statistics(desk: Desk, role_name: str = "Marketing head") -> None:
    role = Role.objects.get(workspace=desk.workspace, name=role_name)
    RolePermission.objects.get_or_create(role=role, code=VIEW_STATISTICS)


def _take(desk: Desk, designer: User, **values: Any) -> Item:
    item = desk.submit(title=values.pop("title", "Poster"))
    taken = work_item_take_next(
        actor=designer, workspace=desk.workspace, item_type_key="design-request"
    )
    assert taken.pk == item.pk
    return taken


def _done(desk: Desk, designer: User, *, accept: bool, title: str) -> Item:
    item = _take(desk, designer, title=title)
    desk.deliver(item, actor=designer)  # completing needs a result file
    desk.step(designer, item, "complete")
    if accept:
        desk.step(desk.applicant, item, "accept")
    return item


def _place(item: Item, **fields: Any) -> None:
    Item.objects.filter(pk=item.pk).update(**fields)


@pytest.fixture(params=["live", "rollup"])
def history(desk: Desk, request: pytest.FixtureRequest) -> History:
    """Every figure test runs twice: computed live, and from the rollup (`fast.py`)."""
    made = _history(desk)
    if request.param == "rollup":
        # The timestamps were moved with UPDATEs that bypass the services: rebuild.
        rollup.rebuild(desk.workspace)
    return made


def _history(desk: Desk) -> History:
    grant_statistics(desk)
    d, d2 = desk.designer, desk.designer2
    items = {
        "A": _done(desk, d, accept=True, title="A"),
        "B": _done(desk, d, accept=False, title="B"),
        "C": _done(desk, d, accept=True, title="C"),
        "D": _take(desk, d, title="D"),
        "E": _done(desk, d2, accept=True, title="E"),
        "F": _take(desk, d2, title="F"),
        "H": _done(desk, d, accept=True, title="H"),
        "G": desk.submit(desk.stranger, title="G"),  # last: it stays in the queue
    }
    _place(items["A"], submitted_at=at(1, 6), started_at=at(1, 6, 12), start_at=at(1, 6, 18))
    _place(items["A"], closed_at=at(1, 7), due_at=at(1, 8))
    _place(items["B"], submitted_at=at(1, 13), started_at=at(1, 14), start_at=at(1, 13, 18))
    _place(items["B"], closed_at=at(1, 15), due_at=at(1, 14, 18))
    _place(items["C"], submitted_at=at(1, 20), started_at=at(1, 20, 11), start_at=at(1, 20, 18))
    _place(items["C"], closed_at=at(1, 23), due_at=at(1, 25))
    _place(items["D"], submitted_at=at(1, 27), started_at=at(1, 27, 11), start_at=at(1, 27, 18))
    _place(items["D"], due_at=at(1, 28))
    _place(items["E"], submitted_at=at(1, 14, 9), started_at=at(1, 14), start_at=at(1, 14, 12))
    _place(items["E"], closed_at=at(1, 14, 19), due_at=at(1, 15))
    _place(items["F"], submitted_at=at(1, 28), started_at=at(1, 28, 12), start_at=at(1, 28, 18))
    _place(items["F"], due_at=FAR)
    _place(items["G"], submitted_at=at(1, 29), start_at=FAR, due_at=FAR)
    _place(items["H"], submitted_at=at(12, 2, year=2024), started_at=at(12, 2, 12, year=2024))
    _place(items["H"], closed_at=at(12, 3, year=2024), start_at=None, due_at=None)
    burger = Brand.objects.create(workspace=desk.workspace, name="Burger Bro")
    burger_outlet = Outlet.objects.create(
        workspace=desk.workspace, brand=burger, city="Kazan", number="5"
    )
    _place(items["F"], outlet=burger_outlet)
    for key, item in items.items():
        items[key] = Item.objects.get(pk=item.pk)
    return History(desk=desk, items=items, burger=burger, burger_outlet=burger_outlet)
