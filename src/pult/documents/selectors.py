"""Reads of files, articles and materials, always scoped to what the actor may see.

Attachments are visible when their item is (`item_visible_to`) and every audience rule
that apps register agrees (`registry`: a file sent with a chat message follows that
message); the knowledge base and the materials library are open to every active member
of the workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import translation

from pult.core.exceptions import NotFound
from pult.core.pagination import KeysetPage, keyset_page
from pult.core.search import has_trigram
from pult.documents import policies, registry
from pult.documents.models import Article, Attachment, AttachmentKind, Material, MaterialCategory
from pult.parties.models import Brand
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.work.models import Item


def is_member(actor: User, workspace: Workspace) -> bool:
    """An active member of the workspace (cached on the user object for the request)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    cache: dict[int, bool] = actor.__dict__.setdefault("_pult_documents_member", {})
    if workspace.pk not in cache:
        from pult.accounts.models import Membership

        cache[workspace.pk] = Membership.objects.filter(
            workspace=workspace, user=actor, is_active=True
        ).exists()
    return cache[workspace.pk]


# --- Attachments -------------------------------------------------------------------


def attachment_visible_to(actor: User, workspace: Workspace) -> QuerySet[Attachment]:
    """Attachments whose item the actor may see, narrowed by the registered audiences:
    the one rule for the item page, the API, downloads and the archive."""
    attachments = Attachment.objects.filter(
        workspace=workspace, item__in=item_visible_to(actor, workspace).values("pk")
    )
    for audience in registry.attachment_audiences().values():
        attachments = attachments.filter(audience(actor, workspace))
    return attachments


def attachment_list(*, actor: User, workspace: Workspace, item: Item) -> list[Attachment]:
    """The item's files, oldest first (index attachment_item_kind); [] if it is invisible."""
    return list(
        attachment_visible_to(actor, workspace)
        .filter(item=item)
        .select_related("uploaded_by", "workspace")
        .order_by("kind", "created_at", "pk")
    )


def attachment_get(*, actor: User, workspace: Workspace, attachment_id: int) -> Attachment:
    attachment = (
        attachment_visible_to(actor, workspace)
        .select_related("item", "workspace", "uploaded_by")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise NotFound("attachment")
    return attachment


def item_has_deliverable(item: Item) -> bool:
    """Whether a result file is attached (an EXISTS over index attachment_item_kind)."""
    return Attachment.objects.filter(item=item, kind=AttachmentKind.DELIVERABLE).exists()


def attachment_context(*, actor: User, workspace: Workspace, item: Item) -> dict[str, Any]:
    """What `documents/_item_attachments.html` needs; `item` was fetched through
    `item_get`, so the actor may see it."""
    attachments = attachment_list(actor=actor, workspace=workspace, item=item)
    for attachment in attachments:
        attachment.can_remove = policies.can_remove_attachment(actor, attachment)  # type: ignore[attr-defined]
    return {
        "item": item,
        "attachments": attachments,
        "inputs": [a for a in attachments if a.kind == AttachmentKind.INPUT],
        "deliverables": [a for a in attachments if a.kind == AttachmentKind.DELIVERABLE],
        "can_add_input": policies.can_add_input_attachment(actor, item),
        "can_add_deliverable": policies.can_add_deliverable_attachment(actor, item),
    }


# --- Knowledge base ----------------------------------------------------------------


def article_visible_to(actor: User, workspace: Workspace) -> QuerySet[Article]:
    articles = Article.objects.filter(workspace=workspace)
    return articles if is_member(actor, workspace) else articles.none()


def article_list(*, actor: User, workspace: Workspace, query: str = "") -> list[Article]:
    """The articles for readers of the active language (and those for everyone)."""
    language = (translation.get_language() or "en")[:2]
    articles = (
        article_visible_to(actor, workspace)
        .filter(language__in=("", language))
        .select_related("updated_by")
    )
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(body__icontains=query))
    return list(articles.order_by("title", "pk")[:500])


def article_get(*, actor: User, workspace: Workspace, slug: str) -> Article:
    article = article_visible_to(actor, workspace).select_related("updated_by").filter(slug=slug)
    found = article.first()
    if found is None:
        raise NotFound("article")
    return found


# --- Materials ---------------------------------------------------------------------


def material_visible_to(actor: User, workspace: Workspace) -> QuerySet[Material]:
    materials = Material.objects.filter(workspace=workspace)
    return materials if is_member(actor, workspace) else materials.none()


# Word similarity at which a misspelled word still finds a material (PostgreSQL).
SIMILARITY = 0.4


def search_needle(query: str) -> str:
    """How a query is compared with `Material.search_text` (both casefolded)."""
    return " ".join(query.split()).casefold()


def _search(materials: QuerySet[Material], query: str) -> QuerySet[Material]:
    needle = search_needle(query)
    if not needle:
        return materials
    match = Q(search_text__contains=needle)
    if connection.vendor == "postgresql":
        # Word forms too ("плакаты" finds "плакат"): full text on the same column,
        # alongside the substring match that the trigram index serves.
        from django.contrib.postgres.search import SearchQuery, SearchVector

        materials = materials.annotate(search_vector=SearchVector("search_text", config="russian"))
        match |= Q(search_vector=SearchQuery(query, config="russian", search_type="websearch"))
    if has_trigram():
        # Typos too ("мегаполс" finds "Мегаполис"): `%>` is served by the same trigram
        # index at the connection's threshold; the score keeps this search's own cut.
        # SQLite has no maintained typo matching (spellfix1 is not in Python's sqlite3).
        from django.contrib.postgres.search import TrigramWordSimilarity

        materials = materials.annotate(search_score=TrigramWordSimilarity(needle, "search_text"))
        match |= Q(search_text__trigram_word_similar=needle, search_score__gte=SIMILARITY)
    return materials.filter(match)


def material_page(
    *,
    actor: User,
    workspace: Workspace,
    query: str = "",
    category_id: int | None = None,
    brand_id: int | None = None,
    cursor: int | None = None,
    page_size: int = 48,
) -> KeysetPage[Material]:
    """Newest first, keyset by id; one query for the rows whatever the page size."""
    materials = material_visible_to(actor, workspace)
    if category_id:
        materials = materials.filter(category_id=category_id)
    if brand_id:
        materials = materials.filter(brand_id=brand_id)
    materials = _search(materials, query).select_related("category", "brand", "uploaded_by")
    return keyset_page(materials, cursor=cursor, page_size=page_size)


def material_get(*, actor: User, workspace: Workspace, material_id: int) -> Material:
    material = (
        material_visible_to(actor, workspace)
        .select_related("category", "brand", "uploaded_by")
        .filter(pk=material_id)
        .first()
    )
    if material is None:
        raise NotFound("material")
    return material


def material_category_list(*, actor: User, workspace: Workspace) -> list[MaterialCategory]:
    if not is_member(actor, workspace):
        return []
    return list(MaterialCategory.objects.filter(workspace=workspace).order_by("name"))


def brand_list(*, actor: User, workspace: Workspace) -> list[Brand]:
    """Brands to filter materials by (names only; parties has no selectors yet)."""
    if not is_member(actor, workspace):
        return []
    return list(Brand.objects.filter(workspace=workspace).order_by("name"))
