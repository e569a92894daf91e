"""The desk's menu entries (see pult.ui.navigation): "My requests" / "My orders" and the
queue."""

from django.utils.translation import gettext_lazy as _

from pult.ui.navigation import NavItem, holds_any
from pult.work.permissions import MANAGE, SUBMIT, TAKE

ENTRIES = [
    NavItem(
        "track",
        "",  # named by the workspace's word, as are the entries with `word=`
        "desk:track",
        "queue-list",
        holds_any(SUBMIT),
        position=200,
        section_key="track",
        word="my_items",
    ),
    NavItem(
        "queue",
        _("Queue"),
        "desk:queue",
        "inbox-stack",
        holds_any(TAKE, MANAGE),
        position=300,
        section_key="queue",
    ),
]
