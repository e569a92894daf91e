"""Reads of comment visibility (MessageVisibilityRule) for the pipeline editor and the
pipeline files; the callers have checked who may configure pipelines. What a person
sees is `selectors.message_visible_to`, which evaluates these rows in SQL."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pult.chat.models import MessageVisibilityRule
from pult.work.models import ItemType


def message_visibility_rule_list(item_type: ItemType) -> QuerySet[MessageVisibilityRule]:
    """The rules of one kind of item by viewer role: two queries, whatever the number."""
    return (
        MessageVisibilityRule.objects.filter(item_type=item_type)
        .select_related("viewer_role")
        .prefetch_related("author_roles")
        .order_by("viewer_role__name")
    )


def message_visibility_rows(item_type: ItemType) -> list[dict[str, Any]]:
    """The type's rules as a pipeline file holds them: role names, ordered by role."""
    return [
        {
            "role": rule.viewer_role.name,
            "sees": rule.sees,
            "author_roles": sorted(r.name for r in rule.author_roles.all()),
        }
        for rule in message_visibility_rule_list(item_type)
    ]
