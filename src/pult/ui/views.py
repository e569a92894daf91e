from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pult.core.http import WorkspaceRequest
from pult.core.network import is_local_request
from pult.core.views import workspace_required
from pult.notifications import selectors as notification_selectors
from pult.ui import health, search_registry


@workspace_required
def home(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = request.user, request.workspace
    inbox = notification_selectors.inbox_page(
        actor=actor,
        workspace=workspace,
        cursor=None,
        unread_only=True,
        page_size=5,
    )
    return render(request, "ui/home.html", {"inbox": inbox})


@workspace_required
def search(request: WorkspaceRequest) -> HttpResponse:
    """Global search: each registered source (`search_registry`) lists what the actor
    may see of its kind, a few hits each."""
    query = request.GET.get("q", "").strip()[:100]
    results = search_registry.search_all(
        actor=request.user, workspace=request.workspace, query=query
    )
    context = {"query": query, "results": results, "per_kind": search_registry.PER_KIND}
    return render(request, "ui/search.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Up or not for anyone (load balancers, uptime probes); what each part runs on and
    why it failed only for a superuser or a probe on this machine."""
    report = health.check_all()
    status = 200 if all(part["ok"] for part in report.values()) else 503
    if not (request.user.is_superuser or is_local_request(request)):
        report = health.public(report)
    return JsonResponse(
        {"ok": status == 200, **report},
        status=status,
        json_dumps_params={"indent": None},
        encoder=json.JSONEncoder,
    )
