"""Work-item reads, always through `item_visible_to(actor, workspace)`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from pult.access.policies import has_permission
from pult.accounts.selectors import people_for_choice
from pult.core.exceptions import NotFound
from pult.core.locking import locked
from pult.core.pagination import KeysetPage, keyset_page, keyset_values
from pult.core.params import id_or_none
from pult.work import pipeline_cache, policies
from pult.work.filters import ItemFilter, apply_filter
from pult.work.models import (
    FieldDef,
    FieldKind,
    FieldMode,
    Item,
    ItemType,
    Status,
    StatusCategory,
    Transition,
    VisibilityGrant,
    item_reference,
)
from pult.work.permissions import VIEW_OUTLET

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace

M = TypeVar("M", ItemType, Status)


def item_visible_to(actor: User, workspace: Workspace) -> QuerySet[Item]:
    """What the actor may see: everything (heads, specialists with view_all), else their
    own requests, the items they work on or watch, and their outlets' items."""
    items = Item.objects.filter(workspace=workspace)
    if not actor.is_authenticated:
        return items.none()
    if policies.can_see_all_items(actor, workspace):
        return items
    mine = Q(requester=actor) | Q(assignees=actor) | Q(watchers=actor)
    if has_permission(actor, workspace, VIEW_OUTLET):
        mine |= Q(outlet__members=actor)
    mine |= _granted_managers(actor, workspace)
    # Subquery keeps the joins from duplicating rows.
    return items.filter(pk__in=Item.objects.filter(workspace=workspace).filter(mine).values("pk"))


def item_for_update(actor: User | None, workspace: Workspace, item_id: int) -> Item:
    """The item, locked for the caller's transaction, if the actor may see it (NotFound
    otherwise: a service refuses what its actor cannot see even if a view forgot to
    check). `actor=None` is the system's own write (a task, the automatic assignment),
    scoped to the workspace. With its type and status, and the pipeline's copy."""
    items = (
        Item.objects.filter(workspace=workspace)
        if actor is None
        else item_visible_to(actor, workspace)
    )
    item = locked(items.select_related("item_type", "status"), item_id)
    # Read within this workspace: spare the queries that would fetch it again.
    item.workspace = workspace
    item.item_type.workspace = workspace
    pipeline_cache.attach(item.item_type)
    return item


def _granted_managers(actor: User, workspace: Workspace) -> Q:
    """Items of the managers whose orders the actor's department or one of their roles
    was granted (VisibilityGrant); a subquery, no extra round trip."""
    grants = VisibilityGrant.objects.filter(workspace=workspace).filter(
        Q(
            department__memberships__user=actor,
            department__memberships__workspace=workspace,
            department__memberships__is_active=True,
        )
        | Q(
            role__memberships__user=actor,
            role__memberships__workspace=workspace,
            role__memberships__is_active=True,
        )
    )
    return Q(manager__in=grants.values("managers"))


def _for_display(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.select_related(
        "item_type",
        "status",
        "requester",
        "outlet",
        "outlet__brand",
        "client",
        "contract",
        "manager",
    )


def item_get(*, actor: User, workspace: Workspace, item_id: int) -> Item:
    """One item the actor may see, with what its page reads: people, sign-offs, the
    type's fields and stages, and `watching` (the actor follows it)."""
    watching = Item.watchers.through.objects.filter(item_id=OuterRef("pk"), user_id=actor.pk)
    item = (
        _for_display(item_visible_to(actor, workspace))
        .prefetch_related("assignees", "signoffs")
        .annotate(watching=Exists(watching))
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound("item")
    # The selector filtered by this workspace: spare the queries that would fetch it.
    item.workspace = workspace
    item.item_type.workspace = workspace
    pipeline_cache.attach(item.item_type)  # fields and stages from the process's copy
    return item


def with_queue_position(items: QuerySet[Item]) -> QuerySet[Item]:
    """Annotate `ahead`: how many queued items of the same type come before each one
    (None for items not waiting).

    One correlated count per row over the partial index `item_queue` (urgent first,
    then by time, then id), so a page of 50 rows is one SQL statement.
    """
    ahead = (
        Item.objects.filter(
            workspace=OuterRef("workspace"), item_type=OuterRef("item_type"), in_queue=True
        )
        .filter(
            Q(queue_rank__lt=OuterRef("queue_rank"))
            | Q(queue_rank=OuterRef("queue_rank"), queue_at__lt=OuterRef("queue_at"))
            | Q(
                queue_rank=OuterRef("queue_rank"),
                queue_at=OuterRef("queue_at"),
                id__lt=OuterRef("id"),
            )
        )
        .order_by()
        .values("item_type")
        .annotate(n=Count("id"))
        .values("n")
    )
    counted = Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0))
    return items.annotate(
        ahead=Case(When(in_queue=True, then=counted), default=None, output_field=IntegerField())
    )


def queue_position(item: Item) -> int | None:
    """How many items are ahead of this one, or None when it is not waiting."""
    if not item.in_queue:
        return None
    return (
        Item.objects.filter(workspace=item.workspace_id, item_type=item.item_type_id, in_queue=True)
        .filter(
            Q(queue_rank__lt=item.queue_rank)
            | Q(queue_rank=item.queue_rank, queue_at__lt=item.queue_at)
            | Q(queue_rank=item.queue_rank, queue_at=item.queue_at, id__lt=item.pk)
        )
        .count()
    )


def queue_list(*, workspace: Workspace, item_type_id: int, limit: int = 50) -> list[Item]:
    """The head of the queue in the order specialists take it."""
    return list(
        _for_display(
            Item.objects.filter(workspace=workspace, item_type=item_type_id, in_queue=True)
        ).order_by("queue_rank", "queue_at", "id")[:limit]
    )


def filtered_items(*, actor: User, workspace: Workspace, flt: ItemFilter) -> QuerySet[Item]:
    """The items the actor may see, narrowed by the filter; a filter on a field the
    actor may not see is dropped (its matches would reveal the value)."""
    if flt.values and (hidden := policies.hidden_field_keys(actor, workspace) & set(flt.values)):
        flt = replace(flt, values={k: v for k, v in flt.values.items() if k not in hidden})
    return apply_filter(item_visible_to(actor, workspace), flt)


def item_list(
    *, actor: User, workspace: Workspace, flt: ItemFilter, cursor: int | None, page_size: int = 50
) -> KeysetPage[Item]:
    """One page of the filtered list, newest first (keyset on id: flat at any depth)."""
    items = filtered_items(actor=actor, workspace=workspace, flt=flt)
    page = keyset_page(_for_display(items), cursor=cursor, page_size=page_size)
    prefetch_related_objects(page.rows, "assignees")
    return page


# What a list reads of each item: its own columns and the names it shows of its
# requester, outlet, client, contract and manager. Types and statuses, a handful per
# page, come apart as model instances (their names are bilingual).
_ROW_COLUMNS = (
    *("id", "item_type_id", "number", "title", "status_id", "urgent_at", "values"),
    *("submitted_at", "start_at", "due_at", "started_at", "closed_at"),
    *("requester_id", "requester__full_name", "manager_id", "manager__full_name"),
    *("outlet_id", "outlet__brand__name", "outlet__city", "outlet__number"),
    *("client_id", "client__name", "contract_id", "contract__number"),
)


def item_rows(
    *,
    actor: User,
    workspace: Workspace,
    flt: ItemFilter,
    cursor: int | None,
    page_size: int = 50,
    item_types: Iterable[ItemType] = (),
    statuses: Iterable[Status] = (),
) -> KeysetPage[dict[str, Any]]:
    """`item_list` as plain rows (`row_of`), for the list page and the API: the same
    filter, visibility and order, without a model instance per item and relation
    (about 300 a page, which cost twice what the query did; and a template reads a
    dict's keys much faster than a model's attributes). Types and statuses the caller
    holds already (`item_types`, `statuses`) are not read again."""
    items = filtered_items(actor=actor, workspace=workspace, flt=flt)
    page = keyset_values(items.values(*_ROW_COLUMNS), cursor=cursor, page_size=page_size)
    if not page.rows:
        return page
    assignees: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in page.rows}
    pairs = (
        Item.assignees.through.objects.filter(item_id__in=list(assignees))
        .order_by("pk")
        .values_list("item_id", "user_id", "user__full_name")
    )
    for item_id, user_id, full_name in pairs:
        assignees[item_id].append({"id": user_id, "full_name": full_name})
    types = _in_bulk(ItemType, {row["item_type_id"] for row in page.rows}, item_types)
    for item_type in types.values():
        item_type.workspace = workspace  # spare the query that would fetch it again
    status_of = _in_bulk(Status, {row["status_id"] for row in page.rows}, statuses)
    page.rows = [
        _row(row, types[row["item_type_id"]], status_of[row["status_id"]], assignees[row["id"]])
        for row in page.rows
    ]
    return page


def _in_bulk(model: type[M], ids: set[int], held: Iterable[M]) -> dict[int, M]:
    """The rows of these ids, read only for those not among `held`."""
    found = {row.pk: row for row in held if row.pk in ids}
    if missing := ids - found.keys():
        found |= model.objects.in_bulk(missing)
    return found


def row_of(item: Item) -> dict[str, Any]:
    """One item as a row of `item_rows`, from the model (with its relations loaded)."""

    def column(path: str) -> Any:  # "outlet__brand__name": item.outlet.brand.name or None
        value: Any = item
        for name in path.split("__"):
            if value is None:
                return None
            value = getattr(value, name)
        return value

    people = [{"id": u.pk, "full_name": u.full_name} for u in item.assignees.all()]
    return _row({c: column(c) for c in _ROW_COLUMNS}, item.item_type, item.status, people)


def _row(
    columns: dict[str, Any],
    item_type: ItemType,
    status: Status,
    assignees: list[dict[str, Any]],
) -> dict[str, Any]:
    def ref(key: str, name: str, value: Any) -> dict[str, Any] | None:
        return {"id": columns[key], name: value} if columns[key] else None

    return {
        "id": columns["id"],
        "url": reverse("work:item_detail", args=[columns["id"]]),
        "reference": item_reference(item_type, columns["number"]),
        "item_type": item_type,
        "title": columns["title"],
        "status": status,
        "urgent_at": columns["urgent_at"],
        "values": columns["values"],
        "submitted_at": columns["submitted_at"],
        "start_at": columns["start_at"],
        "due_at": columns["due_at"],
        "started_at": columns["started_at"],
        "closed_at": columns["closed_at"],
        "requester": ref("requester_id", "full_name", columns["requester__full_name"]),
        "assignees": assignees,
        # As the pages have always named an outlet: brand · city, №number.
        "outlet": f"{columns['outlet__brand__name']} · {columns['outlet__city']}, "
        f"№{columns['outlet__number']}"
        if columns["outlet_id"]
        else None,
        "outlet_id": columns["outlet_id"],  # the list links an outlet to its requests
        "client": ref("client_id", "name", columns["client__name"]),
        "contract": ref("contract_id", "number", columns["contract__number"]),
        "manager": ref("manager_id", "full_name", columns["manager__full_name"]),
    }


EXPORT_CHUNK = 1000


def item_export_rows(
    *, actor: User, workspace: Workspace, flt: ItemFilter
) -> Iterator[tuple[Item, dict[str, str]]]:
    """Every item of the filtered list for export with the actor's field policy for it
    (field key → mode: a hidden field's value must not be written), streamed in id
    order by chunks: a few queries per thousand items, whatever the total."""
    items = _for_display(filtered_items(actor=actor, workspace=workspace, flt=flt))
    chunk: list[Item] = []
    for item in items.prefetch_related("assignees").order_by("-pk").iterator(EXPORT_CHUNK):
        chunk.append(item)
        if len(chunk) == EXPORT_CHUNK:
            yield from _with_field_modes(actor, workspace, chunk)
            chunk = []
    yield from _with_field_modes(actor, workspace, chunk)


def _with_field_modes(
    actor: User, workspace: Workspace, items: list[Item]
) -> Iterator[tuple[Item, dict[str, str]]]:
    if not items:
        return
    modes = policies.field_modes_many(actor=actor, workspace=workspace, items=items)
    for item in items:
        yield item, modes[item.pk]


TRACK_PAGE = 50


def track_list(
    *, actor: User, workspace: Workspace, cursor: int | None = None, page_size: int = TRACK_PAGE
) -> KeysetPage[Item]:
    """A page of the requester's open items, newest first, each with `ahead` (None when
    not queued).

    The places come from one pass over the queue (a window over the index `item_queue`)
    rather than a count per row: a requester with fifty waiting items would otherwise
    cost fifty counts over the queue."""
    page = keyset_page(
        _for_display(
            item_visible_to(actor, workspace)
            .filter(requester=actor)
            .exclude(category=StatusCategory.CLOSED)
        ),
        cursor=cursor,
        page_size=page_size,
    )
    items = page.rows
    queued = [item.pk for item in items if item.in_queue]
    places: dict[int, int] = {}
    if queued:
        place = Window(
            RowNumber(),
            partition_by=[F("item_type")],
            order_by=[F("queue_rank").asc(), F("queue_at").asc(), F("id").asc()],
        )
        types = {item.item_type_id for item in items if item.in_queue}
        ranked = (
            Item.objects.filter(workspace=workspace, in_queue=True, item_type_id__in=types)
            .annotate(place=place)
            .values_list("pk", "place")
        )
        # The requester's rows are picked outside the window (the ORM would filter them
        # before it, numbering them among themselves).
        sql, params = ranked.query.sql_with_params()
        marks = ", ".join(["%s"] * len(queued))
        with connection.cursor() as db:
            db.execute(
                f"SELECT pk, place FROM ({sql}) AS queue WHERE pk IN ({marks})",  # noqa: S608
                [*params, *queued],
            )
            places = {pk: place - 1 for pk, place in db.fetchall()}
    for item in items:
        item.ahead = places.get(item.pk)  # type: ignore[attr-defined]
    return page


def archive_page(
    *, actor: User, workspace: Workspace, cursor: int | None, q: str = ""
) -> KeysetPage[Item]:
    """The requester's finished work, newest first, with deliverables prefetched."""
    items = item_visible_to(actor, workspace).filter(
        requester=actor, category=StatusCategory.CLOSED
    )
    if q:
        items = apply_filter(items, ItemFilter(q=q))
    page = keyset_page(_for_display(items), cursor=cursor, page_size=30)
    prefetch_related_objects(page.rows, "attachments", "assignees")
    return page


def kanban_columns(
    *, actor: User, workspace: Workspace, item_type: ItemType, flt: ItemFilter, per_column: int = 30
) -> list[tuple[Status, list[Item], int]]:
    """Each status of the type with its first items (one query, row_number per status)
    and how many it holds in all (one more: a count per status over the same filter)."""
    statuses = list(item_type.statuses.all())
    of_type = filtered_items(actor=actor, workspace=workspace, flt=flt).filter(item_type=item_type)
    totals = dict(
        of_type.order_by()
        .values_list("status_id")
        .annotate(n=Count("id"))
        .values_list("status_id", "n")
    )
    ranked = of_type.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("status_id")],
            order_by=[F("queue_rank").asc(), F("queue_at").asc(), F("id").asc()],
        )
    ).filter(rank__lte=per_column)
    by_status: dict[int, list[Item]] = {s.pk: [] for s in statuses}
    rows = list(_for_display(ranked).order_by("status_id", "queue_rank", "queue_at", "id"))
    prefetch_related_objects(rows, "assignees")
    for item in rows:
        by_status.setdefault(item.status_id, []).append(item)
    return [(s, by_status[s.pk], totals.get(s.pk, 0)) for s in statuses]


def calendar_items(
    *, actor: User, workspace: Workspace, flt: ItemFilter, start: date, end: date, limit: int = 500
) -> list[Item]:
    """Items due in [start, end) (local dates) of the filtered set, earliest first."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end, time.min, tzinfo=tz)
    items = filtered_items(actor=actor, workspace=workspace, flt=flt).filter(
        due_at__gte=since, due_at__lt=until
    )
    return list(_for_display(items).order_by("due_at", "pk")[:limit])


def similar_open_items(
    *,
    actor: User,
    workspace: Workspace,
    outlet_id: int,
    item_type: ItemType,
    values: dict[str, Any],
    title: str,
    limit: int = 5,
) -> list[Item]:
    """Open items of the same outlet that look like a new request: same material type,
    or a title sharing a meaningful word. Used to offer joining instead of filing twice."""
    if not outlet_id:
        return []
    same = Q()
    material = values.get("material_type")
    if material:
        same |= Q(values__material_type=material)
    words = [w for w in title.lower().split() if len(w) > 3][:5]
    for word in words:
        same |= Q(title__trgm_icontains=word)  # "плакат" meets "Плакат" on SQLite too
    if not same:
        return []
    items = (
        item_visible_to(actor, workspace)
        .filter(item_type=item_type, outlet_id=outlet_id)
        .exclude(category=StatusCategory.CLOSED)
        .filter(same)
    )
    return list(_for_display(items).order_by("-submitted_at")[:limit])


def queue_length(*, workspace: Workspace, item_type_id: int) -> int:
    return Item.objects.filter(workspace=workspace, item_type=item_type_id, in_queue=True).count()


def my_work(*, actor: User, workspace: Workspace, limit: int = 50) -> list[Item]:
    """The specialist's open items, earliest due first: those in work and those a head
    assigned to them that still wait to be started."""
    items = Item.objects.filter(
        workspace=workspace,
        pk__in=Item.assignees.through.objects.filter(user_id=actor.pk).values("item_id"),
    ).exclude(category=StatusCategory.CLOSED)
    return list(_for_display(items).order_by(F("due_at").asc(nulls_last=True), "pk")[:limit])


def _specialists(workspace: Workspace) -> QuerySet[User]:
    from pult.access.models import RolePermission
    from pult.accounts.models import Membership, User
    from pult.work.permissions import TAKE

    members = Membership.objects.filter(
        workspace=workspace,
        is_active=True,
        roles__in=RolePermission.objects.filter(code=TAKE).values("role_id"),
    ).values("user_id")
    return User.objects.filter(pk__in=members).order_by("full_name", "pk")


def specialist_list(*, workspace: Workspace) -> list[User]:
    """Active members who may take work (the people a head can assign to)."""
    return list(_specialists(workspace))


def specialist_choices(*, workspace: Workspace) -> list[Any]:
    """The same people for a select: rows of `pk` and `full_name` only (a desk may have
    hundreds, and a model instance each cost more than the whole select's HTML)."""
    return people_for_choice(_specialists(workspace).values_list("pk", "full_name", "email"))


def specialist_get(*, workspace: Workspace, user_id: object) -> User | None:
    wanted = id_or_none(user_id)
    return None if wanted is None else _specialists(workspace).filter(pk=wanted).first()


def transitions_from(item: Item) -> list[Transition]:
    """The pipeline's steps out of the item's status (a specific step beats an "any")."""
    steps = [
        step
        for step in pipeline_cache.pipeline_of(item.item_type).transitions
        if step.from_status_id in (item.status_id, None) and step.to_status_id != item.status_id
    ]
    # Specific steps first (NULLS LAST), as the query this replaced ordered them.
    steps.sort(key=lambda step: (step.from_status_id is None, step.from_status_id or 0, step.pk))
    chosen: dict[str, Transition] = {}
    for step in steps:
        chosen.setdefault(step.key, step)
    return list(chosen.values())


def field_rows(
    item: Item, definitions: list[FieldDef], modes: dict[str, str]
) -> list[tuple[FieldDef, str]]:
    """(field, shown value) for the fields the viewer may see, choice values as labels
    and people by name (one query for them all, only when the item names someone)."""
    from pult.accounts.models import User
    from pult.work.values import display_value

    shown = [f for f in definitions if modes.get(f.key) != FieldMode.HIDDEN]
    people_ids = {
        person
        for f in shown
        if f.kind == FieldKind.USER and (person := id_or_none(item.values.get(f.key)))
    }
    names = dict(User.objects.filter(pk__in=people_ids).values_list("pk", "full_name"))
    return [
        (
            field,
            names.get(id_or_none(item.values.get(field.key)) or 0, "—")
            if field.kind == FieldKind.USER
            else display_value(field, item.values.get(field.key)),
        )
        for field in shown
    ]


def filter_labels(*, actor: User, workspace: Workspace, flt: ItemFilter) -> dict[str, str]:
    """The names of the requester and the outlet the list is filtered by (links from its
    rows), as the rows show them, read from an item the actor sees: an id typed into the
    address never reveals a name the actor could not see. A query each, only when set."""
    labels: dict[str, str] = {}
    items = item_visible_to(actor, workspace).order_by()
    if flt.requester:
        name = items.filter(requester_id=flt.requester).values_list(
            "requester__full_name", flat=True
        )[:1]
        labels["requester"] = next(iter(name), "")
    if flt.outlet:
        outlet = items.filter(outlet_id=flt.outlet).values_list(
            "outlet__brand__name", "outlet__city", "outlet__number"
        )[:1]
        labels["outlet"] = next((f"{b} · {c}, №{n}" for b, c, n in outlet), "")
    return labels


def item_search(
    *,
    actor: User,
    workspace: Workspace,
    query: str,
    limit: int = 20,
    orders: bool | None = None,
    match: Q | None = None,
) -> list[Item]:
    """Items the find box of the list finds (`filters.text_match`: number, title forgiving
    typos, task text, client, contract, requester, outlet), best title matches first on
    PostgreSQL, newest first elsewhere. `orders`: only orders (for a client: with a
    client, contract or manager, as `order_panel` tells them), only the rest, or both.
    `match`: `text_match(query)` when the caller has it already."""
    from pult.core.search import has_trigram
    from pult.work.filters import text_match

    query = " ".join(query.split())[:100]
    if not query:
        return []
    items = item_visible_to(actor, workspace)
    if orders is not None:
        is_order = Q(client__isnull=False) | Q(contract__isnull=False) | Q(manager__isnull=False)
        items = items.filter(is_order) if orders else items.exclude(is_order)
    number = query.rsplit("-", 1)[-1]
    if number.isdecimal() and len(number) <= 9:
        exact = list(_for_display(items.filter(number=int(number))).order_by("-pk")[:limit])
        if exact:
            return exact
    found = items.filter(match if match is not None else text_match(query))
    if has_trigram():
        from django.contrib.postgres.search import TrigramWordSimilarity

        # Scores only the matched rows (text_match hands over their ids).
        ranked = found.annotate(score=TrigramWordSimilarity(query, "title")).order_by(
            "-score", "-pk"
        )
        return list(_for_display(ranked)[:limit])
    return list(_for_display(found).order_by("-pk")[:limit])


def member_choices(*, workspace: Workspace) -> list[tuple[int, str]]:
    """(user id, full name) of the workspace's active members, for person fields."""
    from pult.accounts.models import Membership

    members = (
        Membership.objects.filter(workspace=workspace, is_active=True)
        .order_by("user__full_name")
        .values_list("user_id", "user__full_name", "user__email")
    )
    return [(person.pk, person.full_name) for person in people_for_choice(members)]


def person_choices(
    *,
    workspace: Workspace,
    definitions: Iterable[FieldDef],
    current: dict[str, Any] | None = None,
) -> dict[str, list[tuple[int, str]]]:
    """Each person field's choices: the active members holding one of the roles the field
    names (FieldDef.roles; any member when none). The person a field holds now stays in
    its list even if no longer offered, so saving other fields never clears it; the
    services refuse only a newly chosen person outside the roles. One query."""
    from pult.accounts.models import Membership

    person_fields = [f for f in definitions if f.kind == FieldKind.USER]
    if not person_fields:
        return {}
    rows = (
        Membership.objects.filter(workspace=workspace, is_active=True)
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name", "user__email", "roles")
    )
    people: dict[int, tuple[int, str, str]] = {}
    roles_of: dict[int, set[int]] = {}
    for user_id, full_name, email, role_id in rows:
        people.setdefault(user_id, (user_id, full_name, email))
        roles_of.setdefault(user_id, set()).update([role_id] if role_id else [])
    named = [(p.pk, p.full_name) for p in people_for_choice(people.values())]
    choices = {}
    for field in person_fields:
        wanted = {role.pk for role in field.roles.all()}
        held = id_or_none((current or {}).get(field.key))
        choices[field.key] = [
            (pk, name) for pk, name in named if not wanted or roles_of[pk] & wanted or pk == held
        ]
    return choices
