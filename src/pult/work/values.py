"""Custom field values: parse form/API input by field kind into JSON-safe values."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from pult.core.formats import day_text, money_text, number_text
from pult.core.params import id_or_none, in_day_range, parse_day
from pult.core.text import text_problem
from pult.work.models import FieldDef, FieldKind

if TYPE_CHECKING:
    from pult.accounts.models import User, Workspace


# Numbers and money of custom fields: far beyond any amount a business enters, and within
# what Decimal quantizes to kopecks (its default context has 28 digits).
MAX_NUMBER = Decimal(10) ** 15


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def choice_label(field: FieldDef, value: str) -> str:
    from django.utils import translation

    lang = translation.get_language() or "en"
    for choice in field.choices or []:
        if choice.get("value") == value:
            return str(choice.get(lang) or choice.get("en") or value)
    return value


def parse_value(field: FieldDef, raw: Any) -> Any:
    """The stored form of `raw` for this field, or ValueError with a message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        text = str(raw).strip()
        limit = 300 if kind == FieldKind.TEXT else 10000
        if len(text) > limit:
            raise ValueError(_("At most %(n)s characters.") % {"n": limit})
        if problem := text_problem(text, multiline=kind == FieldKind.LONG_TEXT):
            raise ValueError(problem)
        return text
    if kind in (FieldKind.NUMBER, FieldKind.MONEY):
        try:
            number = Decimal(str(raw).replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation as error:
            raise ValueError(_("Enter a number.")) from error
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if abs(number) >= MAX_NUMBER:
            raise ValueError(_("Enter a number below a quadrillion."))
        return str(number.quantize(Decimal("0.01"))) if kind == FieldKind.MONEY else str(number)
    if kind == FieldKind.DATE:
        if isinstance(raw, datetime.date) and in_day_range(raw):
            return raw.isoformat()
        return parse_day(raw).isoformat()
    if kind == FieldKind.CHOICE:
        allowed = {c.get("value") for c in field.choices or []}
        if str(raw) not in allowed:
            raise ValueError(_("Choose one of the offered values."))
        return str(raw)
    if kind == FieldKind.BOOLEAN:
        if isinstance(raw, bool):
            return raw or None
        return True if str(raw).lower() in {"1", "true", "on", "yes"} else None
    if kind == FieldKind.USER:
        if (person := id_or_none(raw)) is None:
            raise ValueError(_("Choose a person."))
        return person
    return str(raw)


def person_problem(field: FieldDef, person_id: int, *, workspace_id: int) -> str | None:
    """Why `person_id` may not be chosen in a person field, or None: it must be an active
    member of the workspace holding one of the roles the field names (any, when none).
    None for the other kinds of field."""
    from pult.accounts.models import Membership

    if field.kind != FieldKind.USER:
        return None
    members = Membership.objects.filter(
        workspace_id=workspace_id, user_id=person_id, is_active=True, user__is_active=True
    )
    if not members.exists():
        return _("Choose a member of this workspace.")
    roles = sorted(role.shown_name for role in field.roles.all())
    if roles and not members.filter(roles__in=field.roles.all()).exists():
        if len(roles) == 1:
            return _("Choose a person with the role “%(role)s”.") % {"role": roles[0]}
        return _("Choose a person with one of the roles: %(roles)s.") % {
            "roles": ", ".join(f"“{role}”" for role in roles)
        }
    return None


def requester_contact_gaps(user: User, workspace: Workspace) -> list[str]:
    """What the requester still has to fill in before filing (name, phone, e-mail, outlet)."""
    gaps = []
    if not user.full_name.strip():
        gaps.append(_("your full name in the profile"))
    if not user.phone.strip():
        gaps.append(_("your phone in the profile"))
    if not user.email.strip():
        gaps.append(_("your e-mail in the profile"))
    if not user.outlets.filter(workspace=workspace).exists():
        gaps.append(_("your outlet (ask the marketing head to bind you to it)"))
    return gaps


def display_value(field: FieldDef, value: Any) -> str:
    """A stored value as people read it on a page: choice labels, yes/no, money and
    dates in the reader's language (1 290 000,00 ₽, 07.12.2026), empty as a dash."""
    if is_empty(value):
        return "—"
    if field.kind == FieldKind.MONEY:
        return money_text(value)
    if field.kind == FieldKind.NUMBER:
        return number_text(value)
    if field.kind == FieldKind.DATE:
        return day_text(str(value))
    return export_value(field, value)


def export_value(field: FieldDef, value: Any) -> str:
    """A stored value for a spreadsheet: labels for choices and yes/no, but amounts and
    dates plain (1290000.00, 2026-12-07) so that the spreadsheet reads them as such."""
    if is_empty(value):
        return ""
    if field.kind == FieldKind.CHOICE:
        return choice_label(field, str(value))
    if field.kind == FieldKind.BOOLEAN:
        return _("Yes") if value else _("No")
    return str(value)
