"""Event kinds of this app and who sees them in the feed."""

from django.utils.translation import gettext_lazy as _

from pult.accounts import selectors
from pult.accounts.models import Department, Membership, Workspace
from pult.accounts.permissions import VIEW_DIRECTORY
from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.notifications.registry import register_participants

register_verbs(
    Verb(
        "accounts.workspace_created",
        _("%(actor)s created the workspace %(target)s"),
        _("Workspace created"),
    ),
    Verb(
        "accounts.member_added",
        _("%(actor)s added %(target)s"),
        _("Person added"),
        requires=VIEW_DIRECTORY,
    ),
    Verb(
        "accounts.member_changed",
        _("%(actor)s changed the roles or access of %(target)s"),
        _("Person's roles changed"),
        requires=VIEW_DIRECTORY,
    ),
    Verb(
        "accounts.workspace_words_changed",
        _("%(actor)s changed the words and menu sections of %(target)s"),
        _("Workspace words changed"),
    ),
    Verb(
        "accounts.department_created",
        _("%(actor)s created the department %(target)s"),
        _("Department created"),
    ),
)

register_visibility(Workspace, lambda actor, workspace: Workspace.objects.filter(pk=workspace.pk))
register_visibility(Membership, selectors.membership_visible_to)
register_visibility(
    Department, lambda actor, workspace: Department.objects.filter(workspace=workspace)
)
# A member is a participant of their own membership: "you were given a role".
register_participants(Membership, lambda membership: [membership.user_id])  # type: ignore[attr-defined]
