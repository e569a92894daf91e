from __future__ import annotations

from django.conf import settings

from pult.accounts.vocabulary import SectionsOn, words_for
from pult.core.http import WorkspaceRequest
from pult.ui.navigation import visible_nav


def shell(request: WorkspaceRequest) -> dict[str, object]:
    """What the shell (navigation, switcher, bell) needs on every page."""
    if not request.user.is_authenticated:
        return {"languages": settings.LANGUAGES}
    workspace = getattr(request, "workspace", None)
    unread = 0
    if workspace is not None:
        from pult.notifications.services import unread_count

        unread = unread_count(user_id=request.user.pk, workspace_id=workspace.pk)
    nav = visible_nav(request)
    return {
        "languages": settings.LANGUAGES,
        "nav_main": [i for i in nav if i["section"] == "main"],
        "nav_admin": [i for i in nav if i["section"] == "admin"],
        "current_workspace": workspace,
        "workspace_memberships": getattr(request, "memberships", []),
        "unread_count": unread,
    }


def vocabulary(request: WorkspaceRequest) -> dict[str, object]:
    """`words`: the current workspace's words in the reader's language, on every page
    (`{{ words.items }}`, `{{ words.lower.items }}`); the neutral ones outside a
    workspace. `sections_on.places`: does the workspace run that section? No query: the
    middleware loaded the workspace row."""
    workspace = getattr(request, "workspace", None)
    return {"words": words_for(workspace), "sections_on": SectionsOn(workspace)}
