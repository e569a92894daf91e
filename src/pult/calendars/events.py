"""Event kinds of this app and who sees them in the feed."""

from django.utils.translation import gettext_lazy as _

from pult.activity.registry import Verb, register_verbs, register_visibility
from pult.calendars.models import Calendar, Reminder
from pult.calendars.permissions import MANAGE_CALENDARS

register_verbs(
    Verb(
        "calendars.hours_changed",
        _("%(actor)s changed the working hours of %(target)s"),
        _("Working hours changed"),
        requires=MANAGE_CALENDARS,
    ),
    Verb(
        "calendars.exception_set",
        _("%(actor)s set %(date)s in %(target)s"),
        _("Calendar date set"),
        requires=MANAGE_CALENDARS,
    ),
    Verb(
        "calendars.exception_cleared",
        _("%(actor)s returned %(date)s in %(target)s to the usual hours"),
        _("Calendar date cleared"),
        requires=MANAGE_CALENDARS,
    ),
    Verb(
        "calendars.reminder_due",
        _("Reminder: %(text)s"),
        _("Reminder due"),
    ),
)
# Working hours are no secret inside the workspace; the verbs above already limit the
# feed to those who manage calendars.
register_visibility(Calendar, lambda actor, workspace: Calendar.objects.filter(workspace=workspace))
# A reminder is private: its event shows only to the person reminded.
register_visibility(
    Reminder,
    lambda actor, workspace: Reminder.objects.filter(workspace=workspace, user_id=actor.pk),
)
