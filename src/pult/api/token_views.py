"""The API token pages: a person's own tokens, created and revoked in the browser.

They live with the API, not in `accounts`: the kernel knows no way in. The profile
page links here only when these routes are installed (see accounts/profile.html)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pult.api.selectors import api_token_list
from pult.api.services import api_token_create, api_token_revoke
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.views import workspace_required

SESSION_KEY = "new_api_token"  # a new token's raw value, in the session until shown once


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tokens(request: WorkspaceRequest) -> HttpResponse:
    """The list of one's live tokens (every workspace) and, in a workspace, a new one."""
    if request.method == "POST":
        return _token_create(request)
    context = {
        "tokens": api_token_list(actor=actor_of(request)),
        "new_token": request.session.pop(SESSION_KEY, None),
    }
    return render(request, "api/tokens.html", context)


@workspace_required
def _token_create(request: WorkspaceRequest) -> HttpResponse:
    try:
        _token, raw = api_token_create(
            actor=actor_of(request),
            workspace=request.workspace,
            name=request.POST.get("name", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        request.session[SESSION_KEY] = raw
        messages.success(request, _("Token created. Copy it now: it is shown only once."))
    return redirect("api_pages:tokens")


@require_POST
@login_required
def token_revoke(request: WorkspaceRequest, token_id: int) -> HttpResponse:
    try:
        api_token_revoke(actor=actor_of(request), token_id=token_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Token revoked."))
    return redirect("api_pages:tokens")
