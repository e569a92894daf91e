from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.activity.registry import all_verbs
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest
from pult.core.pagination import parse_cursor
from pult.core.views import apply_domain_error, permission_required, workspace_required
from pult.notifications import selectors, services
from pult.notifications.forms import RuleForm
from pult.notifications.models import NotificationRule
from pult.notifications.permissions import MANAGE_RULES


@workspace_required
def inbox(request: WorkspaceRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = selectors.inbox_page(
        actor=request.user,
        workspace=request.workspace,
        cursor=parse_cursor(request.GET.get("after")),
        unread_only=unread_only,
    )
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@require_POST
@workspace_required
def mark_read(request: WorkspaceRequest, notification_id: int) -> HttpResponse:
    try:
        services.notification_mark_read(
            actor=request.user,
            workspace=request.workspace,
            notification_id=notification_id,
        )
    except NotFound as error:
        raise Http404 from error
    if request.htmx:  # swap the row in place; the bell updates over the WebSocket
        notification = (
            selectors.notification_visible_to(request.user, request.workspace)
            .select_related("event", "event__actor")
            .get(pk=notification_id)
        )
        return render(request, "notifications/_notification.html", {"n": notification})
    return redirect(request.POST.get("next") or "notifications:inbox")


@require_POST
@workspace_required
def mark_all_read(request: WorkspaceRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user, workspace=request.workspace)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("notifications:inbox")


@workspace_required
def preferences(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = request.user, request.workspace
    verbs = all_verbs()
    if request.method == "POST":
        choices = {
            v.key: (f"in_app-{v.key}" in request.POST, f"email-{v.key}" in request.POST)
            for v in verbs
        }
        services.preferences_save(actor=actor, workspace=workspace, choices=choices)
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:preferences")
    saved = selectors.preferences_of(actor=actor, workspace=workspace)
    rows = [
        (
            v,
            saved[v.key].in_app if v.key in saved else True,
            saved[v.key].email if v.key in saved else True,
        )
        for v in verbs
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})


@permission_required(MANAGE_RULES)
def rules(request: WorkspaceRequest) -> HttpResponse:
    return render(
        request,
        "notifications/rules.html",
        {"rules": selectors.rule_list(workspace=request.workspace)},
    )


@permission_required(MANAGE_RULES)
def rule_edit(request: WorkspaceRequest, rule_id: int | None = None) -> HttpResponse:
    workspace = request.workspace
    rule = None
    initial: dict[str, object] = {}
    if rule_id is not None:
        rule = NotificationRule.objects.filter(workspace=workspace, pk=rule_id).first()
        if rule is None:
            raise Http404
        initial = RuleForm.initial_for(rule)
    form = RuleForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_save(
                actor=request.user,
                workspace=workspace,
                rule=rule,
                verb=data["verb"],
                users=list(data["users"]),
                roles=list(data["roles"]),
                departments=list(data["departments"]),
                participants=data["participants"],
                item_manager=data["item_manager"],
                field_users=form.keys(data["field_users"]),
                condition=form.condition(),
                message=form.message(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("notifications:rules")
    return render(
        request,
        "notifications/rule_form.html",
        {"form": form, "rule": rule},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(MANAGE_RULES)
def rule_delete(request: WorkspaceRequest, rule_id: int) -> HttpResponse:
    try:
        services.rule_delete(actor=request.user, workspace=request.workspace, rule_id=rule_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("Rule deleted."))
    return redirect("notifications:rules")
