"""Event kinds of this app and who sees them in the feed."""

from django.utils.translation import gettext_lazy as _

from pult.access.policies import has_permission
from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.notifications.models import NotificationRule
from pult.notifications.permissions import MANAGE_RULES

register_verbs(
    Verb(
        "notifications.rule_created",
        _("%(actor)s added a notification rule"),
        _("Notification rule added"),
        requires=MANAGE_RULES,
    ),
    Verb(
        "notifications.rule_changed",
        _("%(actor)s changed a notification rule"),
        _("Notification rule changed"),
        requires=MANAGE_RULES,
    ),
    Verb(
        "notifications.rule_deleted",
        _("%(actor)s deleted a notification rule"),
        _("Notification rule deleted"),
        requires=MANAGE_RULES,
    ),
)
register_visibility(
    NotificationRule,
    lambda actor, workspace: (
        NotificationRule.objects.filter(workspace=workspace)
        if has_permission(actor, workspace, MANAGE_RULES)
        else None
    ),
)
