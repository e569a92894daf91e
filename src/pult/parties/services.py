"""Writes about brands, outlets, the applicants bound to them and the specialists'
profiles. Every function checks its policy, validates before writing anything and
leaves an event in the same transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pult.accounts.models import Membership, User
from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.locking import locked
from pult.parties import policies, selectors
from pult.parties.models import Brand, Outlet, SpecialistProfile

if TYPE_CHECKING:
    import datetime

    from pult.accounts.models import Workspace

CAPACITY_MIN, CAPACITY_MAX = 1, 50
SKILL_MAX_LENGTH = 60


def _require_manage(actor: User, workspace: Workspace) -> None:
    """Outsiders do not learn the records exist (404); staff who only read get 403."""
    if policies.can_manage_parties(actor, workspace):
        return
    if policies.can_view_parties(actor, workspace):
        raise Forbidden(_("You may not change brands, outlets or specialists."))
    raise NotFound(_("Page not found."))


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(message, field_errors={field: [message]})


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    """One line of text: outer and doubled spaces removed, length checked."""
    text = " ".join((value or "").split())
    if required and not text:
        raise _refuse(field, _("This field is required."))
    if len(text) > limit:
        raise _refuse(field, _("At most %(n)s characters.") % {"n": limit})
    return text


# --- Brands ---------------------------------------------------------------------------


def _brand_name(workspace: Workspace, name: str, *, exclude_id: int | None = None) -> str:
    name = _text(name, field="name", limit=200, required=True)
    taken = Brand.objects.filter(workspace=workspace, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise _refuse("name", _("A brand with this name already exists."))
    return name


@transaction.atomic
def brand_create(*, actor: User, workspace: Workspace, name: str) -> Brand:
    """Add a brand; names are unique within the workspace, ignoring case."""
    _require_manage(actor, workspace)
    name = _brand_name(workspace, name)
    try:
        with transaction.atomic():
            brand = Brand.objects.create(workspace=workspace, name=name)
    except IntegrityError as error:  # two heads creating the same brand at once
        raise _refuse("name", _("A brand with this name already exists.")) from error
    event_record(actor=actor, workspace=workspace, verb="parties.brand_created", target=brand)
    return brand


@transaction.atomic
def brand_rename(*, actor: User, workspace: Workspace, brand_id: int, name: str) -> Brand:
    """Rename a brand of this workspace (others do not exist for the actor)."""
    _require_manage(actor, workspace)
    brands = Brand.objects.filter(workspace=workspace)
    brand = locked(brands, brand_id, not_found=_("Brand not found."))
    name = _brand_name(workspace, name, exclude_id=brand.pk)
    before = brand.name
    if name == before:
        return brand
    brand.name = name
    try:
        with transaction.atomic():
            brand.save(update_fields=["name"])
    except IntegrityError as error:
        raise _refuse("name", _("A brand with this name already exists.")) from error
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.brand_renamed",
        target=brand,
        payload={"before": before},
    )
    return brand


# --- Outlets --------------------------------------------------------------------------

OUTLET_FIELDS = ("brand", "city", "number", "name", "address", "franchisee")


def _outlet_values(
    workspace: Workspace,
    *,
    brand_id: int | None,
    city: str,
    number: str,
    name: str,
    address: str,
    franchisee: str,
    exclude_id: int | None = None,
) -> dict[str, object]:
    """Checked values of an outlet, or one DomainError naming every bad field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    brand = Brand.objects.filter(workspace=workspace, pk=brand_id).first() if brand_id else None
    if brand is None:
        errors["brand"] = [_("Choose a brand from the list.")]
    values["brand"] = brand
    for field, value, limit, required in (
        ("city", city, 120, True),
        ("number", number, 30, True),
        ("name", name, 200, False),
        ("address", address, 300, False),
        ("franchisee", franchisee, 200, False),
    ):
        try:
            values[field] = _text(value, field=field, limit=limit, required=required)
        except DomainError as error:
            errors.update(error.field_errors)
    number = str(values.get("number", ""))
    if brand is not None and number:
        # The network numbers its outlets per brand: "Pizza Bella №12" is one place.
        taken = Outlet.objects.filter(workspace=workspace, brand=brand, number__iexact=number)
        if exclude_id is not None:
            taken = taken.exclude(pk=exclude_id)
        if taken.exists():
            errors["number"] = [_("This brand already has an outlet with this number.")]
    if errors:
        raise DomainError(_("Please correct the errors below."), field_errors=errors)
    return values


def _save_outlet(outlet: Outlet, *, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            outlet.save(update_fields=fields)
    except IntegrityError as error:  # the same number saved by someone else just now
        raise _refuse("number", _("This brand already has an outlet with this number.")) from error


@transaction.atomic
def outlet_create(
    *,
    actor: User,
    workspace: Workspace,
    brand_id: int | None,
    city: str,
    number: str,
    name: str = "",
    address: str = "",
    franchisee: str = "",
) -> Outlet:
    """Add an outlet of one of the workspace's brands; its number is unique per brand."""
    _require_manage(actor, workspace)
    values = _outlet_values(
        workspace,
        brand_id=brand_id,
        city=city,
        number=number,
        name=name,
        address=address,
        franchisee=franchisee,
    )
    outlet = Outlet(workspace=workspace, **values)
    _save_outlet(outlet)
    event_record(actor=actor, workspace=workspace, verb="parties.outlet_created", target=outlet)
    return outlet


def _outlet_to_change(actor: User, workspace: Workspace, outlet_id: int) -> Outlet:
    """The outlet with its brand, locked (the brand stays free), among those the actor
    sees. The row lock serialises binding and unbinding of one outlet's people."""
    visible = selectors.outlet_visible_to(actor, workspace).select_related("brand")
    return locked(visible, outlet_id, not_found=_("Outlet not found."))


@transaction.atomic
def outlet_update(
    *,
    actor: User,
    workspace: Workspace,
    outlet_id: int,
    brand_id: int | None,
    city: str,
    number: str,
    name: str = "",
    address: str = "",
    franchisee: str = "",
) -> Outlet:
    """Change an outlet's brand, place, number or franchisee; the event lists what changed."""
    _require_manage(actor, workspace)
    outlet = _outlet_to_change(actor, workspace, outlet_id)
    values = _outlet_values(
        workspace,
        brand_id=brand_id,
        city=city,
        number=number,
        name=name,
        address=address,
        franchisee=franchisee,
        exclude_id=outlet.pk,
    )
    changed = []
    for field, value in values.items():
        current = outlet.brand_id if field == "brand" else getattr(outlet, field)
        new = value.pk if isinstance(value, Brand) else value
        if current != new:
            setattr(outlet, field, value)
            changed.append(field)
    if not changed:
        return outlet
    _save_outlet(outlet, fields=changed)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.outlet_changed",
        target=outlet,
        payload={"fields": changed},
    )
    return outlet


@transaction.atomic
def outlet_member_add(
    *,
    actor: User,
    workspace: Workspace,
    outlet_id: int,
    email: str = "",
    user_id: int | None = None,
) -> User:
    """Bind an active member of the workspace (found by e-mail or id) to the outlet, so
    they may file its requests and see its work."""
    _require_manage(actor, workspace)
    outlet = _outlet_to_change(actor, workspace, outlet_id)
    members = Membership.objects.filter(workspace=workspace, is_active=True).select_related("user")
    email = email.strip()
    if user_id is not None:
        membership = members.filter(user_id=user_id).first()
    elif email:
        membership = members.filter(user__email__iexact=email).first()
    else:
        raise _refuse("email", _("Enter the person's e-mail."))
    if membership is None:
        raise _refuse("email", _("No active member of this workspace has this e-mail."))
    user = membership.user
    if outlet.members.filter(pk=user.pk).exists():
        raise _refuse("email", _("%(name)s is already bound to this outlet.") % {"name": user})
    outlet.members.add(user)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.member_bound",
        target=outlet,
        payload={"member": user.full_name, "member_id": user.pk},
    )
    return user


@transaction.atomic
def outlet_member_remove(
    *, actor: User, workspace: Workspace, outlet_id: int, user_id: int
) -> None:
    """Unbind a person from the outlet (also one who has left the workspace)."""
    _require_manage(actor, workspace)
    outlet = _outlet_to_change(actor, workspace, outlet_id)
    user = outlet.members.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("This person is not bound to the outlet."))
    outlet.members.remove(user)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.member_unbound",
        target=outlet,
        payload={"member": user.full_name, "member_id": user.pk},
    )


# --- Specialists ----------------------------------------------------------------------

_SEPARATORS = re.compile(r"[,;\n]+")


def normalise_skills(skills: str | Iterable[str]) -> list[str]:
    """Lower-case skill keys, each once, in the order given ("Poster, menu,poster" →
    ["poster", "menu"]); assignment compares them with a field's value in lower case."""
    parts = _SEPARATORS.split(skills) if isinstance(skills, str) else list(skills)
    keys: list[str] = []
    for part in parts:
        key = " ".join(str(part).split()).lower()
        if key and key not in keys:
            keys.append(key)
    return keys


@transaction.atomic
def specialist_profile_save(
    *,
    actor: User,
    workspace: Workspace,
    user_id: int,
    skills: str | Iterable[str],
    capacity: int,
    absent_from: datetime.date | None = None,
    absent_until: datetime.date | None = None,
) -> SpecialistProfile:
    """Set what automatic assignment weighs for a specialist: skills, how many requests
    at once, and an absence (from a day, until a day or open-ended)."""
    from pult.parties.selectors import specialist_ids

    _require_manage(actor, workspace)
    if user_id not in specialist_ids(workspace=workspace, user_ids=[user_id]):
        raise NotFound(_("Specialist not found."))
    errors: dict[str, list[str]] = {}
    keys = normalise_skills(skills)
    joined = ",".join(keys)
    if any(len(key) > SKILL_MAX_LENGTH for key in keys):
        errors["skills"] = [_("A skill is at most %(n)s characters.") % {"n": SKILL_MAX_LENGTH}]
    elif len(joined) > SpecialistProfile._meta.get_field("skills").max_length:  # type: ignore[operator]
        errors["skills"] = [_("Too many skills: shorten the list.")]
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        errors["capacity"] = [_("Enter a whole number.")]
    elif not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        errors["capacity"] = [
            _("Enter a number from %(min)s to %(max)s.")
            % {"min": CAPACITY_MIN, "max": CAPACITY_MAX}
        ]
    if absent_until is not None and absent_from is None:
        errors["absent_from"] = [_("Enter the first day of the absence too.")]
    elif absent_from and absent_until and absent_until < absent_from:
        errors["absent_until"] = [_("The absence cannot end before it starts.")]
    if errors:
        raise DomainError(_("Please correct the errors below."), field_errors=errors)
    profile, created = SpecialistProfile.objects.select_for_update().get_or_create(
        workspace=workspace, user_id=user_id
    )
    before = {
        "skills": profile.skills,
        "capacity": profile.capacity,
        "absent_from": profile.absent_from,
        "absent_until": profile.absent_until,
    }
    profile.skills = joined
    profile.capacity = capacity
    profile.absent_from = absent_from
    profile.absent_until = absent_until
    profile.save()
    after = {
        "skills": profile.skills,
        "capacity": profile.capacity,
        "absent_from": absent_from,
        "absent_until": absent_until,
    }
    if after != before or created:
        user = User.objects.only("full_name").get(pk=user_id)
        event_record(
            actor=actor,
            workspace=workspace,
            verb="parties.specialist_changed",
            target=profile,
            payload={
                "member": user.full_name,
                "member_id": user_id,
                "skills": keys,
                "capacity": capacity,
                "absent_from": absent_from.isoformat() if absent_from else None,
                "absent_until": absent_until.isoformat() if absent_until else None,
            },
        )
    return profile
