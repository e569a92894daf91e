"""Each process's copy of a pipeline: fields (with their roles), field rules, stages and
steps of one kind of item, read once and reused until the pipeline changes.

Every item page, list and API call consults the pipeline; read from the database each
time it cost four queries per page for rows that change only when an administrator
edits the pipeline. The copy is keyed by the type's `pipeline_version`, which every
change replaces (the signals below for saves and deletes, `pipeline_changed` for bulk
writes), so a process sees a change on its next read of the item type, and another
process's copy never goes stale. The rows are shared by the process's threads: read
them, never modify them.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from pult.work.models import (
    FieldDef,
    FieldRule,
    ItemType,
    SlaRule,
    Stage,
    Status,
    StepEffect,
    Transition,
)


@dataclass(frozen=True)
class Pipeline:
    version: uuid.UUID
    fields: tuple[FieldDef, ...]  # in form order
    rules: tuple[FieldRule, ...]
    stages: tuple[Stage, ...]  # in pipeline order
    transitions: tuple[Transition, ...]  # with `to_status`
    effects: dict[int, tuple[StepEffect, ...]]  # transition id → its effects, in order
    sla_rules: tuple[SlaRule, ...]  # the regulations' dates, in order

    def transition(self, key: str, from_status_id: int) -> Transition | None:
        """The step `key` from this status; one from this very status wins over "any"."""
        found = [
            t
            for t in self.transitions
            if t.key == key and t.from_status_id in (from_status_id, None)
        ]
        return min(found, key=lambda t: t.from_status_id is None) if found else None


_copies: dict[int, Pipeline] = {}
_lock = threading.Lock()


def pipeline_of(item_type: ItemType) -> Pipeline:
    """The pipeline as of the type row the caller read (seven queries when it changed)."""
    copy = _copies.get(item_type.pk)
    if copy is not None and copy.version == item_type.pipeline_version:
        return copy
    copy = Pipeline(
        version=item_type.pipeline_version,
        # With each person field's roles (FieldDef.roles): the item page offers by them.
        fields=tuple(
            FieldDef.objects.filter(item_type=item_type)
            .prefetch_related("roles")
            .order_by("position", "pk")
        ),
        rules=tuple(FieldRule.objects.filter(field__item_type=item_type).order_by("pk")),
        stages=tuple(Stage.objects.filter(item_type=item_type).order_by("position", "pk")),
        transitions=tuple(
            Transition.objects.filter(item_type=item_type)
            .select_related("to_status")
            .order_by("from_status_id", "pk")
        ),
        effects=_effects_of(item_type),
        sla_rules=tuple(SlaRule.objects.filter(item_type=item_type).order_by("position", "pk")),
    )
    with _lock:
        _copies[item_type.pk] = copy
    return copy


def _effects_of(item_type: ItemType) -> dict[int, tuple[StepEffect, ...]]:
    effects: dict[int, list[StepEffect]] = {}
    for effect in StepEffect.objects.filter(transition__item_type=item_type):
        effects.setdefault(effect.transition_id, []).append(effect)
    return {transition_id: tuple(rows) for transition_id, rows in effects.items()}


def pipeline_changed(item_type_id: int) -> None:
    """Give the type a new version: every process reloads its copy on the next read."""
    ItemType.objects.filter(pk=item_type_id).update(pipeline_version=uuid.uuid4())


def forget_pipelines() -> None:
    """Drop this process's copies (tests that rewrite rows behind the services' back)."""
    with _lock:
        _copies.clear()


def _type_id_of(row: Model) -> int | None:
    if isinstance(row, FieldRule):
        field = FieldDef.objects.filter(pk=row.field_id).values_list("item_type_id", flat=True)
        return field.first()
    if isinstance(row, StepEffect):
        step = Transition.objects.filter(pk=row.transition_id).values_list(
            "item_type_id", flat=True
        )
        return step.first()
    return getattr(row, "item_type_id", None)


def _on_change(sender: Any, instance: Model, **kwargs: Any) -> None:
    type_id = _type_id_of(instance)
    if type_id is not None:
        pipeline_changed(type_id)


def _on_field_roles(sender: Any, instance: Model, **kwargs: Any) -> None:
    if isinstance(instance, FieldDef) and kwargs.get("action", "").startswith("post_"):
        pipeline_changed(instance.item_type_id)


def connect_signals() -> None:
    for model in (FieldDef, FieldRule, Stage, Status, Transition, StepEffect, SlaRule):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"pipeline-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"pipeline-del-{model.__name__}")
    m2m_changed.connect(
        _on_field_roles, sender=FieldDef.roles.through, dispatch_uid="pipeline-field-roles"
    )


def attach(item_type: ItemType) -> Pipeline:
    """Serve `item_type.fields.all()` and `item_type.stages.all()` from the copy, as a
    prefetch would, for code that reads them through the type."""
    pipeline = pipeline_of(item_type)
    prefetched = item_type.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in (("fields", pipeline.fields), ("stages", pipeline.stages)):
        if name in prefetched:
            continue
        queryset = getattr(item_type, name).all()  # lazy: no query
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        prefetched[name] = queryset
    return pipeline
