"""Event kinds of this app and who sees them in the feed."""

from django.utils.translation import gettext_lazy as _

from pult.access import selectors
from pult.access.models import Role
from pult.access.permissions import MANAGE_ROLES
from pult.activity.registry import Verb, register_verbs, register_visibility

register_verbs(
    Verb(
        "access.role_created",
        _("%(actor)s created the role %(target)s"),
        _("Role created"),
        requires=MANAGE_ROLES,
    ),
    Verb(
        "access.role_changed",
        _("%(actor)s changed the role %(target)s"),
        _("Role changed"),
        requires=MANAGE_ROLES,
    ),
    Verb(
        "access.role_deleted",
        _("%(actor)s deleted the role %(name)s"),
        _("Role deleted"),
        requires=MANAGE_ROLES,
    ),
)
register_visibility(Role, selectors.role_visible_to)
