"""What both halves of `pult seed` share: the context, people, events and chat rows."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType

from pult.access.models import Role
from pult.accounts.models import Membership, User, Workspace
from pult.activity.describe import both_languages
from pult.activity.models import Event
from pult.chat.events import INTERNAL_NOTE_POSTED, MESSAGE_POSTED
from pult.chat.models import Message
from pult.presets import demo_names as names
from pult.presets.seed_sink import IdPool, Sink, TimeOrdered
from pult.presets.seed_time import WorkClock, aware
from pult.work.models import Item, ItemType, Status, Transition

EVENT_FIELDS = (
    "workspace", "actor", "verb", "target_type", "target_id", "target_label", "payload",
    "created_at",
)  # fmt: skip
ITEM_FIELDS = (
    "id", "workspace", "item_type", "number", "title", "status", "category", "in_queue",
    "requester", "outlet", "client", "contract", "manager", "values", "urgent_at",
    "queue_rank", "queue_at", "submitted_at", "start_at", "due_at", "started_at",
    "closed_at", "created_at", "updated_at",
)  # fmt: skip
MESSAGE_FIELDS = ("id", "workspace", "item", "author", "body", "internal", "created_at")
READ_FIELDS = ("workspace", "item", "user", "last_read_message", "last_read_at")
LINK_FIELDS = ("item", "user")
BATCH = 4_000  # items per written batch: bounds memory at any scale


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Person:
    pk: int
    email: str
    full_name: str


@dataclass
class Ctx:
    """One workspace's generation: where rows go, the clock, the end of history."""

    sink: Sink
    rng: random.Random
    workspace: Workspace
    clock: WorkClock
    start: int  # first filing day, local midnight (Unix seconds)
    end: int  # the end of the history (Unix seconds)
    offset: int  # the calendar zone's offset from UTC, seconds
    events: TimeOrdered = field(init=False)
    item_ids: IdPool = field(init=False)
    message_ids: IdPool = field(init=False)
    ct_item: int = field(init=False)
    ct_message: int = field(init=False)

    def __post_init__(self) -> None:
        self.events = TimeOrdered(self.sink, Event, EVENT_FIELDS)
        self.item_ids = IdPool(self.sink, Item)
        self.message_ids = IdPool(self.sink, Message)
        self.ct_item = ContentType.objects.get_for_model(Item).pk
        self.ct_message = ContentType.objects.get_for_model(Message).pk

    def event(
        self,
        at: int,
        actor: int | None,
        verb: str,
        target_id: int,
        label: str,
        payload: dict[str, Any] | None = None,
        target_type: int | None = None,
    ) -> None:
        """An event row as `activity.services.event_record` writes it (no notifications:
        history is not news)."""
        self.events.add(
            at,
            (
                self.workspace.pk,
                actor,
                verb,
                target_type or self.ct_item,
                target_id,
                label,
                dumps(payload or {}),
                aware(at),
            ),
        )


class Pipeline:
    """An item type's statuses and steps by key, with the Russian names events carry."""

    def __init__(self, workspace: Workspace, key: str) -> None:
        self.item_type = ItemType.objects.get(workspace=workspace, key=key)
        self.statuses = {s.key: s for s in Status.objects.filter(item_type=self.item_type)}
        self.steps = {
            (t.key, t.from_status.key if t.from_status else None): t
            for t in Transition.objects.filter(item_type=self.item_type).select_related(
                "from_status", "to_status"
            )
        }

    def payload(self, key: str, source: str | None, comment: str = "") -> dict[str, object]:
        """As `work_item_transition` records a step: from, to, step label, comment."""
        step = self.steps.get((key, source)) or self.steps[(key, None)]
        before = self.statuses[source] if source else None
        return {
            "from": both_languages(before.name_en, before.name_ru) if before else "",
            "to": both_languages(step.to_status.name_en, step.to_status.name_ru),
            "step": both_languages(step.label_en, step.label_ru),
            "from_key": before.key if before else "",
            "to_key": step.to_status.key,
            "step_key": step.key,
            "comment": comment,
        }


def make_people(
    workspace: Workspace,
    rng: random.Random,
    people: list[tuple[str, str, str]],
    password: str,
    joined: int,
) -> list[Person]:
    """Users (email, role name, position) with Russian names and phones, members of the
    workspace with that role; one password hash for all. A few thousand at most, so
    plain bulk_create: it returns the ids on PostgreSQL and SQLite alike."""
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    users = []
    for email, _role, position in people:
        first, family, _patronymic, _female = names.person(rng)
        users.append(
            User(
                email=email,
                full_name=f"{first} {family}",
                phone=names.phone(rng),
                position=position,
                password=password,
                current_workspace=workspace,
                date_joined=datetime.fromtimestamp(joined - rng.randrange(0, 400) * 86_400, UTC),
            )
        )
    created = User.objects.bulk_create(users, batch_size=1_000)
    memberships = Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=u) for u in created], batch_size=1_000
    )
    Membership.roles.through.objects.bulk_create(
        [
            Membership.roles.through(membership_id=m.pk, role_id=roles[role].pk)
            for m, (_e, role, _p) in zip(memberships, people, strict=True)
        ],
        batch_size=1_000,
    )
    return [Person(u.pk, u.email, u.full_name) for u in created]


def message_count(rng: random.Random) -> int:
    """Messages in an ordinary thread: a third have none, most a few, a long tail to 20."""
    roll = rng.random()
    if roll < 0.32:
        return 0
    if roll < 0.985:
        return min(20, 1 + int(rng.expovariate(1 / 2.6)))
    return rng.randrange(21, 60)


@dataclass
class Chat:
    """An item's conversation: who may write, and which lines they use."""

    item_id: int
    reference: str
    label: str
    # (author id, lines, may write internal notes) in rough order of how often they write
    voices: list[tuple[int, tuple[str, ...], bool]]
    notes: tuple[str, ...] = ()


def write_chat(
    ctx: Ctx,
    chat: Chat,
    count: int,
    since: int,
    until: int,
    messages: list[tuple[Any, ...]],
    reads: list[tuple[Any, ...]],
    readers: tuple[int, ...],
    all_read: bool,
    public_readers: int = 1,
) -> None:
    """`count` messages between `since` and `until` with their events, and read marks:
    the first `public_readers` readers (the requester side) see no internal notes.
    Who wrote last has read everything up to there (chat.services._advance_read)."""
    from pult.presets.seed_text import fill

    rng = ctx.rng
    if count <= 0 or until <= since:
        return
    times = sorted(rng.randrange(since, until) for _ in range(count))
    payload = {"item_id": chat.item_id, "reference": chat.reference}
    weights = [len(chat.voices) - n for n in range(len(chat.voices))]
    written: list[tuple[int, int, int, bool]] = []  # (id, at, author, internal)
    for at in times:
        author, lines, may_note = rng.choices(chat.voices, weights=weights)[0]
        internal = may_note and bool(chat.notes) and rng.random() < 0.06
        body = fill(rng, rng.choice(chat.notes if internal else lines))
        pk = ctx.message_ids.take()
        messages.append((pk, ctx.workspace.pk, chat.item_id, author, body, internal, aware(at)))
        written.append((pk, at, author, internal))
        verb = INTERNAL_NOTE_POSTED if internal else MESSAGE_POSTED
        ctx.event(at, author, verb, pk, chat.label, payload, target_type=ctx.ct_message)
    for n, reader in enumerate(readers):
        seen = [m for m in written if not (n < public_readers and m[3])]
        own = [m for m in seen if m[2] == reader]
        if not seen:
            continue
        mark = seen[-1]
        if not all_read and rng.random() < 0.35:
            # Not caught up yet: read up to their own last message (or not opened at all).
            if not own:
                continue
            mark = own[-1]
        read_at = min(ctx.end, mark[1] + rng.randrange(5, 900))
        reads.append((ctx.workspace.pk, chat.item_id, reader, mark[0], aware(read_at)))
