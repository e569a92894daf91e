"""Writes about people and workspaces. Every function checks its policy and leaves an
event in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pult.access.catalogue import all_codes
from pult.access.models import Role, RolePermission
from pult.access.policies import forget_permissions
from pult.accounts import policies, vocabulary
from pult.accounts.models import TIME_ZONES, Department, Membership, User, Workspace
from pult.activity.services import event_record
from pult.core.exceptions import DomainError, NotFound
from pult.core.text import text_problem
from pult.core.uploads import validated_image

if TYPE_CHECKING:
    from collections.abc import Sequence

ADMIN_ROLE_NAME = "Administrator"


@transaction.atomic
def workspace_create(
    *, actor: User | None, name: str, slug: str = "", preset: str = ""
) -> Workspace:
    """Host a new organisation with an all-permissions admin role held by its creator.

    `actor=None` is the command line, run by the operator of the installation.
    """
    if actor is not None and not policies.can_create_workspace(actor):
        raise NotFound(_("Page not found."))
    name = name.strip()
    if not name:
        raise DomainError(_("Enter a name."), field_errors={"name": [_("This field is required.")]})
    slug = slugify(slug or name)[:60] or "workspace"
    if Workspace.objects.filter(slug=slug).exists():
        raise DomainError(
            _("A workspace with this short name already exists."),
            field_errors={"slug": [_("A workspace with this short name already exists.")]},
        )
    workspace = Workspace.objects.create(name=name, slug=slug, preset=preset)
    admin_role = Role.objects.create(
        workspace=workspace,
        name=ADMIN_ROLE_NAME,
        description="All permissions of the workspace",
    )
    RolePermission.objects.bulk_create(
        RolePermission(role=admin_role, code=code) for code in sorted(all_codes())
    )
    if actor is not None:
        membership = Membership.objects.create(workspace=workspace, user=actor)
        membership.roles.add(admin_role)
        if actor.current_workspace_id is None:
            actor.current_workspace = workspace
            actor.save(update_fields=["current_workspace"])
        forget_permissions(actor)
    event_record(
        actor=actor, workspace=workspace, verb="accounts.workspace_created", target=workspace
    )
    return workspace


def _check_roles(workspace: Workspace, roles: Sequence[Role]) -> None:
    if any(role.workspace_id != workspace.pk for role in roles):
        raise DomainError(_("Roles must belong to this workspace."))


def _check_department(workspace: Workspace, department: Department | None) -> None:
    if department is not None and department.workspace_id != workspace.pk:
        raise DomainError(_("The department must belong to this workspace."))


@transaction.atomic
def member_add(
    *,
    actor: User | None,
    workspace: Workspace,
    email: str,
    full_name: str,
    password: str = "",
    phone: str = "",
    position: str = "",
    department: Department | None = None,
    roles: Sequence[Role] = (),
) -> Membership:
    """Add a person to the workspace, creating their account if the e-mail is new.

    `actor=None` is the command line or a preset loader acting for the operator.
    """
    if actor is not None and not policies.can_manage_members(actor, workspace):
        raise NotFound(_("Page not found."))
    _check_roles(workspace, roles)
    _check_department(workspace, department)
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(
            email=email,
            full_name=full_name.strip(),
            phone=phone,
            position=position,
            current_workspace=workspace,
        )
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise DomainError(
                    " ".join(error.messages), field_errors={"password": list(error.messages)}
                ) from error
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(workspace=workspace, user=user).exists():
        raise DomainError(
            _("This person is already a member of the workspace."),
            field_errors={"email": [_("This person is already a member of the workspace.")]},
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                workspace=workspace, user=user, department=department
            )
    except IntegrityError as error:  # two admins adding the same person at once
        raise DomainError(_("This person is already a member of the workspace.")) from error
    membership.roles.set(roles)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="accounts.member_added",
        target=membership,
        payload={"roles": [r.name for r in roles]},
    )
    return membership


@transaction.atomic
def member_update(
    *,
    actor: User,
    workspace: Workspace,
    user_id: int,
    roles: Sequence[Role],
    department: Department | None,
    is_active: bool,
) -> Membership:
    """Change a member's roles, department or access to the workspace."""
    if not policies.can_manage_members(actor, workspace):
        raise NotFound(_("Page not found."))
    membership = (
        Membership.objects.select_for_update().filter(workspace=workspace, user_id=user_id).first()
    )
    if membership is None:
        raise NotFound(_("Member not found."))
    _check_roles(workspace, roles)
    _check_department(workspace, department)
    if membership.user_id == actor.pk and not is_active:
        raise DomainError(_("You cannot remove your own access."))
    before = sorted(membership.roles.values_list("name", flat=True))
    membership.department = department
    membership.is_active = is_active
    membership.save(update_fields=["department", "is_active"])
    membership.roles.set(roles)
    forget_permissions(membership.user)
    event_record(
        actor=actor,
        workspace=workspace,
        verb="accounts.member_changed",
        target=membership,
        payload={
            "roles_before": before,
            "roles": sorted(r.name for r in roles),
            "active": is_active,
        },
    )
    return membership


@transaction.atomic
def department_create(*, actor: User, workspace: Workspace, name: str) -> Department:
    """Add a department (names are unique within the workspace, ignoring case)."""
    if not policies.can_manage_members(actor, workspace):
        raise NotFound(_("Page not found."))
    name = name.strip()
    if not name:
        raise DomainError(_("Enter a name."), field_errors={"name": [_("This field is required.")]})
    if Department.objects.filter(workspace=workspace, name__iexact=name).exists():
        raise DomainError(
            _("A department with this name already exists."),
            field_errors={"name": [_("A department with this name already exists.")]},
        )
    department = Department.objects.create(workspace=workspace, name=name)
    event_record(
        actor=actor, workspace=workspace, verb="accounts.department_created", target=department
    )
    return department


@transaction.atomic
def workspace_words_set(
    *,
    actor: User,
    workspace: Workspace,
    words: dict[str, dict[str, str]],
    sections: Sequence[str],
) -> Workspace:
    """Replace the workspace's words and the sections its menu shows (F-WORDS).

    Words keep only catalogue keys and languages; an empty word falls back to the
    neutral default. At least one section stays on: an empty list would mean "all"."""
    if not policies.can_configure_workspace(actor, workspace):
        raise NotFound(_("Page not found."))
    problems: dict[str, list[str]] = {}
    for key, texts in words.items() if isinstance(words, dict) else []:
        for language, text in texts.items() if isinstance(texts, dict) else []:
            if isinstance(text, str) and (problem := text_problem(text, multiline=False)):
                problems[f"{key}_{language}"] = [problem]
    if problems:
        raise DomainError(_("Correct the words marked below."), field_errors=problems)
    chosen = vocabulary.sections_clean(list(sections))
    if not chosen:
        raise DomainError(
            _("Keep at least one section on."),
            field_errors={"sections": [_("Keep at least one section on.")]},
        )
    locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
    old_words: dict[str, object] = dict(locked.words or {})
    old_sections: list[str] = list(locked.sections or vocabulary.SECTION_KEYS)
    new_words = vocabulary.words_clean(words)
    locked.words, locked.sections = new_words, chosen
    locked.save(update_fields=["words", "sections"])
    workspace.words, workspace.sections = new_words, chosen
    event_record(
        actor=actor,
        workspace=workspace,
        verb="accounts.workspace_words_changed",
        target=workspace,
        payload={
            "words": [k for k in vocabulary.WORD_KEYS if old_words.get(k) != new_words.get(k)],
            "sections_on": [k for k in chosen if k not in old_sections],
            "sections_off": [k for k in old_sections if k not in chosen],
        },
    )
    return workspace


PROFILE_FIELDS = ("full_name", "phone", "position", "locale", "time_zone")


@transaction.atomic
def profile_update(
    *,
    actor: User,
    changes: dict[str, str],
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Change the actor's own profile; only the listed fields can change."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "full_name" in changes and not changes["full_name"].strip():
        raise DomainError(
            _("Enter your full name."), field_errors={"full_name": [_("This field is required.")]}
        )
    if "time_zone" in changes and changes["time_zone"] not in TIME_ZONES:
        raise DomainError(
            _("Choose a time zone from the list."),
            field_errors={"time_zone": [_("Choose a time zone from the list.")]},
        )
    user = User.objects.select_for_update().get(pk=actor.pk)
    for field, value in changes.items():
        setattr(user, field, value.strip() if field != "locale" else value)
    try:
        user.full_clean(exclude=["password", "avatar", "current_workspace"])
    except ValidationError as error:
        raise DomainError(
            _("Please correct the errors below."), field_errors=error.message_dict
        ) from error
    update_fields = list(changes)
    if avatar is not None:
        user.avatar.save(avatar.name or "avatar", validated_image(avatar), save=False)
        update_fields.append("avatar")
    elif remove_avatar and user.avatar:
        user.avatar.delete(save=False)
        update_fields.append("avatar")
    user.save(update_fields=update_fields)
    return user


@transaction.atomic
def language_set(*, actor: User, locale: str) -> None:
    """Remember the language the user picked in the switcher."""
    from django.conf import settings

    if locale not in dict(settings.LANGUAGES):
        raise DomainError(_("Unknown language."))
    User.objects.filter(pk=actor.pk).update(locale=locale)
    actor.locale = locale


@transaction.atomic
def workspace_switch(*, actor: User, workspace_id: int) -> Workspace:
    """Make another of the actor's workspaces current; others do not exist for them."""
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=actor, workspace_id=workspace_id, is_active=True)
        .first()
    )
    if membership is None:
        raise NotFound(_("Workspace not found."))
    User.objects.filter(pk=actor.pk).update(current_workspace=membership.workspace)
    actor.current_workspace = membership.workspace
    return membership.workspace
