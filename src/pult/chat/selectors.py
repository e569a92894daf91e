"""Chat reads, always through `message_visible_to(actor, workspace)`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from pult.chat import policies
from pult.chat.models import Message, MessageRead, MessageSees, MessageVisibilityRule
from pult.chat.rendering import attach_content_html
from pult.documents import policies as documents_policies
from pult.documents.models import Attachment
from pult.work.selectors import item_visible_to

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace
    from pult.work.models import Item

PAGE_SIZE = 50  # newest first on the page; older ones load on demand (keyset)
MAX_FILES = 5  # files per message; services.message_post enforces it


def message_visible_to(actor: User, workspace: Workspace) -> QuerySet[Message]:
    """Messages of the items the actor may see, without internal notes unless they are
    staff, and only those the item type's visibility rules show the actor. Lists, the
    socket, the API, exports and the activity feed all read through this."""
    messages = Message.objects.filter(workspace=workspace)
    if not actor.is_authenticated:
        return messages.none()
    messages = messages.filter(item_id__in=item_visible_to(actor, workspace).values("pk"))
    if not policies.can_see_internal_notes(actor, workspace):
        messages = messages.filter(internal=False)
    return messages.filter(_shown_by_rules(actor, workspace))


def _shown_by_rules(actor: User, workspace: Workspace) -> Q:
    """MessageVisibilityRule as a condition on Message rows, in the same SQL statement
    (correlated EXISTS, no extra query): the item type has no rules, or the actor wrote
    the message, or one of the actor's roles has a rule that shows it ("all", or
    "own_and_roles" and the author holds one of the rule's author roles here)."""
    from pult.access.models import Role

    actor_roles = Role.objects.filter(
        workspace=workspace,
        memberships__workspace=workspace,
        memberships__user=actor,
        memberships__is_active=True,
    ).values("pk")
    rules_of_type = MessageVisibilityRule.objects.filter(item_type=OuterRef("item__item_type"))
    # Roles the message's author holds in this workspace now (not when they wrote).
    author_holds = Role.objects.filter(
        workspace=workspace,
        memberships__workspace=workspace,
        memberships__user=OuterRef(OuterRef("author")),
        memberships__is_active=True,
    ).values("pk")
    shown = rules_of_type.filter(viewer_role__in=actor_roles).filter(
        Q(sees=MessageSees.ALL) | Q(sees=MessageSees.OWN_AND_ROLES, author_roles__in=author_holds)
    )
    return Q(~Exists(rules_of_type)) | Q(author=actor) | Q(Exists(shown))


def message_file_audience(actor: User, workspace: Workspace) -> Q:
    """A file sent with a message is seen by whoever sees that message, and only by them:
    the condition on Attachment rows that `documents.selectors.attachment_visible_to`
    applies (registered in `ChatConfig.ready`). Files sent with no message are left to
    the item's rule. Two correlated EXISTS over the message-file table's attachment
    index; no extra query."""
    carried = Message.attachments.through.objects.filter(attachment_id=OuterRef("pk"))
    seen = carried.filter(message__in=message_visible_to(actor, workspace).values("pk"))
    return ~Q(Exists(carried)) | Q(Exists(seen))


def message_readable_by(message: Message, user_id: int) -> bool:
    """Whether this person (an active member) may read the message: for recipients."""
    from pult.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return message_visible_to(user, message.workspace).filter(pk=message.pk).exists()


def _with_files(messages: QuerySet[Message]) -> QuerySet[Message]:
    # Files in one more query for the whole page, in the order they were sent. A file
    # has its message's audience, so whoever sees the message may download it
    # (message_file_audience).
    files = Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    return messages.select_related("author").prefetch_related(files)


def _for_display(messages: QuerySet[Message]) -> QuerySet[Message]:
    return _with_files(messages).select_related("item__item_type")


def _of_item(messages: QuerySet[Message], item: Item, limit: int) -> list[Message]:
    """A page of one item's messages for display, each pointing at `item` itself rather
    than a copy of it read again with every row."""
    page = list(_with_files(messages)[:limit])
    for message in page:
        message.item = item
    return page


def _after(message: Message) -> Q:
    return Q(created_at__gt=message.created_at) | Q(
        created_at=message.created_at, id__gt=message.pk
    )


def _before(message: Message) -> Q:
    return Q(created_at__lt=message.created_at) | Q(
        created_at=message.created_at, id__lt=message.pk
    )


def message_list(
    *,
    actor: User,
    workspace: Workspace,
    item: Item,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[Message]:
    """A page of one item's chat in chronological order: the newest `limit` messages
    (older than `before_id` when given), or those newer than `after_id` (catch-up after a
    reconnect, oldest first). Keyset on (created_at, id) over the index `message_item_time`;
    a cursor the actor may not see is ignored. Three queries at most (cursor, page, files),
    whatever the length."""
    messages = message_visible_to(actor, workspace).filter(item=item)
    cursor_id = after_id if after_id is not None else before_id
    cursor = messages.filter(pk=cursor_id).first() if cursor_id is not None else None
    if after_id is not None:
        if cursor is not None:
            messages = messages.filter(_after(cursor))
        return _of_item(messages.order_by("created_at", "id"), item, limit)
    if cursor is not None:
        messages = messages.filter(_before(cursor))
    page = _of_item(messages.order_by("-created_at", "-id"), item, limit)
    page.reverse()
    return page


def message_export_rows(*, actor: User, workspace: Workspace, item: Item) -> Iterator[Message]:
    """Every message of one item's chat the actor may see (the same `message_visible_to`
    as the page, so an export never shows more), oldest first, streamed by chunks."""
    messages = message_visible_to(actor, workspace).filter(item=item)
    # A prefetch on .iterator() runs once per chunk: flat, whatever the length.
    return _for_display(messages).order_by("created_at", "id").iterator(chunk_size=500)


def message_get(*, actor: User, workspace: Workspace, message_id: int) -> Message | None:
    return _for_display(message_visible_to(actor, workspace)).filter(pk=message_id).first()


@dataclass(frozen=True)
class Reader:
    """One person's read mark in an item's chat."""

    user: User
    message_id: int | None
    key: tuple[Any, int] | None  # (created_at, id) of the last message they read
    sees_internal: bool  # an internal note is never marked as seen by an outsider


def reader_list(*, workspace: Workspace, item: Item) -> list[Reader]:
    """Everyone's read marks in the item's chat (the caller has fetched the item through
    its selector). Marks of staff may point at internal notes; only the position is
    exposed, never the note."""
    reads = (
        MessageRead.objects.filter(item=item)
        .select_related("user", "last_read_message")
        .annotate(sees_internal=policies.sees_internal_notes(workspace, OuterRef("user")))
        .order_by("user__full_name", "user_id")
    )
    return [
        Reader(
            user=read.user,
            message_id=read.last_read_message_id,
            key=read.last_read_message.sort_key if read.last_read_message else None,
            sees_internal=read.sees_internal,
        )
        for read in reads
    ]


@dataclass(frozen=True)
class ChatRules:
    """An item type's message visibility rules held in memory, to tell whether a reader
    may see a message without a query per message. Mirrors `_shown_by_rules`."""

    rules: dict[int, tuple[str, frozenset[int]]]  # viewer role -> (sees, author roles)
    roles: dict[int, frozenset[int]]  # user -> roles held in the workspace

    def shows(self, message: Message, user_id: int) -> bool:
        if not self.rules or message.author_id == user_id:
            return True
        author_roles = self.roles.get(message.author_id or 0, frozenset())
        for role in self.roles.get(user_id, frozenset()):
            sees, authors = self.rules.get(role, ("", frozenset()))
            if sees == MessageSees.ALL or (
                sees == MessageSees.OWN_AND_ROLES and authors & author_roles
            ):
                return True
        return False


@dataclass(frozen=True)
class Viewer:
    """What decides which messages of one item's chat a person sees, read once for a
    live socket: the item itself was checked visible through `item_visible_to`."""

    user_id: int
    item_id: int
    sees_internal: bool
    role_ids: frozenset[int]


def message_for_broadcast(message_id: int) -> Message | None:
    """A just-posted message, loaded once per process for every socket of its chat;
    each socket then decides with `message_shown_to` (the rule of `message_visible_to`)."""
    return _for_display(Message.objects.filter(pk=message_id)).first()


def message_shown_to(message: Message, viewer: Viewer, rules: ChatRules) -> bool:
    """`message_visible_to` for one message and one viewer, in memory: the item is the
    viewer's, an internal note needs staff, and the type's rules show it to them."""
    if message.item_id != viewer.item_id:
        return False
    if message.internal and not viewer.sees_internal:
        return False
    seen_as = ChatRules(rules=rules.rules, roles={**rules.roles, viewer.user_id: viewer.role_ids})
    return seen_as.shows(message, viewer.user_id)


def chat_rules(*, workspace: Workspace, item: Item, user_ids: set[int]) -> ChatRules:
    """The rules of the item's type and the roles of the given people: one query when the
    type has no rules, three when it has."""
    from pult.accounts.models import Membership

    rules = {
        rule.viewer_role_id: (rule.sees, frozenset(role.pk for role in rule.author_roles.all()))
        for rule in MessageVisibilityRule.objects.filter(
            item_type_id=item.item_type_id
        ).prefetch_related("author_roles")
    }
    if not rules:
        return ChatRules(rules={}, roles={})
    held: dict[int, set[int]] = {}
    pairs = Membership.roles.through.objects.filter(
        membership__workspace=workspace,
        membership__is_active=True,
        membership__user_id__in=user_ids,
    ).values_list("membership__user_id", "role_id")
    for user_id, role_id in pairs:
        held.setdefault(user_id, set()).add(role_id)
    return ChatRules(rules=rules, roles={user: frozenset(r) for user, r in held.items()})


def mark_seen_by(
    *, workspace: Workspace, item: Item, messages: list[Message], readers: list[Reader]
) -> None:
    """Sets `message.seen_by` on each message: who else has read it, among those who may
    see it. A reader's mark past a message they may not see (an expert who sees only own
    comments) does not count as having seen it."""
    people = {r.user.pk for r in readers} | {m.author_id for m in messages if m.author_id}
    rules = chat_rules(workspace=workspace, item=item, user_ids=people)
    for message in messages:
        message.seen_by = seen_by(message, readers, rules)  # type: ignore[attr-defined]


def seen_by(message: Message, readers: list[Reader], rules: ChatRules) -> list[User]:
    """Who, other than its author, has read this message (or a later one) and may see it."""
    return [
        r.user
        for r in readers
        if r.key is not None
        and r.user.pk != message.author_id
        and r.key >= message.sort_key
        and (r.sees_internal or not message.internal)
        and rules.shows(message, r.user.pk)
    ]


def read_position(
    *, actor: User, workspace: Workspace, item_id: int, message_id: int
) -> int | None:
    """The newest message the actor may see at or before `message_id` in the item's chat:
    where someone else's read mark shows for this actor."""
    messages = message_visible_to(actor, workspace).filter(item_id=item_id)
    mark = Message.objects.filter(workspace=workspace, item_id=item_id, pk=message_id).first()
    if mark is None:
        return None
    shown = messages.filter(_before(mark) | Q(pk=mark.pk)).order_by("-created_at", "-id")
    return shown.values_list("pk", flat=True).first()


def chat_context(*, actor: User, workspace: Workspace, item: Item) -> dict[str, Any]:
    """Everything `chat/_item_chat.html` needs, for the item page and the chat views.

    Keys are prefixed `chat_` so they never shadow the page's own context (`messages`
    is the flash-message list of django.contrib.messages)."""
    page = message_list(actor=actor, workspace=workspace, item=item, limit=PAGE_SIZE + 1)
    has_older = len(page) > PAGE_SIZE
    page = page[-PAGE_SIZE:]
    readers = reader_list(workspace=workspace, item=item)
    mark_seen_by(workspace=workspace, item=item, messages=page, readers=readers)
    attach_content_html(page)
    mine = next((r for r in readers if r.user.pk == actor.pk), None)
    # Each other reader's mark, moved back to the newest message of this page the actor
    # may see (a designer's mark may sit on an internal note the applicant never gets).
    marks = []
    for reader in readers:
        if reader.user.pk == actor.pk or reader.key is None:
            continue
        shown = [m for m in page if m.sort_key <= reader.key]
        if shown:
            marks.append(
                {
                    "user": reader.user,
                    "message_id": shown[-1].pk,
                    "sees_internal": reader.sees_internal,
                }
            )
    return {
        "chat_item": item,
        "chat_messages": page,
        "chat_has_older": has_older,
        "chat_last_id": page[-1].pk if page else None,
        "chat_readers": marks,
        "chat_my_last_read_id": mine.message_id if mine else None,
        # The caller fetched the item through its visibility selector.
        "chat_can_post": policies.can_post_message(actor, item, item_is_visible=True),
        "chat_can_post_internal": policies.can_post_internal_note(actor, workspace),
        # Files are source files of the item: the documents app decides who may add them.
        "chat_can_attach": documents_policies.can_add_input_attachment(actor, item),
        "chat_max_files": MAX_FILES,
    }
