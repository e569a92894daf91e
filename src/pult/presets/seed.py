"""`pult seed --scale N --seed S`: deterministic, realistic data for measuring, fast.

What it makes (per unit of scale; everything scales linearly): 10,000 work items (8,000
design requests, 2,000 staged orders), 1,000 clients with 3,000 contact persons and
their contracts, 50 users (mostly applicants), ~30,000 chat messages with read marks,
500 library materials, result files, and the events all of that would have written.
The workspaces and logins a benchmark relies on are `seed_contract`'s: the two presets
are loaded under its slugs through `preset_load`, so the pipelines, roles, rules and
calendars are the real ones; the data goes in through COPY (PostgreSQL) or executemany
(SQLite), streamed in batches, never through per-row services.

Findable on purpose: DESK_APPLICANT's first request (lowest number) has exactly 200
messages; they have a few requests waiting in the queue; the first client of the
orders workspace is «Рога и копыта» (search for "Рогаа и Копыта").

Deterministic: one `random.Random` per workspace seeded from `seed`; the same scale and
seed give the same rows, and timestamps sit on a fixed anchor timeline moved by whole
weeks so that its end is this week (see seed_time). Password hashes differ (salted).
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, cast

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.accounts.models import User, Workspace
from pult.calendars.selectors import default_calendar, schedule_for
from pult.core.exceptions import DomainError
from pult.presets import seed_contract as contract
from pult.presets.seed_common import Ctx, make_people
from pult.presets.seed_desk import Desk, DeskPeople, SampleFile, bind_applicants, materials, outlets
from pult.presets.seed_orders import Orders, OrdersPeople, clients
from pult.presets.seed_sink import Progress, Sink
from pult.presets.seed_time import DAY, WEEK, WorkClock, local_date, timeline_end
from pult.presets.services import preset_load
from pult.reports import rollup as stats_rollup

SLUGS = (contract.DESK_SLUG, contract.ORDERS_SLUG)
DOMAIN = "@seed.pult"  # every seeded login ends so; --replace deletes them
HISTORY_WEEKS = 52
# Rows written per unit of scale (measured at scale 1): the progress bar's 100 %.
ROWS_PER_SCALE = 200_000


@dataclass(frozen=True)
class Sizes:
    desk_items: int
    orders: int
    clients: int
    designers: int
    applicants: int
    managers: int
    experts: int
    outlets: int
    materials: int
    heavy_threads: int

    @classmethod
    def of(cls, scale: float) -> Sizes:
        items = max(40, round(contract.ITEMS_PER_SCALE * scale))
        users = max(16, round(50 * scale))
        designers = max(2, round(users * 0.06))
        managers = max(2, round(users * 0.04))
        experts = max(1, round(users * 0.02))
        applicants = users - designers - managers - experts - 5  # head + 4 order roles
        return cls(
            desk_items=round(items * 0.8),
            orders=items - round(items * 0.8),
            clients=max(10, round(1_000 * scale)),
            designers=designers,
            applicants=applicants,
            managers=managers,
            experts=experts,
            outlets=max(4, round(applicants / 2.5)),
            materials=max(10, round(500 * scale)),
            heavy_threads=max(1, round(items / 2_000)),
        )


@dataclass
class SeedSummary:
    counts: dict[str, int]
    seconds: float
    scale: float
    seed: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


def seed_exists() -> bool:
    return Workspace.objects.filter(slug__in=SLUGS).exists()


def seed_run(
    *,
    scale: float,
    seed: int = 1,
    now: datetime | None = None,
    progress: bool = True,
    stream: IO[str] | None = None,
) -> SeedSummary:
    """Create the seed workspaces, people and data; refuses if they exist already."""
    if not scale > 0:
        raise DomainError(_("The scale must be positive."))
    if seed_exists() or User.objects.filter(email__endswith=DOMAIN).exists():
        raise DomainError(_("The seed workspaces exist already; use --replace to recreate them."))
    started = time.monotonic()
    sizes = Sizes.of(scale)
    bar = Progress(round(ROWS_PER_SCALE * scale), stream=stream, enabled=progress)
    sink = Sink(bar)
    now = now or timezone.now()
    files: list[str] = []
    try:
        with transaction.atomic():
            if sink.postgres:
                # Check foreign keys at the end of each COPY rather than queueing millions
                # of deferred checks until the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            try:
                _generate(sink, sizes, seed, now, files)
            finally:
                sink.drain()  # every row stored (or the writer's error raised) before commit
            if sink.postgres:  # as Django expects them for the rest of an outer transaction
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except BaseException:
        for name in files:
            default_storage.delete(name)
        raise
    stats_rollup.rebuild_all(contract.DESK_SLUG, contract.ORDERS_SLUG)  # statistics
    sink.analyze()
    bar.close()
    return SeedSummary(
        counts=dict(sink.counts), seconds=time.monotonic() - started, scale=scale, seed=seed
    )


def _generate(sink: Sink, sizes: Sizes, seed: int, now: datetime, files: list[str]) -> None:
    password = make_password(contract.PASSWORD)  # once: argon2 per person would take hours
    desk_ws = preset_load(
        "design-desk", slug=contract.DESK_SLUG, workspace_name="Seed · Design desk"
    )
    orders_ws = preset_load(
        "expertise-orders", slug=contract.ORDERS_SLUG, workspace_name="Seed · Expertise orders"
    )
    desk = _context(sink, desk_ws, random.Random(f"{seed}:desk"), now)
    orders = _context(sink, orders_ws, random.Random(f"{seed}:orders"), now)
    sink.counts["accounts.Workspace"] += 2

    # --- the design desk ---
    rng = desk.rng
    people = [(contract.DESK_HEAD, "Marketing head", "Руководитель отдела маркетинга")]
    people += [
        (_login(contract.DESK_DESIGNER, n), "Designer", "Дизайнер")
        for n in range(1, sizes.designers + 1)
    ]
    people += [
        (_login(contract.DESK_APPLICANT, n), "Applicant", "Управляющий")
        for n in range(1, sizes.applicants + 1)
    ]
    made = make_people(desk_ws, rng, people, password, desk.start)
    sink.counts["accounts.User"] += len(made)
    places = outlets(desk, sizes.outlets)
    crew = DeskPeople(
        head=made[0],
        designers=made[1 : 1 + sizes.designers],
        applicants=made[1 + sizes.designers :],
        outlet_of=[0] + [rng.randrange(len(places)) for _ in range(sizes.applicants - 1)],
    )
    bind_applicants(desk, crew, places)
    result, thumb = _sample_files(desk_ws, files)
    materials(desk, crew.head, sizes.materials, result, thumb)
    Desk(desk, crew, places, result).run(sizes.desk_items, sizes.heavy_threads)

    # --- the expertise orders ---
    rng = orders.rng
    staff = [
        (_login(contract.ORDERS_MANAGER, n), "Manager", "Менеджер по продажам")
        for n in range(1, sizes.managers + 1)
    ]
    staff += [
        (_login(contract.ORDERS_EXPERT, n), "Expert", "Ведущий эксперт")
        for n in range(1, sizes.experts + 1)
    ]
    staff += [
        (f"finance-1{DOMAIN}", "Finance", "Финансовый менеджер"),
        (f"dept3-1{DOMAIN}", "Head of Dept 3", "Начальник отдела 3"),
        (f"dept4-1{DOMAIN}", "Dept 4", "Специалист отдела 4"),
        (f"director{DOMAIN}", "Director", "Генеральный директор"),
    ]
    made = make_people(orders_ws, rng, staff, password, orders.start)
    sink.counts["accounts.User"] += len(made)
    m, e = sizes.managers, sizes.experts
    team = OrdersPeople(
        managers=made[:m],
        experts=made[m : m + e],
        finance=made[m + e],
        dept3=made[m + e + 1],
        dept4=made[m + e + 2],
        director=made[m + e + 3],
    )
    cards = clients(orders, team, sizes.clients)
    Orders(orders, team, cards).run(sizes.orders)


def _login(first: str, n: int) -> str:
    """designer-1@seed.pult → designer-<n>@seed.pult (the contract's login is number 1)."""
    local, domain = first.split("@")
    return f"{local.rsplit('-', 1)[0]}-{n}@{domain}"


def _context(sink: Sink, workspace: Workspace, rng: random.Random, now: datetime) -> Ctx:
    """The workspace's clock: its calendar's weekly hours over the seeded history."""
    calendar = default_calendar(workspace)
    if calendar is None:
        raise DomainError(f"The workspace {workspace.slug} has no business calendar.")
    schedule = schedule_for(calendar)
    end = timeline_end(now, schedule.tz)
    start = end - HISTORY_WEEKS * WEEK
    offset = int(datetime.fromtimestamp(end, schedule.tz).utcoffset().total_seconds())  # type: ignore[union-attr]
    clock = WorkClock(
        schedule.tz,
        schedule.weekly,
        local_date(start - 30 * DAY, offset),
        local_date(end + 180 * DAY, offset),
    )
    return Ctx(sink=sink, rng=rng, workspace=workspace, clock=clock, start=start, end=end, offset=offset)  # fmt: skip  # noqa: E501


def _sample_files(workspace: Workspace, files: list[str]) -> tuple[SampleFile, str]:
    """One small picture stored once (and its thumbnail): every seeded result file and
    library material points at it, so downloads and previews work."""
    from PIL import Image, ImageDraw

    names: list[tuple[str, int]] = []
    for folder, size in (("attachments", (480, 340)), ("thumbnails", (240, 170))):
        image = Image.new("RGB", size, "#2c3e50")
        draw = ImageDraw.Draw(image)
        draw.ellipse(
            (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill="#f39c12"
        )
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        name = default_storage.save(
            f"documents/{workspace.pk}/{folder}/seed-sample.png", ContentFile(buffer.getvalue())
        )
        files.append(name)
        names.append((name, buffer.tell()))
    (result, result_size), (thumb, _thumb_size) = names
    return SampleFile(result, "result.png", "image/png", result_size), thumb


# --- --replace ------------------------------------------------------------------------


def seed_delete() -> int:
    """Delete the seed workspaces with everything in them, and the seeded logins; the
    number of rows deleted. One transaction; set-based DELETEs (the ORM's collector would
    load millions of rows into memory)."""
    ids = list(Workspace.objects.filter(slug__in=SLUGS).values_list("pk", flat=True))
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # checked at commit, see below
        if ids:
            for sql in _workspace_delete_sql(len(ids)):
                cursor.execute(sql, ids)
                deleted += max(cursor.rowcount, 0)
        deleted += User.objects.filter(email__endswith=DOMAIN).delete()[0]
    for pk in ids:
        for folder in ("attachments", "thumbnails"):
            default_storage.delete(f"documents/{pk}/{folder}/seed-sample.png")
    return deleted


def _workspace_delete_sql(n: int) -> list[str]:
    """Statements that remove every row owned by the workspaces `%s, …` (n of them).

    A row is owned when a chain of CASCADE foreign keys leads from it to a workspace
    (item → workspace, sign-off → item, …); found from the models, so apps added later
    are covered. Nullable SET_NULL references from rows that stay are cleared first.
    Deepest rows go first, so each statement can still find its parents; the foreign
    keys are checked at commit (Django makes them DEFERRABLE INITIALLY DEFERRED)."""
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * n)
    owned: dict[type[models.Model], tuple[int, str]] = {Workspace: (0, f"id IN ({marks})")}
    every = apps.get_models(include_auto_created=True)
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in owned or model is User:
                continue
            for column, parent, on_delete in _links(model):
                if parent in owned and on_delete is models.CASCADE:
                    depth, where = owned[parent]
                    owned[model] = (depth + 1, f"{quote(column)} IN ({_ids(parent, where)})")
                    changed = True
                    break
    sql = []
    for model in every:
        for column, parent, on_delete in _links(model):
            if parent in owned and model not in owned and on_delete is models.SET_NULL:
                where = owned[parent][1]
                sql.append(
                    f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = NULL "  # noqa: S608
                    f"WHERE {quote(column)} IN ({_ids(parent, where)})"
                )
    for model, (_depth, where) in sorted(owned.items(), key=lambda kv: -kv[1][0]):
        sql.append(f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}")  # noqa: S608
    return sql


def _links(model: type[models.Model]) -> list[tuple[str, type[models.Model], Any]]:
    """(column, parent model, on_delete) of each foreign key of the model."""
    return [
        (str(f.column), cast("type[models.Model]", f.related_model), f.remote_field.on_delete)
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
    ]


def _ids(model: type[models.Model], where: str) -> str:
    quote = connection.ops.quote_name
    pk = quote(str(model._meta.pk.column))
    return f"SELECT {pk} FROM {quote(model._meta.db_table)} WHERE {where}"  # noqa: S608
