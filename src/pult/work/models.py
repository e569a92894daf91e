"""Pipelines as data, and the work items that move along them.

A work-item type has statuses, transitions, stages with sign-offs and custom fields;
one field policy (FieldRule) says, per field × status/stage × role, whether a field is
hidden, read-only, editable or required. Both a design-request queue (P1) and a
stage-gated order (P2) are configurations of these rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """Names shown to users come in Russian and English; `name` picks the active one."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if translation.get_language() == "ru" and self.name_ru:
            return self.name_ru
        return self.name_en


class ItemType(Bilingual):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=60)
    number_prefix = models.CharField(_("number prefix"), max_length=10)
    # How many items have been numbered; incremented under a row lock.
    last_number = models.PositiveIntegerField(default=0)
    # Filing needs the requester's full contact details (name, phone, e-mail, outlet).
    requires_contacts = models.BooleanField(default=False)
    # The transition a specialist's "take next" runs.
    take_transition = models.SlugField(max_length=60, default="take")
    # Give new items to the least-loaded eligible specialist instead of leaving them
    # in the queue; `skill_field` names the field whose value a specialist must have
    # among their skills (empty: any specialist).
    auto_assign = models.BooleanField(_("assign automatically"), default=False)
    skill_field = models.SlugField(max_length=60, blank=True)
    # The stages are signed in their order: a stage's sign-off needs every earlier one
    # (a staged order's departments hand the order on, one after another).
    sequential_stages = models.BooleanField(_("stages are signed in their order"), default=False)
    # Changes whenever the pipeline's fields, rules, stages, statuses or steps do: the key
    # of the per-process copy in `pipeline_cache` (a fresh type never shares a key).
    pipeline_version = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("work-item type")
        verbose_name_plural = _("work-item types")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="item_type_unique_key"),
            models.UniqueConstraint(
                fields=["workspace", "number_prefix"], name="item_type_unique_prefix"
            ),
        ]


class StatusCategory(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Status(Bilingual):
    item_type = models.ForeignKey(ItemType, on_delete=models.CASCADE, related_name="statuses")
    key = models.SlugField(max_length=60)
    colour = models.CharField(_("colour"), max_length=20, default="neutral")
    icon = models.CharField(_("icon"), max_length=60, default="circle-stack")
    category = models.CharField(
        max_length=10, choices=StatusCategory.choices, default=StatusCategory.OPEN
    )
    # Items in a queued status wait for a specialist: they have a queue position.
    queued = models.BooleanField(_("waits in the queue"), default=False)
    # The SLA clock stops while an item is in a paused status (waiting on the requester).
    position = models.PositiveSmallIntegerField(default=0)
    is_initial = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["item_type", "key"], name="status_unique_key"),
            models.UniqueConstraint(
                fields=["item_type"], condition=Q(is_initial=True), name="status_one_initial"
            ),
        ]


class Stage(Bilingual):
    """A step of a staged order, closed by a named sign-off."""

    item_type = models.ForeignKey(ItemType, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sign_permission = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["item_type", "key"], name="stage_unique_key"),
        ]


class Transition(models.Model):
    """An allowed move: from a status (or any) to a status, by whom, under which guards."""

    item_type = models.ForeignKey(ItemType, on_delete=models.CASCADE, related_name="transitions")
    key = models.SlugField(max_length=60)
    from_status = models.ForeignKey(
        Status,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: from any status"),
    )
    to_status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="+")
    label_en = models.CharField(max_length=120)
    label_ru = models.CharField(max_length=120, blank=True)
    # Who may take it: holders of the permission, and/or the item's requester/assignee.
    permission = models.CharField(max_length=100, blank=True)
    requester_may = models.BooleanField(default=False)
    assignee_may = models.BooleanField(default=False)
    guards = models.JSONField(default=list, blank=True)
    # Keys of stages that must be signed off before this step (a staged order's
    # "archive" needs finance and archive signed). A list of keys rather than guard
    # names like "stage_signed:<key>": the keys are checked against the type's stages
    # on import and the refusal names each unsigned stage.
    requires_stages = models.JSONField(default=list, blank=True)
    needs_comment = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_type", "key", "from_status"], name="transition_unique_key_from"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "ru" and self.label_ru:
            return self.label_ru
        return self.label_en


class StepEffect(models.Model):
    """What a step does besides moving the status, as data: the name of an effect that
    an app registered (`work.effects`: `assign_actor`, `unassign`, `set_field`,
    `start_clock`, …) and its parameters, run in `position` order by the one writer of
    the status. A table of its own, so that steps gained effects without changing the
    steps' table."""

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="effects")
    name = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Money")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    USER = "user", _("Person")
    FILE = "file", _("File")
    BOOLEAN = "boolean", _("Yes/no")


class FieldDef(Bilingual):
    item_type = models.ForeignKey(ItemType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=FieldKind.choices, default=FieldKind.TEXT)
    # Choices as [{"value": "...", "en": "...", "ru": "..."}].
    choices = models.JSONField(default=list, blank=True)
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.CASCADE, related_name="fields"
    )
    help_en = models.CharField(max_length=300, blank=True)
    help_ru = models.CharField(max_length=300, blank=True)
    # The name of a function registered in pult.work.computed: the value is computed
    # from the item on every save and never typed in (never an evaluated string).
    computed = models.CharField(max_length=60, blank=True)
    # A person field offers (and the services accept) only members holding one of these
    # roles, e.g. an order's expert is an Expert; none: any active member.
    roles = models.ManyToManyField(
        "access.Role", blank=True, related_name="+", verbose_name=_("people of the roles")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["item_type", "key"], name="field_unique_key"),
        ]

    @property
    def help(self) -> str:
        if translation.get_language() == "ru" and self.help_ru:
            return self.help_ru
        return self.help_en


class FieldMode(models.TextChoices):
    HIDDEN = "hidden", _("Hidden")
    READ = "read", _("Read-only")
    EDIT = "edit", _("Editable")
    REQUIRED = "required", _("Required")


class FieldRule(models.Model):
    """The one field policy: field × status (or stage) × role (or relation) → mode.

    Empty status/stage/role = any. Among the rules that match an actor, the most
    permissive mode wins (a person with two roles gets the better of them), and a
    field with no matching rule is read-only.
    """

    field = models.ForeignKey(FieldDef, on_delete=models.CASCADE, related_name="rules")
    status = models.ForeignKey(
        Status, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.ForeignKey(
        "access.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    relation = models.CharField(
        max_length=20,
        blank=True,
        choices=[
            ("", _("anyone")),
            ("requester", _("the requester")),
            ("assignee", _("an assignee")),
        ],
    )
    mode = models.CharField(max_length=10, choices=FieldMode.choices)

    def __str__(self) -> str:
        return f"{self.field_id}:{self.mode}"


class Item(models.Model):
    # Indexed by item_ws_id, which leads with it.
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=300)
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    # Denormalised from the status so the queue index can lead with it.
    category = models.CharField(max_length=10, choices=StatusCategory.choices)
    in_queue = models.BooleanField(default=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_items",
        verbose_name=_("requester"),
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_items",
        verbose_name=_("assignees"),
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_items"
    )
    outlet = models.ForeignKey(
        "parties.Outlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("outlet"),
    )
    values = models.JSONField(default=dict, blank=True)
    urgent_at = models.DateTimeField(_("urgent since"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    # Queue order: urgent first by when they became urgent, then by submission.
    queue_rank = models.PositiveSmallIntegerField(default=1)  # 0 urgent, 1 normal
    queue_at = models.DateTimeField()
    start_at = models.DateTimeField(_("start by"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The client and contract an order is for (P2); empty for internal requests.
    client = models.ForeignKey(
        "parties.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("client"),
    )
    contract = models.ForeignKey(
        "parties.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("contract"),
    )
    # The responsible manager of an order (P2); whose orders a group may be granted.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_items",
        verbose_name=_("manager"),
    )
    # A head set the dates by hand: the regulations no longer recompute them.
    dates_fixed = models.BooleanField(default=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [
            models.UniqueConstraint(fields=["item_type", "number"], name="item_unique_number"),
        ]
        indexes = [
            # The queue: "N ahead" is a count over this index range, never a scan.
            models.Index(
                fields=["workspace", "item_type", "queue_rank", "queue_at", "id"],
                name="item_queue",
                condition=Q(in_queue=True),
            ),
            # Lists and the API page newest first by id (keyset) within one kind of item.
            models.Index(fields=["workspace", "-id"], name="item_ws_id"),
            models.Index(fields=["workspace", "item_type", "-id"], name="item_ws_type_id"),
            models.Index(fields=["workspace", "category", "-submitted_at"], name="item_ws_cat"),
            # The same order under the list filters: a requester's, an outlet's… newest
            # first, read in index order and stopped at the page's end, never sorted.
            models.Index(fields=["workspace", "requester", "-id"], name="item_ws_requester"),
            models.Index(fields=["workspace", "outlet", "-id"], name="item_ws_outlet"),
            models.Index(fields=["workspace", "status", "-id"], name="item_ws_status"),
            models.Index(fields=["workspace", "client", "-id"], name="item_ws_client"),
            models.Index(fields=["workspace", "manager", "-id"], name="item_ws_manager"),
            models.Index(fields=["workspace", "item_type", "started_at"], name="item_ws_started"),
            models.Index(
                fields=["workspace", "due_at"], name="item_ws_due", condition=~Q(category="closed")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return item_reference(self.item_type, self.number)


def item_reference(item_type: ItemType, number: int) -> str:
    """How people cite an item: its type's prefix and its number, e.g. DR-00042."""
    return f"{item_type.number_prefix}-{number:05d}"


class SlaRule(models.Model):
    """Regulations: working hours to start and to finish, for a type (and optionally
    only for items whose field `condition_field` equals `condition_value`)."""

    item_type = models.ForeignKey(ItemType, on_delete=models.CASCADE, related_name="sla_rules")
    condition_field = models.SlugField(max_length=60, blank=True)
    condition_value = models.CharField(max_length=200, blank=True)
    start_within_hours = models.DecimalField(max_digits=7, decimal_places=2)
    finish_within_hours = models.DecimalField(max_digits=7, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.item_type_id}: {self.start_within_hours}/{self.finish_within_hours} h"


class SignOff(models.Model):
    """A stage signed: who (full name at that moment) and when."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="signoffs")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "stage"], name="signoff_once"),
        ]

    def __str__(self) -> str:
        return f"{self.stage_id} {self.signer_name}"


class ItemPause(models.Model):
    """An interval the SLA clock stood still (waiting on the requester)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.item_id}: {self.started_at}–{self.ended_at}"


class SavedView(models.Model):
    """A person's named filter of an item list (the query string of the filter bar)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_item_views"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "name"], name="saved_view_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VisibilityGrant(models.Model):
    """A department or a role granted sight of some managers' orders (P2): members of the
    department, or holders of the role, see every item whose `manager` is one of
    `managers`, with its events and chat. Evaluated in `selectors.item_visible_to`."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("department"),
    )
    role = models.ForeignKey(
        "access.Role",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("role"),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("managers")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("visibility grant")
        verbose_name_plural = _("visibility grants")
        constraints = [
            # Exactly one grantee: a department or a role.
            models.CheckConstraint(
                condition=Q(department__isnull=False, role__isnull=True)
                | Q(department__isnull=True, role__isnull=False),
                name="visibility_grant_one_grantee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department or self.role}"
