"""The filter bar of item lists: parsed from the query string, applied in one place.

The same `ItemFilter` drives the list, kanban, calendar, CSV/XLSX export, saved views
and the API, so "what I see" and "what I export" never disagree.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.core.params import id_or_none, parse_day
from pult.work.models import Item, ItemType, StatusCategory

if TYPE_CHECKING:
    from django.http import QueryDict


@dataclass
class ItemFilter:
    q: str = ""
    item_type: int | None = None
    status: list[str] = field(default_factory=list)
    category: str = ""  # open / paused / closed / active (= not closed)
    overdue: bool = False
    urgent: bool = False
    requester: int | None = None
    assignee: int | None = None
    outlet: int | None = None
    brand: int | None = None
    city: str = ""
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    closed_from: datetime.date | None = None
    closed_to: datetime.date | None = None
    values: dict[str, str] = field(default_factory=dict)  # custom field key → value
    errors: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(
            getattr(self, f.name) for f in fields(self) if f.name not in ("errors", "item_type")
        )


_FIELD_KEY = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", re.ASCII)
_DATES = ("submitted_from", "submitted_to", "due_from", "due_to", "closed_from", "closed_to")
_IDS = ("item_type", "requester", "assignee", "outlet", "brand")


def parse_filter(params: QueryDict | dict[str, Any]) -> ItemFilter:
    """Read the filter from a query string; malformed parts are dropped and reported."""
    get = params.get
    result = ItemFilter(
        q=str(get("q") or "").strip()[:200],
        category=str(get("category") or ""),
        city=str(get("city") or "").strip()[:120],
        overdue=get("overdue") in ("1", "on", "true"),
        urgent=get("urgent") in ("1", "on", "true"),
    )
    if result.category not in ("", "active", *StatusCategory.values):
        result.errors["category"] = _("Unknown state.")
        result.category = ""
    statuses = params.getlist("status") if hasattr(params, "getlist") else get("status") or []
    result.status = [s for s in (statuses if isinstance(statuses, list) else [statuses]) if s][:20]
    for name in _IDS:
        raw = get(name)
        if raw:
            setattr(result, name, id_or_none(raw))
            if getattr(result, name) is None:
                result.errors[name] = _("Choose from the list.")
    for name in _DATES:
        raw = get(name)
        if raw:
            try:
                setattr(result, name, parse_day(raw))
            except ValueError as error:
                result.errors[name] = str(error)
    for key, value in params.items() if hasattr(params, "items") else []:
        # Custom field keys are slugs; anything else could turn into a lookup path.
        if key.startswith("f_") and value and _FIELD_KEY.fullmatch(key[2:]):
            result.values[key[2:]] = str(value)[:200]
    return result


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


MATCHED_IDS = 2000
# Word similarity at which a misspelled title still matches on PostgreSQL ("Мегаполс"
# finds "Мегаполис" at 0.78, "плакт летнего" finds "Плакат летнего меню"); below it,
# short unrelated words come in.
TITLE_SIMILARITY = 0.4


def text_match(text: str) -> Q:
    """The find box: a request's number, its title (forgiving typos on PostgreSQL) or
    task text, its client's company name, its contract's number, its requester's name,
    its outlet's city or number ("№12"). Case does not matter in any language
    (`trgm_icontains`). Each branch is a subquery its own index serves (trigram GIN
    indexes item_title_trgm, item_texts_trgm, client_name_trgm, contract_number_trgm,
    user_full_name_trgm; the number and foreign-key indexes; outlets are few), joined by
    UNION: an OR of them in one WHERE would make PostgreSQL scan every item of the
    workspace."""
    from django.db.models.fields.json import KT

    from pult.accounts.models import User
    from pult.core.search import has_trigram
    from pult.parties.models import Client, Contract, Outlet

    ids = Item.objects.filter(title__trgm_icontains=text).values_list("pk", flat=True)
    texts = Item.objects.alias(texts=KT("values__texts"))
    branches = [
        texts.filter(texts__trgm_icontains=text).values_list("pk", flat=True),
        Item.objects.filter(
            client__in=Client.objects.filter(name__trgm_icontains=text).values("pk")
        ).values_list("pk", flat=True),
        Item.objects.filter(
            contract__in=Contract.objects.filter(number__trgm_icontains=text).values("pk")
        ).values_list("pk", flat=True),
        Item.objects.filter(
            requester__in=User.objects.filter(full_name__trgm_icontains=text).values("pk")
        ).values_list("pk", flat=True),
        Item.objects.filter(
            outlet__in=Outlet.objects.filter(city__trgm_icontains=text).values("pk")
        ).values_list("pk", flat=True),
    ]
    # An outlet's number as the lists show it, "№12"; a bare "12" stays a request number.
    if text.startswith("№") and (outlet_number := text.removeprefix("№").strip()):
        branches.append(
            Item.objects.filter(
                outlet__in=Outlet.objects.filter(number__iexact=outlet_number).values("pk")
            ).values_list("pk", flat=True)
        )
    # "42" or "ORD-00042": with a prefix, only that type's number (so a contract
    # number such as "X-1" does not also bring order 1).
    prefix, _dash, number = text.rpartition("-")
    if number.isdecimal() and len(number) <= 9:  # fits the integer column
        types = ItemType.objects.all()
        if prefix:
            types = types.filter(number_prefix__iexact=prefix)
        # Through the types, so the unique (item_type, number) index serves it.
        by_number = Item.objects.filter(item_type__in=types.values("pk"), number=int(number))
        branches.append(by_number.values_list("pk", flat=True))
    if has_trigram():
        from django.contrib.postgres.search import TrigramWordSimilarity

        # `%>` is served by item_title_trgm at the connection's threshold (0.3,
        # settings); the score keeps this search's own cut. SQLite has no maintained
        # typo matching (spellfix1 is not in Python's sqlite3): substring only there.
        branches.append(
            Item.objects.filter(title__trigram_word_similar=text)
            .annotate(title_score=TrigramWordSimilarity(text, "title"))
            .filter(title_score__gte=TITLE_SIMILARITY)
            .values_list("pk", flat=True)
        )
    matches = ids.union(*branches)
    # Matched ids first, in a query of their own: given the few ids a search usually
    # finds, PostgreSQL fetches the page's items by primary key; left as a subquery, it
    # estimated hundreds of matches and hash-joined every item of the kind (65 ms at
    # 100,000 items). A search matching more than MATCHED_IDS stays a subquery.
    found = list(matches[: MATCHED_IDS + 1])
    if len(found) <= MATCHED_IDS:
        return Q(pk__in=found)
    return Q(pk__in=matches)


def apply_filter(items: QuerySet[Item], flt: ItemFilter) -> QuerySet[Item]:
    """Narrow an already visibility-scoped queryset by the filter."""
    if flt.item_type:
        items = items.filter(item_type_id=flt.item_type)
    if flt.q:
        items = items.filter(text_match(flt.q))
    if flt.status:
        items = items.filter(status__key__in=flt.status)
    if flt.category == "active":
        items = items.exclude(category=StatusCategory.CLOSED)
    elif flt.category:
        items = items.filter(category=flt.category)
    if flt.overdue:
        items = items.exclude(category=StatusCategory.CLOSED).filter(due_at__lt=timezone.now())
    if flt.urgent:
        items = items.filter(urgent_at__isnull=False)
    if flt.requester:
        items = items.filter(requester_id=flt.requester)
    if flt.assignee:
        items = items.filter(
            pk__in=Item.assignees.through.objects.filter(user_id=flt.assignee).values("item_id")
        )
    if flt.outlet:
        items = items.filter(outlet_id=flt.outlet)
    if flt.brand:
        items = items.filter(outlet__brand_id=flt.brand)
    if flt.city:
        items = items.filter(outlet__city__iexact=flt.city)
    one_day = datetime.timedelta(days=1)
    for column in ("submitted", "due", "closed"):
        start = getattr(flt, f"{column}_from")
        end = getattr(flt, f"{column}_to")
        if start:
            items = items.filter(**{f"{column}_at__gte": _day_start(start)})
        if end:
            items = items.filter(**{f"{column}_at__lt": _day_start(end + one_day)})
    for key, value in flt.values.items():
        items = items.filter(**{f"values__{key}": value})
    return items
