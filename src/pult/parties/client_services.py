"""Writes of the client base (P2): clients, their contact persons and contracts.

Every function checks its policy, validates all input before writing anything (one
DomainError naming every bad field) and records an event on the client in the same
transaction. Split from services.py, which holds brands, outlets and specialists.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.accounts.models import Membership, User
from pult.activity.services import event_record
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.core.locking import locked
from pult.parties import client_selectors as selectors
from pult.parties import policies
from pult.parties.models import Client, ClientStatus, ContactPerson, Contract
from pult.parties.services import _text

if TYPE_CHECKING:
    from pult.accounts.models import Workspace

AMOUNT_MAX = Decimal("999999999999.99")  # max_digits=14, decimal_places=2


def _require_manage_clients(actor: User, workspace: Workspace) -> None:
    """Outsiders do not learn the client base exists (404); read-only managers get 403."""
    if policies.can_manage_clients(actor, workspace):
        return
    if policies.can_view_clients(actor, workspace):
        raise Forbidden(_("You may not change clients."))
    raise NotFound(_("Page not found."))


def _invalid(errors: dict[str, list[str]]) -> DomainError:
    return DomainError(_("Please correct the errors below."), field_errors=errors)


def _collect(errors: dict[str, list[str]], values: dict[str, Any], field: str, fn: Any) -> None:
    """Run one field's check, keeping its value or its error (so all errors show at once)."""
    try:
        values[field] = fn()
    except DomainError as error:
        errors.update(error.field_errors)


def _client_to_change(actor: User, workspace: Workspace, client_id: int) -> Client:
    """The client, locked, among those the actor sees (a manager sees them all)."""
    visible = selectors.client_visible_to(actor, workspace)
    return locked(visible, client_id, not_found=_("Client not found."))


# --- Clients --------------------------------------------------------------------------

CLIENT_TEXT_FIELDS: tuple[tuple[str, int, bool], ...] = (
    ("name", 300, True),
    ("address", 500, False),
    ("source", 200, False),
    ("industry", 200, False),
    ("tags", 500, False),
)
CLIENT_LONG_FIELDS = ("activity", "comments")
LONG_TEXT_MAX = 10_000


def _long_text(value: str, *, field: str) -> str:
    text = (value or "").strip()
    if len(text) > LONG_TEXT_MAX:
        raise DomainError(
            _("At most %(n)s characters.") % {"n": LONG_TEXT_MAX},
            field_errors={field: [_("At most %(n)s characters.") % {"n": LONG_TEXT_MAX}]},
        )
    return text


def _client_values(workspace: Workspace, data: dict[str, Any]) -> dict[str, Any]:
    """Checked values of the client fields present in `data`."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, limit, required in CLIENT_TEXT_FIELDS:
        if field in data:
            raw = str(data[field] or "")
            _collect(
                errors,
                values,
                field,
                lambda f=field, r=raw, n=limit, q=required: _text(r, field=f, limit=n, required=q),
            )
    for field in CLIENT_LONG_FIELDS:
        if field in data:
            raw = str(data[field] or "")
            _collect(errors, values, field, lambda f=field, r=raw: _long_text(r, field=f))
    if "manager_id" in data:
        manager_id = data["manager_id"]
        if manager_id is None:
            values["manager"] = None
        else:
            membership = (
                Membership.objects.filter(workspace=workspace, user_id=manager_id, is_active=True)
                .select_related("user")
                .first()
            )
            if membership is None:
                errors["manager"] = [_("Choose an active member of the workspace.")]
            else:
                values["manager"] = membership.user
    if "next_contact_at" in data:
        when = data["next_contact_at"]
        if when is not None and not isinstance(when, datetime.datetime):
            errors["next_contact_at"] = [_("Enter a date and time.")]
        else:
            if when is not None and timezone.is_naive(when):
                when = timezone.make_aware(when)
            values["next_contact_at"] = when
    if errors:
        raise _invalid(errors)
    return values


@transaction.atomic
def client_create(
    *,
    actor: User,
    workspace: Workspace,
    name: str,
    address: str = "",
    source: str = "",
    industry: str = "",
    activity: str = "",
    comments: str = "",
    tags: str = "",
    manager_id: int | None = None,
    next_contact_at: datetime.datetime | None = None,
) -> Client:
    """Add a client company; a name is required, the manager is an active member."""
    _require_manage_clients(actor, workspace)
    values = _client_values(
        workspace,
        {
            "name": name,
            "address": address,
            "source": source,
            "industry": industry,
            "activity": activity,
            "comments": comments,
            "tags": tags,
            "manager_id": manager_id,
            "next_contact_at": next_contact_at,
        },
    )
    client = Client.objects.create(workspace=workspace, **values)
    event_record(actor=actor, workspace=workspace, verb="parties.client_created", target=client)
    _remind_next_contact(actor, workspace, client)
    return client


def _remind_next_contact(actor: User, workspace: Workspace, client: Client) -> None:
    """Keep the manager's "call the client" reminder in step with the card."""
    from pult.calendars.reminders import reminder_for_next_contact

    reminder_for_next_contact(actor=actor, workspace=workspace, client=client)


@transaction.atomic
def client_update(*, actor: User, workspace: Workspace, client_id: int, **changes: Any) -> Client:
    """Change the fields given (name, address, source, industry, activity, comments, tags,
    manager_id, next_contact_at); the event lists what changed."""
    _require_manage_clients(actor, workspace)
    client = _client_to_change(actor, workspace, client_id)
    allowed = {f for f, _n, _r in CLIENT_TEXT_FIELDS} | set(CLIENT_LONG_FIELDS)
    allowed |= {"manager_id", "next_contact_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"client_update() got unexpected fields: {sorted(unknown)}")
    values = _client_values(workspace, changes)
    changed = []
    for field, value in values.items():
        current = client.manager_id if field == "manager" else getattr(client, field)
        new = value.pk if isinstance(value, User) else value
        if current != new:
            setattr(client, field, value)
            changed.append(field)
    if not changed:
        return client
    client.save(update_fields=[*changed, "updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.client_changed",
        target=client,
        payload={"fields": changed},
    )
    if {"manager", "next_contact_at"} & set(changed):
        _remind_next_contact(actor, workspace, client)
    return client


@transaction.atomic
def client_archive(*, actor: User, workspace: Workspace, client_id: int) -> Client:
    """Move a client to the archive (kept with its contacts, contracts and orders)."""
    _require_manage_clients(actor, workspace)
    client = _client_to_change(actor, workspace, client_id)
    if client.archived_at is not None:
        raise DomainError(_("The client is already in the archive."))
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at", "updated_at"])
    event_record(actor=actor, workspace=workspace, verb="parties.client_archived", target=client)
    _remind_next_contact(actor, workspace, client)
    return client


@transaction.atomic
def client_restore(*, actor: User, workspace: Workspace, client_id: int) -> Client:
    """Bring an archived client back to the working list."""
    _require_manage_clients(actor, workspace)
    client = _client_to_change(actor, workspace, client_id)
    if client.archived_at is None:
        raise DomainError(_("The client is not in the archive."))
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])
    event_record(actor=actor, workspace=workspace, verb="parties.client_restored", target=client)
    _remind_next_contact(actor, workspace, client)
    return client


@transaction.atomic
def client_set_status(*, actor: User, workspace: Workspace, client_id: int, status: str) -> Client:
    """Mark a client active or refused (a refused client's data stays usable)."""
    _require_manage_clients(actor, workspace)
    client = _client_to_change(actor, workspace, client_id)
    if status not in ClientStatus.values:
        raise DomainError(
            _("Choose a status from the list."),
            field_errors={"status": [_("Choose a status from the list.")]},
        )
    if client.status == status:
        return client
    client.status = status
    client.save(update_fields=["status", "updated_at"])
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.client_status_changed",
        target=client,
        payload={"status": str(ClientStatus(status).label), "status_key": status},
    )
    return client


# --- Contact persons ------------------------------------------------------------------

_LIST_SEPARATORS = re.compile(r"[,;\n]+")


def split_list(raw: str) -> list[str]:
    """ "a@x.ru, b@y.ru;c@z.ru" → three items, blanks and repeats dropped."""
    items: list[str] = []
    for part in _LIST_SEPARATORS.split(raw or ""):
        item = " ".join(part.split())
        if item and item not in items:
            items.append(item)
    return items


def _contact_values(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, limit, required in (("full_name", 200, True), ("position", 200, False)):
        if field in data:
            raw = str(data[field] or "")
            _collect(
                errors,
                values,
                field,
                lambda f=field, r=raw, n=limit, q=required: _text(r, field=f, limit=n, required=q),
            )
    if "phones" in data:
        phones = ", ".join(split_list(str(data["phones"] or "")))
        if len(phones) > 300:
            errors["phones"] = [_("At most %(n)s characters.") % {"n": 300}]
        values["phones"] = phones
    if "emails" in data:
        emails = split_list(str(data["emails"] or ""))
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                bad.append(email)
        joined = ", ".join(emails)
        if bad:
            errors["emails"] = [
                _("Not a valid e-mail address: %(emails)s") % {"emails": ", ".join(bad)}
            ]
        elif len(joined) > 300:
            errors["emails"] = [_("At most %(n)s characters.") % {"n": 300}]
        values["emails"] = joined
    if "comments" in data:
        raw = str(data["comments"] or "")
        _collect(errors, values, "comments", lambda: _long_text(raw, field="comments"))
    if errors:
        raise _invalid(errors)
    return values


def _contact_to_change(actor: User, workspace: Workspace, contact_id: int) -> ContactPerson:
    """The contact person, locked (its client stays free), of a client the actor sees."""
    visible = ContactPerson.objects.filter(
        workspace=workspace, client__in=selectors.client_visible_to(actor, workspace)
    ).select_related("client")
    return locked(visible, contact_id, not_found=_("Contact person not found."))


@transaction.atomic
def contact_add(
    *,
    actor: User,
    workspace: Workspace,
    client_id: int,
    full_name: str,
    position: str = "",
    phones: str = "",
    emails: str = "",
    comments: str = "",
) -> ContactPerson:
    """Add a contact person to a client; a name is required, e-mails must be valid."""
    _require_manage_clients(actor, workspace)
    client = _client_to_change(actor, workspace, client_id)
    values = _contact_values(
        {
            "full_name": full_name,
            "position": position,
            "phones": phones,
            "emails": emails,
            "comments": comments,
        }
    )
    contact = ContactPerson.objects.create(workspace=workspace, client=client, **values)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.contact_added",
        target=client,
        payload={"contact": contact.full_name, "contact_id": contact.pk},
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, workspace: Workspace, contact_id: int, **changes: Any
) -> ContactPerson:
    """Change the fields given (full_name, position, phones, emails, comments)."""
    _require_manage_clients(actor, workspace)
    contact = _contact_to_change(actor, workspace, contact_id)
    unknown = set(changes) - {"full_name", "position", "phones", "emails", "comments"}
    if unknown:
        raise TypeError(f"contact_update() got unexpected fields: {sorted(unknown)}")
    values = _contact_values(changes)
    changed = [f for f, v in values.items() if getattr(contact, f) != v]
    if not changed:
        return contact
    for field in changed:
        setattr(contact, field, values[field])
    contact.save(update_fields=changed)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.contact_changed",
        target=contact.client,
        payload={"contact": contact.full_name, "contact_id": contact.pk, "fields": changed},
    )
    return contact


@transaction.atomic
def contact_remove(*, actor: User, workspace: Workspace, contact_id: int) -> None:
    """Delete a contact person; the client's history keeps their name."""
    _require_manage_clients(actor, workspace)
    contact = _contact_to_change(actor, workspace, contact_id)
    client, name, pk = contact.client, contact.full_name, contact.pk
    contact.delete()
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.contact_removed",
        target=client,
        payload={"contact": name, "contact_id": pk},
    )


# --- Contracts ------------------------------------------------------------------------

CONTRACT_FIELDS = ("number", "signed_on", "valid_from", "valid_until", "amount", "comments")


def _number_taken_message() -> str:
    return _("A contract with this number already exists.")


def _contract_values(
    workspace: Workspace,
    data: dict[str, Any],
    *,
    current: Contract | None = None,
) -> dict[str, Any]:
    """Checked contract values; the period is checked on the merged (current + new) values."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "number" in data:
        raw = str(data["number"] or "")
        _collect(
            errors,
            values,
            "number",
            lambda: _text(raw, field="number", limit=100, required=True),
        )
        number = values.get("number")
        if number:
            taken = Contract.objects.filter(workspace=workspace, number__iexact=number)
            if current is not None:
                taken = taken.exclude(pk=current.pk)
            if taken.exists():
                errors["number"] = [_number_taken_message()]
    for field in ("signed_on", "valid_from", "valid_until"):
        if field in data:
            value = data[field]
            if value is not None and not isinstance(value, datetime.date):
                errors[field] = [_("Enter a valid date.")]
            else:
                values[field] = value
    if "amount" in data:
        amount = data["amount"]
        if amount is None or amount == "":
            values["amount"] = None
        else:
            try:
                parsed = Decimal(str(amount))
            except InvalidOperation:
                errors["amount"] = [_("Enter a number.")]
            else:
                if not parsed.is_finite():
                    errors["amount"] = [_("Enter a number.")]
                elif parsed < 0:
                    errors["amount"] = [_("The contract sum cannot be negative.")]
                elif parsed > AMOUNT_MAX:
                    errors["amount"] = [_("The contract sum is too large.")]
                else:
                    values["amount"] = parsed.quantize(Decimal("0.01"))
    if "comments" in data:
        raw_comments = str(data["comments"] or "")
        _collect(errors, values, "comments", lambda: _long_text(raw_comments, field="comments"))
    start = values.get("valid_from", current.valid_from if current else None)
    end = values.get("valid_until", current.valid_until if current else None)
    if start and end and end < start and "valid_until" not in errors:
        errors["valid_until"] = [_("The contract cannot end before it starts.")]
    if errors:
        raise _invalid(errors)
    return values


def _save_contract(contract: Contract, *, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            contract.save(update_fields=fields)
    except IntegrityError as error:  # the same number saved by someone else just now
        message = _number_taken_message()
        raise DomainError(message, field_errors={"number": [message]}) from error


@transaction.atomic
def contract_create(
    *,
    actor: User,
    workspace: Workspace,
    client_id: int,
    number: str,
    signed_on: datetime.date | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    amount: Decimal | str | int | None = None,
    comments: str = "",
) -> Contract:
    """Add a contract of a client; its number is unique in the workspace, ignoring case."""
    _require_manage_clients(actor, workspace)
    client = _client_to_change(actor, workspace, client_id)
    values = _contract_values(
        workspace,
        {
            "number": number,
            "signed_on": signed_on,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "amount": amount,
            "comments": comments,
        },
    )
    contract = Contract(workspace=workspace, client=client, **values)
    _save_contract(contract)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.contract_created",
        target=client,
        payload={"number": contract.number, "contract_id": contract.pk},
    )
    return contract


@transaction.atomic
def contract_update(
    *, actor: User, workspace: Workspace, contract_id: int, **changes: Any
) -> Contract:
    """Change the fields given (number, signed_on, valid_from, valid_until, amount,
    comments); the period and the number's uniqueness are checked again."""
    _require_manage_clients(actor, workspace)
    visible = Contract.objects.filter(
        workspace=workspace, client__in=selectors.client_visible_to(actor, workspace)
    ).select_related("client")
    contract = locked(visible, contract_id, not_found=_("Contract not found."))
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"contract_update() got unexpected fields: {sorted(unknown)}")
    values = _contract_values(workspace, changes, current=contract)
    changed = [f for f, v in values.items() if getattr(contract, f) != v]
    if not changed:
        return contract
    for field in changed:
        setattr(contract, field, values[field])
    _save_contract(contract, fields=changed)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="parties.contract_changed",
        target=contract.client,
        payload={"number": contract.number, "contract_id": contract.pk, "fields": changed},
    )
    return contract
