"""Thin views of the client base (P2): selector → form → service → response.

Only holders of parties.view_clients (or manage_clients) reach these pages; for everyone
else, and for other workspaces' ids, they do not exist (404). Writes by read-only
managers get 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pult.accounts.models import User
from pult.activity.selectors import timeline_for
from pult.core.exceptions import DomainError, NotFound
from pult.core.http import WorkspaceRequest, actor_of
from pult.core.pagination import parse_cursor, parse_positive_int
from pult.core.views import apply_domain_error, section_required
from pult.parties import client_selectors as selectors
from pult.parties import client_services as services
from pult.parties import forms, policies
from pult.parties.models import Client, ClientStatus, Contract
from pult.parties.panels import client_panels


def _viewer(request: WorkspaceRequest) -> User:
    """The actor, if they may see the client base; 404 for everyone else."""
    actor = actor_of(request)
    if not policies.can_view_clients(actor, request.workspace):
        raise Http404
    return actor


def _manager(request: WorkspaceRequest) -> User:
    """The actor, if they may change clients: 404 for outsiders, 403 for read-only staff."""
    actor = _viewer(request)
    if not policies.can_manage_clients(actor, request.workspace):
        raise PermissionDenied
    return actor


def _get_client(request: WorkspaceRequest, actor: User, client_id: int) -> Client:
    try:
        return selectors.client_get(actor=actor, workspace=request.workspace, client_id=client_id)
    except NotFound as error:
        raise Http404 from error


def _client_form(request: WorkspaceRequest, data: Any = None, **kwargs: Any) -> forms.ClientForm:
    managers = selectors.manager_choices(workspace=request.workspace)
    return forms.ClientForm(data, managers=managers, **kwargs)


def _client_input(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "address": data["address"],
        "source": data["source"],
        "industry": data["industry"],
        "activity": data["activity"],
        "comments": data["comments"],
        "manager_id": data["manager"],
        "next_contact_at": data["next_contact_at"],
    }


def _contract_input(data: dict[str, Any]) -> dict[str, Any]:
    return {f: data[f] for f in services.CONTRACT_FIELDS}


CONTACT_FIELDS = ("full_name", "position", "phones", "emails", "comments")


def _contact_input(data: dict[str, Any]) -> dict[str, Any]:
    return {f: data[f] for f in CONTACT_FIELDS}


# --- List and new ---------------------------------------------------------------------


@section_required("clients")
def client_list(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = _viewer(request), request.workspace
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in ClientStatus.values else ""
    manager_id = parse_positive_int(request.GET.get("manager"))
    archived = request.GET.get("archived") == "1"
    page = selectors.client_page(
        actor=actor,
        workspace=workspace,
        query=query,
        status=status,
        manager_id=manager_id,
        archived=archived,
        cursor=parse_cursor(request.GET.get("after")),
    )
    return render(
        request,
        "parties/client_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": ClientStatus.choices,
            "manager_id": manager_id,
            "managers": selectors.manager_choices(workspace=workspace),
            "archived": archived,
            "filtered": bool(query or status or manager_id or archived),
            "can_manage": policies.can_manage_clients(actor, workspace),
        },
    )


@section_required("clients")
def client_new(request: WorkspaceRequest) -> HttpResponse:
    actor, workspace = _manager(request), request.workspace
    form = _client_form(request, request.POST or None, initial={"manager": actor.pk})
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=actor, workspace=workspace, **_client_input(form.cleaned_data)
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Client %(name)s added.") % {"name": client.name})
            return redirect("parties:client_detail", client_id=client.pk)
    return render(
        request, "parties/client_new.html", {"form": form}, status=400 if form.errors else 200
    )


# --- The client's card ----------------------------------------------------------------


def _client_page(
    request: WorkspaceRequest,
    actor: User,
    client: Client,
    *,
    edit_form: forms.ClientForm | None = None,
    contact_form: forms.ContactForm | None = None,
    contact_edit: tuple[int, forms.ContactForm] | None = None,
    contract_form: forms.ContractForm | None = None,
) -> HttpResponse:
    workspace = request.workspace
    can_manage = policies.can_manage_clients(actor, workspace)
    if edit_form is None and can_manage:
        edit_form = _client_form(
            request,
            initial={
                "name": client.name,
                "address": client.address,
                "source": client.source,
                "industry": client.industry,
                "activity": client.activity,
                "comments": client.comments,
                "manager": client.manager_id,
                "next_contact_at": client.next_contact_at,
            },
        )
    contacts = []
    for contact in client.contacts.all():
        form = None
        if contact_edit is not None and contact_edit[0] == contact.pk:
            form = contact_edit[1]
        elif can_manage:
            form = forms.ContactForm(
                initial={f: getattr(contact, f) for f in CONTACT_FIELDS},
                prefix=f"c{contact.pk}",
            )
        contacts.append(
            {
                "contact": contact,
                "form": form,
                "open": bool(form and form.errors),
                "emails": services.split_list(contact.emails),
                "phones": services.split_list(contact.phones),
            }
        )
    failed = any(
        f is not None and f.errors
        for f in (edit_form, contact_form, contract_form, contact_edit and contact_edit[1])
    )
    return render(
        request,
        "parties/client_detail.html",
        {
            "client": client,
            "contacts": contacts,
            "contracts": list(client.contracts.all()),
            "panels": client_panels.draw(request, client),  # the client's orders …
            "statuses": ClientStatus.choices,
            "can_manage": can_manage,
            "edit_form": edit_form,
            "edit_open": bool(edit_form and edit_form.errors),
            "contact_form": contact_form or (forms.ContactForm() if can_manage else None),
            "contract_form": contract_form or (forms.ContractForm() if can_manage else None),
            "timeline": timeline_for(actor=actor, target=client, limit=20),
        },
        status=400 if failed else 200,
    )


@section_required("clients")
def client_detail(request: WorkspaceRequest, client_id: int) -> HttpResponse:
    """The client's card; a POST here is its edit form."""
    actor = _viewer(request)
    client = _get_client(request, actor, client_id)
    if request.method != "POST":
        return _client_page(request, actor, client)
    actor = _manager(request)
    form = _client_form(request, request.POST)
    if form.is_valid():
        try:
            services.client_update(
                actor=actor,
                workspace=request.workspace,
                client_id=client.pk,
                **_client_input(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("parties:client_detail", client_id=client.pk)
    return _client_page(request, actor, client, edit_form=form)


def _simple_action(request: WorkspaceRequest, client_id: int, action: str) -> HttpResponse:
    actor = _manager(request)
    client = _get_client(request, actor, client_id)
    kwargs: dict[str, Any] = {
        "actor": actor,
        "workspace": request.workspace,
        "client_id": client.pk,
    }
    try:
        if action == "archive":
            services.client_archive(**kwargs)
            messages.success(request, _("The client is in the archive."))
        elif action == "restore":
            services.client_restore(**kwargs)
            messages.success(request, _("The client is back in the working list."))
        else:
            services.client_set_status(**kwargs, status=request.POST.get("status", ""))
            messages.success(request, _("Status changed."))
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("parties:client_detail", client_id=client.pk)


@require_POST
@section_required("clients")
def client_archive(request: WorkspaceRequest, client_id: int) -> HttpResponse:
    return _simple_action(request, client_id, "archive")


@require_POST
@section_required("clients")
def client_restore(request: WorkspaceRequest, client_id: int) -> HttpResponse:
    return _simple_action(request, client_id, "restore")


@require_POST
@section_required("clients")
def client_status(request: WorkspaceRequest, client_id: int) -> HttpResponse:
    return _simple_action(request, client_id, "status")


# --- Contacts -------------------------------------------------------------------------


@require_POST
@section_required("clients")
def contact_add(request: WorkspaceRequest, client_id: int) -> HttpResponse:
    actor = _manager(request)
    client = _get_client(request, actor, client_id)
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = services.contact_add(
                actor=actor,
                workspace=request.workspace,
                client_id=client.pk,
                **_contact_input(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": contact.full_name})
            return redirect("parties:client_detail", client_id=client.pk)
    return _client_page(request, actor, client, contact_form=form)


@require_POST
@section_required("clients")
def contact_edit(request: WorkspaceRequest, contact_id: int) -> HttpResponse:
    actor = _manager(request)
    try:
        contact = selectors.contact_get(
            actor=actor, workspace=request.workspace, contact_id=contact_id
        )
    except NotFound as error:
        raise Http404 from error
    form = forms.ContactForm(request.POST, prefix=f"c{contact.pk}")
    if form.is_valid():
        try:
            services.contact_update(
                actor=actor,
                workspace=request.workspace,
                contact_id=contact.pk,
                **_contact_input(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("parties:client_detail", client_id=contact.client_id)
    client = _get_client(request, actor, contact.client_id)
    return _client_page(request, actor, client, contact_edit=(contact.pk, form))


@require_POST
@section_required("clients")
def contact_remove(request: WorkspaceRequest, contact_id: int) -> HttpResponse:
    actor = _manager(request)
    try:
        contact = selectors.contact_get(
            actor=actor, workspace=request.workspace, contact_id=contact_id
        )
        services.contact_remove(actor=actor, workspace=request.workspace, contact_id=contact.pk)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("The contact person is removed."))
    return redirect("parties:client_detail", client_id=contact.client_id)


# --- Contracts ------------------------------------------------------------------------


@require_POST
@section_required("clients")
def contract_add(request: WorkspaceRequest, client_id: int) -> HttpResponse:
    actor = _manager(request)
    client = _get_client(request, actor, client_id)
    form = forms.ContractForm(request.POST)
    if form.is_valid():
        try:
            contract = services.contract_create(
                actor=actor,
                workspace=request.workspace,
                client_id=client.pk,
                **_contract_input(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Contract %(number)s added.") % {"number": contract.number})
            return redirect("parties:client_detail", client_id=client.pk)
    return _client_page(request, actor, client, contract_form=form)


@section_required("clients")
def contract_edit(request: WorkspaceRequest, contract_id: int) -> HttpResponse:
    """A contract's edit page (GET shows it, POST saves)."""
    actor = _viewer(request)
    try:
        contract: Contract = selectors.contract_get(
            actor=actor, workspace=request.workspace, contract_id=contract_id
        )
    except NotFound as error:
        raise Http404 from error
    actor = _manager(request)
    initial = {f: getattr(contract, f) for f in services.CONTRACT_FIELDS}
    form = forms.ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(
                actor=actor,
                workspace=request.workspace,
                contract_id=contract.pk,
                **_contract_input(form.cleaned_data),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("parties:client_detail", client_id=contract.client_id)
    return render(
        request,
        "parties/client_contract_edit.html",
        {"form": form, "contract": contract, "client": contract.client},
        status=400 if form.errors else 200,
    )
