"""What `pult bench` measures, found in the seed workspaces (see presets/seed_contract).

Each scenario names the person it runs as (a contract login), the workspace, and the
request; the concrete ids and search words come from the data, deterministically (lowest
ids), so two runs on the same seed measure the same pages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count

from pult.accounts.models import User, Workspace
from pult.bench.load import Call
from pult.bench.report import CHAT, READ, STATISTICS, WRITE
from pult.presets import seed_contract as contract

# Titles and message bodies the bench writes start with it: the seed check skips them.
MARKER = "[bench]"


class SeedMissing(Exception):
    """The database does not hold what the seed contract promises."""


@dataclass
class Scenario:
    name: str
    label: str
    kind: str
    email: str
    workspace: Workspace
    method: str = "GET"
    path: str = ""
    token: bool = False  # the API's Bearer token instead of the session
    expect: tuple[int, ...] = (200,)
    body: Callable[[int], bytes] | None = None  # request n's body
    item_id: int | None = None  # the chat's item
    extra: dict[str, Any] = field(default_factory=dict)

    def call(self, n: int, headers: dict[str, str]) -> Call:
        body = self.body(n) if self.body else None
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        return Call(self.method, self.path, body, headers)


def seed_workspaces() -> tuple[Workspace, Workspace]:
    found = {
        w.slug: w
        for w in Workspace.objects.filter(slug__in=[contract.DESK_SLUG, contract.ORDERS_SLUG])
    }
    missing = {contract.DESK_SLUG, contract.ORDERS_SLUG} - set(found)
    if missing:
        raise SeedMissing(f"no seed workspace {', '.join(sorted(missing))}")
    return found[contract.DESK_SLUG], found[contract.ORDERS_SLUG]


def seed_item_count() -> int | None:
    """Work items in the seed workspaces, not counting those the bench created; None when
    the workspaces are missing."""
    from pult.work.models import Item

    try:
        desk, orders = seed_workspaces()
    except SeedMissing:
        return None
    return (
        Item.objects.filter(workspace__in=[desk, orders]).exclude(title__startswith=MARKER).count()
    )


def remove_bench_rows() -> int:
    """Take out what a run wrote (items and chat messages marked MARKER, with their
    events), so that every run measures the seed as it was: the API create scenario
    files its items as the applicant, whose track list would otherwise grow each run.
    The number of items and messages removed."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from pult.activity.models import Event
    from pult.chat.models import Message
    from pult.work.models import Item

    try:
        desk, orders = seed_workspaces()
    except SeedMissing:
        return 0
    workspaces = [desk, orders]
    with transaction.atomic():
        items = list(
            Item.objects.filter(workspace__in=workspaces, title__startswith=MARKER).values_list(
                "pk", flat=True
            )
        )
        messages = list(
            Message.objects.filter(workspace__in=workspaces, body__startswith=MARKER).values_list(
                "pk", flat=True
            )
        )
        for model, ids in ((Item, items), (Message, messages)):
            Event.objects.filter(
                target_type=ContentType.objects.get_for_model(model), target_id__in=ids
            ).delete()
        Message.objects.filter(pk__in=messages).delete()
        Item.objects.filter(pk__in=items).delete()  # with the rollup's share (its signal)
    return len(items) + len(messages)


def seed_matches(count: int | None, scale: float) -> bool:
    """The seed is `scale` when its items are within ±25% of the contract's figure (the
    seed's own mix is approximate; the bench's writes are not counted)."""
    if count is None:
        return False
    expected = scale * contract.ITEMS_PER_SCALE
    return 0.75 * expected <= count <= 1.25 * expected


def _user(email: str, workspace: Workspace) -> User:
    """A contract login, set to act in `workspace` (its current workspace is what the
    pages and sockets use)."""
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        raise SeedMissing(f"no active user {email}")
    if user.current_workspace_id != workspace.pk:
        User.objects.filter(pk=user.pk).update(current_workspace=workspace)
    return user


def misspell(name: str) -> str:
    """A client's name as a hurried manager types it: without the legal form and quotes,
    one inner letter of the longest word doubled ("ООО «Рога и копыта»" → "Рога и
    копыыта"), so the search must be fuzzy to find it."""
    core = name[name.index("«") + 1 : name.rindex("»")] if "«" in name and "»" in name else name
    words = re.findall(r"\w{4,}", core)
    if not words:
        return core
    word = max(words, key=len)
    i = len(word) // 2
    return core.replace(word, word[:i] + word[i] + word[i:], 1)


def _search_word(title: str) -> str:
    words = re.findall(r"\w{4,}", title)
    return max(words, key=len).lower() if words else title


def build(*, sockets: int) -> list[Scenario]:
    """The issue's eleven scenarios on the seed data; SeedMissing names what is absent."""
    from pult.chat.models import Message
    from pult.documents.models import Attachment, Material
    from pult.parties.models import Client
    from pult.work.models import Item, ItemType

    desk, orders = seed_workspaces()
    head = _user(contract.DESK_HEAD, desk)
    applicant = _user(contract.DESK_APPLICANT, desk)
    _user(contract.ORDERS_MANAGER, orders)
    desk_type = ItemType.objects.filter(workspace=desk).order_by("pk").first()
    if desk_type is None:
        raise SeedMissing(f"{desk.slug} has no item type")

    busiest = (
        Message.objects.filter(workspace=desk)
        .values("item")
        .annotate(n=Count("pk"))
        .order_by("-n", "item")
        .first()
    )
    if busiest is None:
        raise SeedMissing(f"{desk.slug} has no chat messages")
    item_id, item_messages = int(busiest["item"]), int(busiest["n"])

    client_name = (
        Client.objects.filter(workspace=orders)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    if client_name is None:
        raise SeedMissing(f"{orders.slug} has no clients")
    contract_number = (
        Item.objects.filter(workspace=orders, contract__isnull=False)
        .order_by("pk")
        .values_list("contract__number", flat=True)
        .first()
    )
    if contract_number is None:
        raise SeedMissing(f"{orders.slug} has no order with a contract")
    material_title = (
        Material.objects.filter(workspace=desk)
        .order_by("pk")
        .values_list("title", flat=True)
        .first()
    )
    if material_title is None:
        raise SeedMissing(f"{desk.slug} has no materials")
    attachment = next(
        (
            a
            for a in Attachment.objects.filter(workspace=desk).order_by("pk")[:50]
            if a.file.name and default_storage.exists(a.file.name)
        ),
        None,
    )
    if attachment is None:
        raise SeedMissing(f"{desk.slug} has no attachment with its file on disk")
    template = (
        Item.objects.filter(workspace=desk, requester=applicant, item_type=desk_type)
        .order_by("-pk")
        .values("values", "outlet_id")
        .first()
    )
    if template is None:
        raise SeedMissing(f"{applicant.email} has no request to copy for the API create")

    def create_body(n: int) -> bytes:
        return json.dumps(
            {
                "item_type": desk_type.key,
                "title": f"{MARKER} API {n}",
                "values": template["values"],
                "outlet": template["outlet_id"],
            }
        ).encode()

    misspelled = misspell(client_name)
    word = _search_word(material_title)
    d, o = contract.DESK_HEAD, contract.ORDERS_MANAGER
    from urllib.parse import urlencode

    return [
        Scenario(
            "queue",
            "head's request list: open requests, 50 rows",
            READ,
            d,
            desk,
            path=f"/items/?{urlencode({'item_type': desk_type.pk, 'category': 'active'})}",
        ),
        Scenario(
            "track",
            "applicant's track list with positions",
            READ,
            applicant.email,
            desk,
            path="/items/mine/",
        ),
        Scenario(
            "item_page",
            f"item page with {item_messages} messages",
            READ,
            d,
            desk,
            path=f"/items/{item_id}/",
            extra={"messages": item_messages},
        ),
        Scenario(
            "client_search",
            f"client search by misspelled name «{misspelled}»",
            READ,
            o,
            orders,
            path=f"/clients/?{urlencode({'q': misspelled})}",
        ),
        Scenario(
            "order_search",
            f"order search by contract number {contract_number}",
            READ,
            o,
            orders,
            path=f"/items/?{urlencode({'q': contract_number})}",
        ),
        Scenario(
            "materials_search",
            f"materials search «{word}»",
            READ,
            applicant.email,
            desk,
            path=f"/materials/?{urlencode({'q': word})}",
        ),
        Scenario(
            "statistics", "head's statistics page", STATISTICS, d, desk, path="/reports/statistics/"
        ),
        Scenario(
            "api_item_list",
            "API item list, 50 per page",
            READ,
            d,
            desk,
            path="/api/v1/items?limit=50",
            token=True,
        ),
        Scenario(
            "api_item_create",
            "API item create",
            WRITE,
            applicant.email,
            desk,
            method="POST",
            path="/api/v1/items",
            token=True,
            expect=(201,),
            body=create_body,
        ),
        Scenario(
            "chat",
            f"chat round trip over WebSocket, {sockets} sockets",
            CHAT,
            head.email,
            desk,
            item_id=item_id,
            extra={"sockets": sockets},
        ),
        Scenario(
            "file_download",
            f"file download ({attachment.size} bytes)",
            READ,
            d,
            desk,
            path=f"/files/{attachment.pk}/",
        ),
    ]
