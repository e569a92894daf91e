from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from pult.activity import registry, selectors
from pult.core.http import WorkspaceRequest
from pult.core.pagination import parse_cursor
from pult.core.views import section_required


@section_required("activity")
def feed(request: WorkspaceRequest) -> HttpResponse:
    verb = request.GET.get("verb", "")
    if verb and registry.verb(verb) is None:
        verb = ""
    page = selectors.feed_page(
        actor=request.user,
        workspace=request.workspace,
        cursor=parse_cursor(request.GET.get("after")),
        verb=verb,
    )
    if page is None:
        raise PermissionDenied
    return render(
        request, "activity/feed.html", {"page": page, "verb": verb, "verbs": registry.all_verbs()}
    )
