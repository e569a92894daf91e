"""Filing an order for a client, and changing its client, contract and manager (P2).

Thin views: the parties selectors find the client (404 when the actor may not see it),
the form shapes input, `work_item_submit` / `work_item_set_order_parties` decide.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import parse_positive_int
from pult.core.views import apply_domain_error, section_required, workspace_required
from pult.orders import selectors as order_selectors
from pult.parties import client_selectors
from pult.parties.models import Client
from pult.work import forms, item_parties, policies, selectors, services
from pult.work.filters import parse_filter
from pult.work.models import FieldMode, ItemType

PICKER_SIZE = 20


def _client(request: WorkspaceRequest, client_id: int | None) -> Client | None:
    if client_id is None:
        return None
    try:
        return client_selectors.client_get(
            actor=actor_of(request), workspace=request.workspace, client_id=client_id
        )
    except NotFound as error:
        raise Http404 from error


def _picker(request: WorkspaceRequest) -> dict[str, Any]:
    """The client search box: the client base's own fuzzy search, first matches only."""
    query = request.GET.get("q", "").strip()[:100]
    page = client_selectors.client_page(
        actor=actor_of(request), workspace=request.workspace, query=query, page_size=PICKER_SIZE
    )
    return {"query": query, "found": page.rows, "more": page.next_cursor is not None}


def _order_type(request: WorkspaceRequest) -> ItemType:
    types = list(ItemType.objects.filter(workspace=request.workspace).order_by("pk"))
    if not types:
        raise Http404
    wanted = parse_filter(request.GET).item_type
    return next((t for t in types if t.pk == wanted), types[0])


def _order_form(
    request: WorkspaceRequest, item_type: ItemType, client: Client, data: Any = None
) -> forms.OrderForm:
    """The order form: the type's custom fields that are required when it is filed
    (a stage's fields are filled in on the order page, stage by stage)."""
    actor = actor_of(request)
    status = item_type.statuses.get(is_initial=True)
    definitions = list(item_type.fields.all())
    modes = policies.field_modes(
        actor=actor, item_type=item_type, status=status, item=None, fields=definitions
    )
    required = [
        f for f in definitions if f.stage_id is None and modes.get(f.key) == FieldMode.REQUIRED
    ]
    managers = order_selectors.order_manager_choices(workspace=request.workspace)
    return forms.OrderForm(
        data,
        definitions=required,
        modes=modes,
        people=selectors.person_choices(workspace=request.workspace, definitions=required),
        contracts=order_selectors.contract_choices(client=client),
        managers=managers,
        initial={"manager": actor.pk if any(pk == actor.pk for pk, _n in managers) else None},
    )


@section_required("items")
def order_new(request: WorkspaceRequest) -> HttpResponse:
    """File an order for a client: first find the client (unless the client's page sent
    us here with it), then title, contract and manager; saved → the order's page."""
    actor = actor_of(request)
    if not order_selectors.can_file_orders(actor, request.workspace):
        raise Http404
    client = _client(request, parse_positive_int(request.GET.get("client")))
    if client is None:
        return render(request, "orders/order_new.html", {"client": None, **_picker(request)})
    item_type = _order_type(request)
    form = _order_form(request, item_type, client, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parties = item_parties.order_parties_from_ids(
                workspace=request.workspace,
                contract_id=data.get("contract"),
                manager_id=data.get("manager"),
            )
            item = services.work_item_submit(
                actor=actor,
                workspace=request.workspace,
                item_type_key=item_type.key,
                title=data["title"],
                values=form.raw_values(),
                client=client,
                contract=parties.contract,
                manager=parties.manager,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Order %(ref)s filed.") % {"ref": item.reference})
            return redirect("work:item_detail", item_id=item.pk)
    return render(
        request,
        "orders/order_new.html",
        {"client": client, "form": form, "item_type": item_type},
        status=400 if form.errors else 200,
    )


@workspace_required
def order_parties_edit(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """Change the order's client, contract and manager: GET finds another client and
    shows the form for it; POST saves through the service."""
    actor = actor_of(request)
    try:
        item = selectors.item_get(actor=actor, workspace=request.workspace, item_id=item_id)
    except NotFound as error:
        raise Http404 from error
    if not (
        item_parties.can_change_order_parties(actor, item)
        and order_selectors.can_file_orders(actor, request.workspace)
    ):
        raise Http404
    raw_client = request.POST.get("client") if request.method == "POST" else None
    client_id = parse_positive_int(raw_client or request.GET.get("client")) or item.client_id
    client = _client(request, client_id)
    managers = order_selectors.order_manager_choices(workspace=request.workspace)
    contracts = order_selectors.contract_choices(client=client) if client else []
    form = forms.OrderPartiesForm(
        request.POST or None,
        contracts=contracts,
        managers=managers,
        initial={
            "client": client.pk if client else None,
            "contract": item.contract_id if client and client.pk == item.client_id else None,
            "manager": item.manager_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parties = item_parties.order_parties_from_ids(
                workspace=request.workspace,
                client_id=data["client"],
                contract_id=data.get("contract"),
                manager_id=data.get("manager"),
            )
            item_parties.work_item_set_order_parties(
                actor=actor,
                workspace=request.workspace,
                item_id=item.pk,
                client=parties.client,
                contract=parties.contract,
                manager=parties.manager,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("work:item_detail", item_id=item.pk)
    context = {"item": item, "client": client, "form": form, **_picker(request)}
    return render(request, "orders/order_parties.html", context, status=400 if form.errors else 200)
