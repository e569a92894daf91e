"""Newsletter reads, scoped to the actor: for anyone without newsletters.send, and for
other workspaces' ids, segments and newsletters do not exist (NotFound)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from pult.access.policies import has_permission
from pult.core.exceptions import NotFound
from pult.core.pagination import KeysetPage, keyset_page
from pult.newsletters.models import Delivery, Newsletter, Segment
from pult.newsletters.permissions import SEND
from pult.parties.client_services import split_list
from pult.parties.models import ClientStatus, ContactPerson

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def can_send_newsletters(actor: User, workspace: Workspace | None) -> bool:
    return actor.is_authenticated and has_permission(actor, workspace, SEND)


def segment_list(*, actor: User, workspace: Workspace) -> QuerySet[Segment]:
    if not can_send_newsletters(actor, workspace):
        return Segment.objects.none()
    return Segment.objects.filter(workspace=workspace).order_by("name")


def segment_get(*, actor: User, workspace: Workspace, segment_id: int) -> Segment:
    segment = segment_list(actor=actor, workspace=workspace).filter(pk=segment_id).first()
    if segment is None:
        raise NotFound(_("Segment not found."))
    return segment


def segment_filters_text(
    segments: Iterable[Segment], *, workspace: Workspace
) -> dict[int, list[tuple[str, str]]]:
    """Each segment's filters as people read them, by segment id: [("Client status",
    "Active"), ("Industry", "ЖКХ"), ("Tags", "VIP, тендер")]; none: every working client.
    One query for the managers' names, whatever the number of segments."""
    from pult.accounts.models import User

    segments = list(segments)
    manager_ids = {s.filters["manager_id"] for s in segments if s.filters.get("manager_id")}
    managers = dict(
        User.objects.filter(pk__in=manager_ids, memberships__workspace=workspace).values_list(
            "pk", "full_name"
        )
    )
    statuses = dict(ClientStatus.choices)
    described = {}
    for segment in segments:
        filters = segment.filters or {}
        rows: list[tuple[str, str]] = []
        if status := filters.get("status"):
            rows.append((_("Client status"), str(statuses.get(status, status))))
        if industry := filters.get("industry"):
            rows.append((_("Industry"), str(industry)))
        if source := filters.get("source"):
            rows.append((_("Where they heard of us"), str(source)))
        if manager_id := filters.get("manager_id"):
            rows.append((_("Manager"), managers.get(manager_id) or "—"))
        if tags := filters.get("tags"):
            rows.append((_("Tags"), ", ".join(map(str, tags))))
        described[segment.pk] = rows
    return described


def _tag_pattern(tag: str) -> str:
    # A whole item of the comma/semicolon separated tags field, case-insensitively.
    return r"(^|[,;])\s*" + re.escape(tag) + r"\s*($|[,;])"


def filtered_contacts(*, workspace: Workspace, filters: dict[str, Any]) -> QuerySet[ContactPerson]:
    """Contacts of the workspace's working (not archived) clients matching the filters:
    each given filter must hold; a client matches the tags if it has any of them."""
    contacts = ContactPerson.objects.filter(
        workspace=workspace, client__workspace=workspace, client__archived_at__isnull=True
    ).exclude(emails="")
    if status := filters.get("status"):
        contacts = contacts.filter(client__status=status)
    if industry := filters.get("industry"):
        contacts = contacts.filter(client__industry__iexact=industry)
    if source := filters.get("source"):
        contacts = contacts.filter(client__source__iexact=source)
    if manager_id := filters.get("manager_id"):
        contacts = contacts.filter(client__manager_id=manager_id)
    if tags := filters.get("tags"):
        any_tag = Q()
        for tag in tags:
            any_tag |= Q(client__tags__iregex=_tag_pattern(tag))
        contacts = contacts.filter(any_tag)
    return contacts.select_related("client", "client__manager")


def segment_contacts(segment: Segment) -> QuerySet[ContactPerson]:
    return filtered_contacts(workspace=segment.workspace, filters=segment.filters)


def recipient_count(contacts: QuerySet[ContactPerson]) -> dict[str, int]:
    """Addresses a send would reach now, and those skipped as unsubscribed (each
    address once, as newsletter_send counts them)."""
    seen: set[str] = set()
    counts = {"recipients": 0, "unsubscribed": 0}
    for emails, unsubscribed_at in contacts.order_by("client_id", "pk").values_list(
        "emails", "unsubscribed_at"
    ):
        for email in split_list(emails):
            if email.lower() in seen:
                continue
            seen.add(email.lower())
            counts["unsubscribed" if unsubscribed_at else "recipients"] += 1
    return counts


def first_recipient(segment: Segment) -> ContactPerson | None:
    """The contact a preview is rendered for: the first who would receive the mail."""
    return (
        segment_contacts(segment)
        .filter(unsubscribed_at__isnull=True)
        .order_by("client_id", "pk")
        .first()
    )


def newsletter_list(*, actor: User, workspace: Workspace) -> QuerySet[Newsletter]:
    if not can_send_newsletters(actor, workspace):
        return Newsletter.objects.none()
    return Newsletter.objects.filter(workspace=workspace).select_related("segment")


def newsletter_get(*, actor: User, workspace: Workspace, newsletter_id: int) -> Newsletter:
    newsletter = newsletter_list(actor=actor, workspace=workspace).filter(pk=newsletter_id).first()
    if newsletter is None:
        raise NotFound(_("Newsletter not found."))
    return newsletter


def delivery_counts(newsletter: Newsletter) -> dict[str, int]:
    """Deliveries per status, every status present (zero when none)."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in (
        Delivery.objects.filter(newsletter=newsletter)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    return counts


def delivery_page(
    newsletter: Newsletter, *, status: str = "", cursor: int | None = None
) -> KeysetPage[Delivery]:
    deliveries = Delivery.objects.filter(newsletter=newsletter).select_related(
        "contact", "contact__client"
    )
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return keyset_page(deliveries, cursor=cursor, page_size=100)
