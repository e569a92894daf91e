"""`pult seed`, design desk: outlets, applicants, a year of requests, chat, files, library.

Each request gets a life as the desk lives it (filed → maybe marked urgent → taken after
a wait → maybe a clarification round → completed with a result file → maybe returned
for revision → usually accepted), drawn in working time on the calendar's weekly hours;
its status is whatever that life has reached at the end of the history. The columns the
services keep in step are set as they set them: category/in_queue from the status
(`_queue_fields`), queue_rank/queue_at from urgency (`work_item_set_urgent`), start/due
from the first matching SLA rule plus the closed pauses (`sla.apply_dates`),
started_at/closed_at as `_move` sets them. The newest requests wait in the queue.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from pult.documents.models import (
    Attachment,
    AttachmentKind,
    Material,
    MaterialCategory,
)
from pult.documents.selectors import search_needle
from pult.documents.services import normalise_tags
from pult.parties.models import Brand, Outlet
from pult.presets import demo_design_desk as demo
from pult.presets import demo_names as names
from pult.presets import seed_text as text
from pult.presets.seed_common import (
    BATCH,
    ITEM_FIELDS,
    LINK_FIELDS,
    MESSAGE_FIELDS,
    READ_FIELDS,
    Chat,
    Ctx,
    Person,
    Pipeline,
    dumps,
    message_count,
    write_chat,
)
from pult.presets.seed_sink import IdPool
from pult.presets.seed_time import DAY, HOUR, awake, aware
from pult.work.models import Item, ItemPause, SlaRule

ATTACHMENT_FIELDS = (
    "id", "workspace", "item", "kind", "file", "original_name", "content_type", "size",
    "uploaded_by", "created_at",
)  # fmt: skip
MATERIAL_FIELDS = (
    "workspace", "title", "category", "brand", "tags", "search_text", "file", "thumbnail",
    "original_name", "content_type", "size", "uploaded_by", "created_at",
)  # fmt: skip
WEEKDAY = (1.2, 1.25, 1.2, 1.15, 1.05, 0.5, 0.4)
HOURS = tuple(range(8, 23))
HOUR_WEIGHTS = tuple(itertools.accumulate((2, 5, 8, 9, 8, 7, 7, 7, 6, 5, 4, 3, 2, 2, 1)))
MATERIAL_KEYS = tuple(demo.MATERIALS)
MATERIAL_WEIGHTS = tuple(itertools.accumulate(demo.MATERIALS[m][0] for m in MATERIAL_KEYS))


@dataclass(frozen=True)
class SampleFile:
    """One stored file many rows point at (metadata only: downloads work)."""

    name: str
    original_name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Place:
    pk: int
    brand: str
    promos: tuple[str, ...]
    city: str
    address: str


@dataclass
class DeskPeople:
    head: Person
    designers: list[Person]
    applicants: list[Person]  # [0] is the benchmark's applicant
    outlet_of: list[int]  # applicant index → index in places


def outlets(ctx: Ctx, count: int) -> list[Place]:
    """The brands and `count` outlets in Russian cities, numbered per brand."""
    rng, ws = ctx.rng, ctx.workspace
    brands = Brand.objects.bulk_create(Brand(workspace=ws, name=b[0]) for b in demo.BRANDS)
    cities = [c for c, _w in names.CITIES]
    weights = [w for _c, w in names.CITIES]
    rows, places = [], []
    for n in range(count):
        brand_n = n % len(brands)
        city = rng.choices(cities, weights=weights)[0]
        street, building = rng.choice(names.STREETS), rng.randrange(1, 120)
        place = rng.choice(names.MALLS) if rng.random() < 0.45 else f"{street}, {building}"
        address = f"г. {city}, {street}, д. {building}"
        rows.append(
            Outlet(
                workspace=ws,
                brand=brands[brand_n],
                city=city,
                number=f"{n // len(brands) + 1:03d}",
                name=f"{rng.choice(demo.FORMATS).capitalize()}, {place}",
                address=address,
                franchisee=f"ООО «{rng.choice(names.COMPANY_WORDS)}»",
            )
        )
    created = Outlet.objects.bulk_create(rows, batch_size=1_000)
    for outlet, row in zip(created, rows, strict=True):
        brand = demo.BRANDS[[b[0] for b in demo.BRANDS].index(row.brand.name)]
        places.append(Place(outlet.pk, brand[0], brand[2], row.city, row.address))
    ctx.sink.counts["parties.Brand"] += len(brands)
    ctx.sink.counts["parties.Outlet"] += len(created)
    return places


def bind_applicants(ctx: Ctx, people: DeskPeople, places: list[Place]) -> None:
    """Each applicant belongs to one outlet (the benchmark's applicant to the first)."""
    through = Outlet.members.through
    through.objects.bulk_create(
        [
            through(outlet_id=places[o].pk, user_id=a.pk)
            for a, o in zip(people.applicants, people.outlet_of, strict=True)
        ],
        batch_size=1_000,
    )
    ctx.sink.counts["parties.Outlet_members"] += len(people.applicants)


def materials(ctx: Ctx, head: Person, count: int, sample: SampleFile, thumb: str) -> None:
    """The ready-materials library: `count` entries over a few categories and the brands,
    each pointing at the one stored sample picture; one event each, as material_add."""
    rng, ws = ctx.rng, ctx.workspace
    categories = MaterialCategory.objects.bulk_create(
        MaterialCategory(workspace=ws, name=name) for name in text.MATERIAL_CATEGORIES
    )
    brands = list(Brand.objects.filter(workspace=ws).order_by("pk").values_list("pk", "name"))
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Material).pk
    ids = ctx.sink.ids(Material, count)
    rows = []
    for pk in ids:
        category = rng.choice(categories)
        brand = rng.choice(brands) if rng.random() < 0.7 else None
        subject = rng.choice(text.MATERIAL_SUBJECTS)
        title = f"{subject}: {rng.choice(text.MATERIAL_KINDS)} {rng.randrange(1, 40)}"
        if brand:
            title = f"{brand[1]} · {title}"
        tags = normalise_tags(f"{category.name}, {subject}, {rng.choice(text.MATERIAL_KINDS)}")
        at = ctx.start + rng.randrange(0, ctx.end - ctx.start)
        rows.append(
            (pk, ws.pk, title[:200], category.pk, brand[0] if brand else None, tags,
             search_needle(f"{title} {tags}"), sample.name, thumb, sample.original_name,
             sample.content_type, sample.size, head.pk, aware(at))
        )  # fmt: skip
        ctx.event(at, head.pk, "documents.material_added", pk, title[:300], target_type=ct)
    ctx.sink.write(Material, ("id", *MATERIAL_FIELDS), rows)
    ctx.sink.counts["documents.MaterialCategory"] += len(categories)


def _day_counts(ctx: Ctx, total: int) -> list[int]:
    """`total` filings over the history's days: weekdays busier, a slow growth; exact
    by largest remainder. Nothing here may depend on the date beyond the weekday: the
    data must not change when the timeline moves by whole weeks (seed_time)."""
    days = (ctx.end - ctx.start) // DAY
    weights = []
    for d in range(days):
        local = ctx.start + d * DAY + ctx.offset
        weekday = (local // DAY + 3) % 7  # 1970-01-01 was a Thursday
        weights.append(WEEKDAY[weekday] * (0.85 + 0.3 * d / days))
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    for d in sorted(range(days), key=lambda d: counts[d] - shares[d])[: total - sum(counts)]:
        counts[d] += 1
    return counts


class Desk:
    """The request stream of one design-desk workspace."""

    def __init__(
        self, ctx: Ctx, people: DeskPeople, places: list[Place], result: SampleFile
    ) -> None:
        self.ctx, self.people, self.places, self.result = ctx, people, places, result
        self.pipe = Pipeline(ctx.workspace, "design-request")
        self.type = self.pipe.item_type
        self.rules = [
            (r.condition_field, r.condition_value, float(r.start_within_hours),
             float(r.finish_within_hours))
            for r in SlaRule.objects.filter(item_type=self.type).order_by("position")
        ]  # fmt: skip
        self.attachment_ids = IdPool(ctx.sink, Attachment)
        # Busy outlets file more: Pareto weights; the benchmark's applicant is busy.
        rng = ctx.rng
        weights = [rng.paretovariate(1.6) for _ in people.applicants]
        weights[0] = 3 * sum(weights) / len(weights)
        self.cum_weights = list(itertools.accumulate(weights))
        self._rows: dict[str, list[tuple[Any, ...]]] = {}

    def run(self, total: int, heavy: int) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        counts = _day_counts(ctx, total)
        waiting = min(total, max(6, round(total * 0.005)))
        queue_from = total - waiting
        named_queue = set(rng.sample(range(queue_from, total), min(waiting // 2, 3 + total // 40_000, 5)))  # fmt: skip  # noqa: E501
        named_queue = named_queue or {total - 1}
        # A few waiting ones were marked urgent by the head: at least one at any scale.
        urgent = set(rng.sample(range(queue_from, total), max(1, round(waiting * 0.1))))
        heavy_at = {0} | set(rng.sample(range(1, total), min(total - 1, heavy - 1)))
        self._reset()
        index = 0
        for day, count in enumerate(counts):
            day_start = ctx.start + day * DAY
            moments = sorted(
                day_start  # local midnight
                + rng.choices(HOURS, cum_weights=HOUR_WEIGHTS)[0] * HOUR
                + rng.randrange(0, HOUR)
                for _ in range(count)
            )
            for t0 in moments:
                t0 = min(t0, ctx.end - 60)
                forced = index >= queue_from
                requester = 0 if (index == 0 or index in named_queue) else None
                chat = 200 if index == 0 else rng.randrange(200, 400) if index in heavy_at else None
                self._item(
                    index, t0, forced=forced, requester=requester, chat=chat, urgent=index in urgent
                )
                index += 1
            if len(self._rows["items"]) >= BATCH:
                self._flush()
            ctx.events.flush_before(day_start + DAY)
        self._flush()
        ctx.events.flush()
        self.type.last_number = total
        self.type.save(update_fields=["last_number"])

    # --- one request --------------------------------------------------------------

    def _item(
        self,
        index: int,
        t0: int,
        *,
        forced: bool,
        requester: int | None,
        chat: int | None,
        urgent: bool,
    ) -> None:
        ctx, rng, clock, end = self.ctx, self.ctx.rng, self.ctx.clock, self.ctx.end
        people, pipe = self.people, self.pipe
        pk = ctx.item_ids.take()
        number = index + 1
        ref = f"{self.type.number_prefix}-{number:05d}"
        if requester is None:
            requester = rng.choices(range(len(people.applicants)), cum_weights=self.cum_weights)[0]
        applicant = people.applicants[requester].pk
        place = self.places[people.outlet_of[requester]]
        designer = rng.choice(people.designers).pk
        head = people.head.pk
        material = rng.choices(MATERIAL_KEYS, cum_weights=MATERIAL_WEIGHTS)[0]
        values, title = self._request(material, place, t0)
        label = f"{ref} {title}"[:300]
        event = ctx.event
        event(t0, applicant, "work.item_submitted", pk, label, {"reference": ref})
        status, urgent_at, started, closed, last = "new", None, None, None, t0
        worked = False
        pause: tuple[int, int | None] | None = None
        results: list[int] = []
        if urgent or (not forced and rng.random() < 0.04):
            urgent_at = min(end - 30, t0 + rng.randrange(300, 5_400))
            event(urgent_at, head, "work.marked_urgent", pk, label)
            last = urgent_at
        if not forced:
            if rng.random() < 0.03:  # a duplicate or misplaced request: the head closes it
                at = clock.add(t0, rng.uniform(0.2, 4) * HOUR)
                if at < end:
                    status, closed, last = "closed", at, at
                    comment = rng.choice(demo.CLOSINGS)
                    event(at, head, "work.status_changed", pk, label, pipe.payload("close", None, comment))  # fmt: skip  # noqa: E501
            else:
                status, started, closed, last, worked, pause = self._life(
                    pk, label, t0, urgent_at, applicant, designer, material, results
                )
                last = max(last, urgent_at or 0)
        # --- the row, as the services would have left it ---
        start_h, finish_h = self._sla(values)
        paused = 0
        if pause is not None and pause[1] is not None:
            paused = clock.wt(pause[1]) - clock.wt(pause[0])
        w0 = clock.wt(t0)
        start_at = clock.at(w0 + int(start_h * HOUR) + paused)
        due_at = clock.at(w0 + int(finish_h * HOUR) + paused)
        st = pipe.statuses[status]
        rows = self._rows
        rows["items"].append(
            (pk, ctx.workspace.pk, self.type.pk, number, title, st.pk, st.category, st.queued,
             applicant, place.pk, None, None, None, dumps(values), aware(urgent_at),
             0 if urgent_at else 1, aware(urgent_at or t0), aware(t0), aware(start_at),
             aware(due_at), aware(started), aware(closed), aware(t0), aware(last))
        )  # fmt: skip
        rows["watchers"].append((pk, applicant))
        if worked:
            rows["assignees"].append((pk, designer))
        if pause is not None:
            rows["pauses"].append((pk, aware(pause[0]), aware(pause[1])))
        if rng.random() < 0.15:  # the applicant attached a photo or a sketch when filing
            results.append(-(t0 + 60))
        for at in results:
            kind = AttachmentKind.INPUT if at < 0 else AttachmentKind.DELIVERABLE
            who = applicant if at < 0 else designer
            at = min(abs(at), end)
            att = self.attachment_ids.take()
            rows["attachments"].append(
                (att, ctx.workspace.pk, pk, kind.value, self.result.name,
                 f"{ref}-{len(rows['attachments']) % 9 + 1}.png", self.result.content_type,
                 self.result.size, who, aware(at))
            )  # fmt: skip
            added = {"name": self.result.original_name, "kind": kind.value, "attachment_id": att}
            event(at, who, "documents.attachment_added", pk, label, added)
        count = chat if chat is not None else message_count(rng)
        if count:
            voices: list[tuple[int, tuple[str, ...], bool]] = [
                (applicant, text.DESK_REQUESTER, False)
            ]
            if worked:
                voices.insert(0, (designer, text.DESK_DESIGNER, True))
            voices.append((head, text.DESK_HEAD, True))
            until = min(end, (closed or end) + 2 * DAY)
            if until <= t0 + 600:
                until = min(end, t0 + HOUR)
            readers = (applicant, designer) if worked else (applicant,)
            write_chat(
                ctx,
                # The benchmark's 200-message page shows all 200 to anyone: no notes.
                Chat(pk, ref, label, voices, () if index == 0 else text.DESK_NOTES),
                count,
                t0 + 30,
                until,
                rows["messages"],
                rows["reads"],
                readers,
                all_read=st.category == "closed",
            )

    def _life(
        self,
        pk: int,
        label: str,
        t0: int,
        urgent_at: int | None,
        applicant: int,
        designer: int,
        material: str,
        results: list[int],
    ) -> tuple[str, int | None, int | None, int, bool, tuple[int, int | None] | None]:
        """(status, started_at, closed_at, last change, taken?, pause) reached by the end."""
        ctx, rng, clock, end, pipe = self.ctx, self.ctx.rng, self.ctx.clock, self.ctx.end, self.pipe
        event, off = ctx.event, ctx.offset
        wait = rng.uniform(0.1, 1.5) if urgent_at else rng.uniform(0.5, 9) * (3 if rng.random() < 0.08 else 1)  # fmt: skip  # noqa: E501
        taken = clock.add(max(t0, urgent_at or t0), wait * HOUR)
        if taken >= end:
            return "new", None, None, t0, False, None
        event(taken, designer, "work.taken", pk, label)
        event(taken, designer, "work.status_changed", pk, label, pipe.payload("take", "new"))
        low, high = demo.MATERIALS[material][2]
        effort = rng.uniform(low, high) * (4 if rng.random() < 0.03 else 1)  # some get stuck
        resumed, remaining, pause = taken, effort, None
        if rng.random() < 0.12:  # the designer needs an answer first
            share = rng.uniform(0.1, 0.5)
            asked = clock.add(taken, effort * share * HOUR)
            if asked >= end:
                return "in_progress", taken, None, taken, True, None
            comment = rng.choice(demo.QUESTIONS)
            event(asked, designer, "work.status_changed", pk, label, pipe.payload("ask_clarification", "in_progress", comment))  # fmt: skip  # noqa: E501
            answered = awake(asked + int(rng.uniform(0.5, 30) * HOUR), off, rng.randrange(0, 7_200))
            if answered >= end:
                return "clarification", taken, None, asked, True, (asked, None)
            comment = rng.choice(demo.ANSWERS)
            event(answered, applicant, "work.status_changed", pk, label, pipe.payload("answer", "clarification", comment))  # fmt: skip  # noqa: E501
            pause = (asked, answered)
            resumed, remaining = answered, effort * (1 - share)
        done = clock.add(resumed, remaining * HOUR)
        if done >= end:
            return "in_progress", taken, None, resumed, True, pause
        results.append(done - 60)
        event(done, designer, "work.status_changed", pk, label, pipe.payload("complete", "in_progress"))  # fmt: skip  # noqa: E501
        if rng.random() < 0.06:  # the applicant returns it, saying why
            returned = awake(done + int(rng.uniform(0.5, 30) * HOUR), off, rng.randrange(0, 7_200))
            if returned >= end:
                return "completed", taken, done, done, True, pause
            comment = rng.choice(demo.REVISIONS)
            event(returned, applicant, "work.status_changed", pk, label, pipe.payload("return_for_revision", "completed", comment))  # fmt: skip  # noqa: E501
            done = clock.add(returned, rng.uniform(0.3, 3) * HOUR)
            if done >= end:
                return "revision", taken, None, returned, True, pause
            results.append(done - 60)
            event(done, designer, "work.status_changed", pk, label, pipe.payload("complete", "revision"))  # fmt: skip  # noqa: E501
        if rng.random() < 0.88:  # most accept; the rest never press the button
            roll = rng.random()
            delay = rng.uniform(0.2, 8) if roll < 0.6 else rng.uniform(8, 72) if roll < 0.9 else 200
            accepted = awake(done + int(delay * HOUR), off, rng.randrange(0, 7_200))
            if accepted < end:
                event(accepted, applicant, "work.status_changed", pk, label, pipe.payload("accept", "completed"))  # fmt: skip  # noqa: E501
                return "closed", taken, done, accepted, True, pause
        return "completed", taken, done, done, True, pause

    def _sla(self, values: dict[str, str]) -> tuple[float, float]:
        for field, value, start_h, finish_h in self.rules:
            if not field or str(values.get(field, "")) == value:
                return start_h, finish_h
        return 8.0, 24.0

    def _request(self, material: str, place: Place, t0: int) -> tuple[dict[str, str], str]:
        """The technical task (the four required fields) and a title, in the applicant's
        words (as the demo writes them)."""
        rng = self.ctx.rng
        # No seasonal promotions: the month moves with the timeline (see _day_counts).
        promo = rng.choice(place.promos + demo.COMMON_PROMOS)
        size = rng.choice(demo.MATERIALS[material][1])
        titles = {
            "poster": f"Плакат «{promo}»",
            "leaflet": f"Листовка «{promo}»",
            "banner": f"Баннер «{promo}»",
            "menu": f"Меню: {rng.choice(demo.MENU_KINDS)}",
            "decor": f"{rng.choice(demo.DECOR_KINDS).capitalize()}: «{promo}»",
            "web": f"Веб-баннер «{promo}»",
            "delivery": f"Графика для {rng.choice(demo.DELIVERY_SERVICES)}: «{promo}»",
            "resize": f"Адаптация макета «{promo}» {size}",
        }
        texts = f"Заголовок: {promo}.\nВнизу: {place.brand}, {place.address}."
        wishes = rng.choice(demo.WISHES)
        values = {"material_type": material, "size": size, "texts": texts, "wishes": wishes}
        return values, titles[material][:300]

    # --- writing ------------------------------------------------------------------

    def _reset(self) -> None:
        self._rows = {
            k: []
            for k in (
                "items", "watchers", "assignees", "pauses", "attachments", "messages", "reads",
            )
        }  # fmt: skip

    def _flush(self) -> None:
        """Parents before children, so every foreign key holds at the end of each COPY."""
        sink, rows = self.ctx.sink, self._rows
        sink.write(Item, ITEM_FIELDS, rows["items"])
        sink.write(Item.watchers.through, LINK_FIELDS, rows["watchers"])
        sink.write(Item.assignees.through, LINK_FIELDS, rows["assignees"])
        sink.write(ItemPause, ("item", "started_at", "ended_at"), rows["pauses"])
        sink.write(Attachment, ATTACHMENT_FIELDS, rows["attachments"])
        from pult.chat.models import Message, MessageRead

        sink.write(Message, MESSAGE_FIELDS, rows["messages"])
        sink.write(MessageRead, READ_FIELDS, rows["reads"])
        self._reset()
