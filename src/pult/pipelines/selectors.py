"""Reads of the pipeline editor, for holders of `work.configure` only: to anyone else
(and for another workspace's ids) a pipeline does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, IntegerField, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from pult.access.catalogue import permission_groups
from pult.access.models import Role
from pult.core.exceptions import NotFound
from pult.work import policies
from pult.work.models import (
    FieldDef,
    FieldMode,
    FieldRule,
    Item,
    ItemType,
    SignOff,
    Stage,
    Status,
    Transition,
)

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


def _count(model: type[Model]) -> Coalesce:
    """A correlated COUNT per item type: no join fan-out, one query for the whole list."""
    rows = (
        model._default_manager.filter(item_type=OuterRef("pk"))
        .order_by()
        .values("item_type")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def pipeline_list(*, actor: User, workspace: Workspace) -> list[ItemType]:
    """The workspace's item types with their numbers of statuses, steps, fields, items."""
    if not policies.can_configure_pipeline(actor, workspace):
        return []
    return list(
        ItemType.objects.filter(workspace=workspace)
        .annotate(
            status_count=_count(Status),
            transition_count=_count(Transition),
            field_count=_count(FieldDef),
            item_count=_count(Item),
        )
        .order_by("pk")
    )


def pipeline_get(*, actor: User, workspace: Workspace, item_type_id: int) -> ItemType:
    if not policies.can_configure_pipeline(actor, workspace):
        raise NotFound("")
    item_type = ItemType.objects.filter(workspace=workspace, pk=item_type_id).first()
    if item_type is None:
        raise NotFound("")
    return item_type


def status_rows(item_type: ItemType) -> list[Status]:
    """Statuses with `item_count` (one grouped subquery, flat in the number of items)."""
    items = (
        Item.objects.filter(status=OuterRef("pk"))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        item_type.statuses.annotate(
            item_count=Coalesce(Subquery(items, output_field=IntegerField()), 0)
        )
    )


def stage_rows(item_type: ItemType, fields: list[FieldDef]) -> list[Stage]:
    """Stages with their department, `signoff_count`, and `own_fields` / `required`
    (the fields required for the sign-off): two queries whatever the number of items."""
    signoffs = (
        SignOff.objects.filter(stage=OuterRef("pk"))
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
        .values("n")
    )
    stages: list[Stage] = list(
        item_type.stages.select_related("department").annotate(
            signoff_count=Coalesce(Subquery(signoffs, output_field=IntegerField()), 0)
        )
    )
    # The rules `policies.stage_required_fields` reads: of the field's stage, or of none.
    required = set(
        FieldRule.objects.filter(
            field__item_type=item_type, field__stage__isnull=False, mode=FieldMode.REQUIRED
        )
        .filter(Q(stage_id=F("field__stage_id")) | Q(stage__isnull=True))
        .values_list("field_id", flat=True)
    )
    for stage in stages:
        own = [f for f in fields if f.stage_id == stage.pk]
        stage.own_fields = own  # type: ignore[attr-defined]
        stage.required = [f for f in own if f.pk in required]  # type: ignore[attr-defined]
    return stages


def stage_required_field_ids(stage: Stage) -> set[int]:
    """The stage's fields the policy makes required for its sign-off (in some status):
    a "required" rule of this stage or of no stage, as `policies.stage_required_fields`
    reads them."""
    return set(
        FieldRule.objects.filter(field__stage=stage, mode=FieldMode.REQUIRED)
        .filter(Q(stage=stage) | Q(stage__isnull=True))
        .values_list("field_id", flat=True)
    )


def transition_rows(item_type: ItemType) -> list[Transition]:
    return list(
        item_type.transitions.select_related("from_status", "to_status").prefetch_related("effects")
    )


def permission_labels() -> dict[str, str]:
    return {p.code: str(p.label) for g in permission_groups() for p in g.permissions}


@dataclass(frozen=True)
class Subject:
    """Whom a column of the policy matrix is about: a role, a relation, or anyone."""

    value: str  # "role-<id>", "requester", "assignee" or "anyone"
    role: Role | None = None
    relation: str = ""


def policy_subjects(workspace: Workspace) -> list[Subject]:
    roles = [Subject(f"role-{r.pk}", role=r) for r in Role.objects.filter(workspace=workspace)]
    return [
        *roles,
        Subject("requester", relation="requester"),
        Subject("assignee", relation="assignee"),
        Subject("anyone"),
    ]


def policy_subject(subjects: list[Subject], value: str) -> Subject:
    """The chosen subject, else the first role (else anyone)."""
    return next((s for s in subjects if s.value == value), subjects[0])


def policy_cells(
    item_type: ItemType, subject: Subject, fields: list[FieldDef], stage: Stage | None = None
) -> dict[tuple[int, int | None], str]:
    """(field id, status id or None) → mode of this subject's own rules of one scope: no
    stage, or while `stage` is not signed off."""
    rules = FieldRule.objects.filter(
        field__in=fields,
        role=subject.role,
        relation=subject.relation,
        stage=stage,
    ).order_by("pk")
    return {(r.field_id, r.status_id): r.mode for r in rules}
