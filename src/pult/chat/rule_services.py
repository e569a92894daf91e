"""Writes of comment visibility (MessageVisibilityRule): per kind of item, whose
messages a viewer role sees. Part of a pipeline's configuration, so the pipeline editor
calls these, its configurers alone may, and each change is a `work.pipeline_changed`
event of the item type (the audit log and feed already show those to configurers).

`selectors.message_visible_to` reads the rules in the same SQL statement as the
messages, so a change here is live for the next page, socket frame or export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from pult.access.models import Role
from pult.activity.services import event_record
from pult.chat.models import MessageSees, MessageVisibilityRule
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.locking import locked
from pult.work.models import ItemType
from pult.work.policies import can_configure_pipeline

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def _require_configurer(actor: User, workspace: Workspace) -> None:
    if not can_configure_pipeline(actor, workspace):
        raise Forbidden(_("You may not edit pipelines."))


def _changed(
    actor: User, workspace: Workspace, item_type: ItemType, change: str, role: str
) -> None:
    event_record(
        actor=actor,
        workspace=workspace,
        verb="work.pipeline_changed",
        target=item_type,
        payload={"change": change, "key": role},
    )


def _rule_write(
    item_type: ItemType,
    rule: MessageVisibilityRule,
    *,
    viewer_role_id: int,
    sees: str,
    author_role_ids: Sequence[int] = (),
) -> MessageVisibilityRule:
    """The one writer of a rule (the editor's save and a pipeline file's rules): checks
    it, then saves it with its author roles. The caller checks who may and holds the
    item-type row lock."""
    errors: dict[str, list[str]] = {}
    roles = {r.pk: r for r in Role.objects.filter(workspace_id=item_type.workspace_id)}
    viewer = roles.get(viewer_role_id)
    if viewer is None:
        errors["viewer_role"] = [_("Choose one of the workspace's roles.")]
    elif (
        MessageVisibilityRule.objects.filter(item_type=item_type, viewer_role=viewer)
        .exclude(pk=rule.pk)
        .exists()
    ):
        errors["viewer_role"] = [_("This role already has a rule here; edit that one.")]
    if sees not in MessageSees.values:
        errors["sees"] = [_("Choose whose messages the role sees.")]
    authors = [roles[pk] for pk in dict.fromkeys(author_role_ids) if pk in roles]
    if len(authors) != len(set(author_role_ids)):
        errors["author_roles"] = [_("Choose among the workspace's roles.")]
    elif sees == MessageSees.OWN_AND_ROLES and not authors:
        errors["author_roles"] = [_("Choose whose messages the role sees besides its own.")]
    if errors:
        first = next(iter(errors.values()))[0]
        message = first if len(errors) == 1 else _("Please correct the errors below.")
        raise DomainError(message, field_errors=errors)
    assert viewer is not None
    rule.item_type = item_type
    rule.viewer_role, rule.sees = viewer, sees
    rule.save()
    rule.author_roles.set(authors if sees == MessageSees.OWN_AND_ROLES else [])
    return rule


@transaction.atomic
def message_visibility_rule_save(
    *,
    actor: User,
    workspace: Workspace,
    item_type_id: int,
    rule_id: int | None = None,
    viewer_role_id: int,
    sees: str,
    author_role_ids: Sequence[int] = (),
) -> MessageVisibilityRule:
    """Create or change the rule of one viewer role for one kind of item (one rule per
    role and kind). Author roles belong to "own and those of the chosen roles" only and
    it needs at least one; for the other choices they are cleared."""
    _require_configurer(actor, workspace)
    # The item-type row lock serialises this with the pipeline editor's other writes.
    item_type = locked(ItemType.objects.filter(workspace=workspace), item_type_id)
    rule = MessageVisibilityRule(item_type=item_type)
    if rule_id is not None:
        found = MessageVisibilityRule.objects.filter(item_type=item_type, pk=rule_id).first()
        if found is None:
            raise NotFound(_("Not found."))
        rule = found
    rule = _rule_write(
        item_type,
        rule,
        viewer_role_id=viewer_role_id,
        sees=sees,
        author_role_ids=author_role_ids,
    )
    _changed(actor, workspace, item_type, "message_rule_saved", rule.viewer_role.name)
    return rule


@transaction.atomic
def message_visibility_rule_delete(*, actor: User, workspace: Workspace, rule_id: int) -> None:
    """Delete a rule: holders of the role then see only their own messages, unless
    another of their roles has a rule (or the kind of item has no rules left)."""
    _require_configurer(actor, workspace)
    rule = (
        MessageVisibilityRule.objects.select_related("viewer_role")
        .filter(pk=rule_id, item_type__workspace=workspace)
        .first()
    )
    if rule is None:
        raise NotFound(_("Not found."))
    item_type = ItemType.objects.select_for_update().get(pk=rule.item_type_id)
    rule.delete()
    _changed(actor, workspace, item_type, "message_rule_deleted", rule.viewer_role.name)


# ---------------------------------------------------------------- pipeline files


def message_visibility_errors(rows: Iterable[Mapping[str, Any]], role_names: set[str]) -> list[str]:
    """What is wrong with a file's rules (unknown roles or choices, a role twice, chosen
    roles missing), so that `message_visibility_replace` writes them without a refusal."""
    errors = []
    seen: set[str] = set()
    for row in rows:
        role = row.get("role")
        if not isinstance(role, str):
            errors.append(_("a comment rule must name a role"))
            continue
        if role not in role_names:
            errors.append(_("unknown role “%(v)s”") % {"v": role})
        elif role in seen:
            errors.append(_("role “%(v)s” has two comment rules") % {"v": role})
        seen.add(role)
        if row.get("sees") not in MessageSees.values:
            errors.append(_("unknown comment visibility “%(v)s”") % {"v": row.get("sees")})
        authors = row.get("author_roles") or []
        if not isinstance(authors, list):
            errors.append(_("a comment rule's author roles must be a list"))
            continue
        errors += [_("unknown role “%(v)s”") % {"v": a} for a in authors if a not in role_names]
        if row.get("sees") == MessageSees.OWN_AND_ROLES and not authors:
            errors.append(
                _("role “%(v)s” sees the messages of chosen roles, but none is chosen")
                % {"v": role}
            )
    return errors


def message_visibility_replace(*, item_type: ItemType, rows: Iterable[Mapping[str, Any]]) -> None:
    """Make the type's rules those of a checked file (`message_visibility_errors` first),
    each written as the editor writes one; the caller (a pipeline import) holds the policy
    check, the item-type row lock and the transaction. The rules are rebuilt: nothing
    points at them."""
    MessageVisibilityRule.objects.filter(item_type=item_type).delete()
    roles = {r.name: r.pk for r in Role.objects.filter(workspace_id=item_type.workspace_id)}
    for row in rows:
        _rule_write(
            item_type,
            MessageVisibilityRule(item_type=item_type),
            viewer_role_id=roles[row["role"]],
            sees=row["sees"],
            author_role_ids=[roles[name] for name in row.get("author_roles") or []],
        )
