"""Filing an order for a client (P2): the service's checks, the pages, the order search."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from pult.activity.models import Event
from pult.core.exceptions import DomainError, Forbidden
from pult.parties.models import Client, Contract
from pult.work import filters, services
from pult.work.filters import ItemFilter
from pult.work.item_parties import work_item_set_order_parties
from pult.work.models import Item, ItemType
from pult.work.selectors import item_list
from tests.conftest import login
from tests.factories import make_member, make_workspace
from tests.work.test_stages import Office, office  # noqa: F401

TITLE = "Expertise of the plant project"


def _submit(office: Office, **kwargs: object) -> Item:  # noqa: F811
    actor = kwargs.pop("actor", office.manager)
    return services.work_item_submit(
        actor=actor,  # type: ignore[arg-type]
        workspace=office.workspace,
        item_type_key="order",
        title=TITLE,
        values={},
        **kwargs,  # type: ignore[arg-type]
    )


def _other_client(office: Office, name: str = "Other Plant") -> tuple[Client, Contract]:  # noqa: F811
    other = Client.objects.create(workspace=office.workspace, name=name)
    contract = Contract.objects.create(
        workspace=office.workspace, client=other, number="X-1", amount=Decimal("1000")
    )
    return other, contract


def _nothing_filed(office: Office) -> bool:  # noqa: F811
    item_type = ItemType.objects.get(workspace=office.workspace, key="order")
    return not Item.objects.filter(workspace=office.workspace).exists() and (
        item_type.last_number == 0
    )


# --- The service -------------------------------------------------------------------


def test_an_order_names_client_contract_and_manager(office: Office) -> None:  # noqa: F811
    item = _submit(office, client=office.contract.client, contract=office.contract)
    item.refresh_from_db()
    assert item.client == office.contract.client
    assert item.contract == office.contract
    assert item.manager == office.manager  # the actor, who may manage orders
    other = make_member(office.workspace, ["work.manage"], full_name="Olga Other")
    second = _submit(office, client=office.contract.client, manager=other)
    assert second.manager == other and second.contract is None


def test_the_design_desk_files_as_before(office: Office) -> None:  # noqa: F811
    item = _submit(office)
    assert (item.client, item.contract, item.manager) == (None, None, None)


def test_a_client_of_another_workspace_is_refused(office: Office) -> None:  # noqa: F811
    foreign_ws, _admin = make_workspace()
    foreign = Client.objects.create(workspace=foreign_ws, name="Foreign LLC")
    with pytest.raises(DomainError) as refused:
        _submit(office, client=foreign)
    assert set(refused.value.field_errors) == {"client"}
    assert refused.value.field_errors["client"] == ["Choose a client from the list."]
    assert _nothing_filed(office)


def test_a_client_the_actor_cannot_see_is_refused(office: Office) -> None:  # noqa: F811
    filer = make_member(office.workspace, ["work.submit", "work.manage"])  # no client base
    with pytest.raises(DomainError) as refused:
        _submit(office, actor=filer, client=office.contract.client)
    assert "client" in refused.value.field_errors
    with pytest.raises(DomainError) as refused:
        _submit(office, actor=filer, contract=office.contract)
    assert "contract" in refused.value.field_errors
    assert _nothing_filed(office)


def test_a_contract_of_another_client_is_refused(office: Office) -> None:  # noqa: F811
    _other, foreign_contract = _other_client(office)
    with pytest.raises(DomainError) as refused:
        _submit(office, client=office.contract.client, contract=foreign_contract)
    assert refused.value.field_errors == {"contract": ["Contract X-1 belongs to another client."]}
    assert _nothing_filed(office)


def test_a_manager_who_may_not_manage_orders_is_refused(office: Office) -> None:  # noqa: F811
    with pytest.raises(DomainError) as refused:
        _submit(office, client=office.contract.client, manager=office.finance)
    assert refused.value.field_errors == {"manager": ["Fedor Finance cannot manage orders here."]}
    _outsider_ws, outsider = make_workspace()
    with pytest.raises(DomainError) as refused:
        _submit(office, client=office.contract.client, manager=outsider)
    assert "manager" in refused.value.field_errors
    assert _nothing_filed(office)


def test_changing_the_contract_recomputes_the_percent_and_is_logged(
    office: Office,  # noqa: F811
) -> None:
    item = office.order()
    item = office.fill(office.finance, item, {"payment_amount": "30000"})
    assert item.values["contract_percent"] == "25.00"
    _other, bigger = _other_client(office)
    Contract.objects.filter(pk=bigger.pk).update(
        client=office.contract.client, amount=Decimal("60000")
    )
    item = work_item_set_order_parties(
        actor=office.manager,
        workspace=office.workspace,
        item_id=item.pk,
        client=office.contract.client,
        contract=Contract.objects.get(pk=bigger.pk),
        manager=office.manager,
    )
    item.refresh_from_db()
    assert item.contract_id == bigger.pk and item.values["contract_percent"] == "50.00"
    event = Event.objects.filter(verb="work.order_parties_changed", target_id=item.pk).get()
    assert event.payload["contract"] == "X-1" and event.payload["fields"] == ["contract_percent"]


def test_only_managers_change_the_client_of_an_order(office: Office) -> None:  # noqa: F811
    item = office.order()
    other, _contract = _other_client(office)
    with pytest.raises(Forbidden):
        work_item_set_order_parties(
            actor=office.finance,
            workspace=office.workspace,
            item_id=item.pk,
            client=other,
            contract=None,
            manager=office.manager,
        )
    item.refresh_from_db()
    assert item.client == office.contract.client
    assert not Event.objects.filter(verb="work.order_parties_changed").exists()


# --- The order list's search ---------------------------------------------------------


@pytest.mark.parametrize("matched_ids", [2000, 0], ids=["ids-first", "subquery"])
def test_orders_are_found_by_company_contract_and_order_number(
    office: Office,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    matched_ids: int,
) -> None:
    # Both ways of applying the find box: the matched ids fetched first (the usual few),
    # and the subquery kept for a search matching more than MATCHED_IDS.
    monkeypatch.setattr(filters, "MATCHED_IDS", matched_ids)
    ours = office.order()
    _other, other_contract = _other_client(office, "Sunrise Bakery")
    theirs = _submit(office, contract=other_contract)

    def found(q: str) -> set[int]:
        page = item_list(
            actor=office.finance, workspace=office.workspace, flt=ItemFilter(q=q), cursor=None
        )
        return {i.pk for i in page.rows}

    assert found("zavod") == {ours.pk}
    assert found("Sunrise") == {theirs.pk}
    assert found("2026/7") == {ours.pk}
    assert found("X-1") == {theirs.pk}
    assert found(theirs.reference) == {theirs.pk}
    assert found("nothing like it") == set()


# --- The pages -----------------------------------------------------------------------


def test_the_client_page_offers_a_new_order_only_to_who_may_file(
    office: Office,  # noqa: F811
    client: HttpClient,
) -> None:
    url = reverse("parties:client_detail", args=[office.contract.client_id])
    login(client, office.manager)
    assert "data-new-order" in client.get(url).content.decode()
    reader = make_member(office.workspace, ["parties.view_clients"])
    client.logout()
    login(client, reader)
    page = client.get(url)
    assert page.status_code == 200 and "data-new-order" not in page.content.decode()
    assert client.get(reverse("orders:order_new")).status_code == 404


def test_new_order_form_files_the_order_and_lands_on_it(
    office: Office,  # noqa: F811
    client: HttpClient,
    django_assert_max_num_queries: object,
) -> None:
    _other_client(office)  # its contract is not offered
    login(client, office.manager)
    url = reverse("orders:order_new") + f"?client={office.contract.client_id}"
    client.get(url)  # warm the process's copies (permissions, the pipeline)
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "C-2026/7" in body and "X-1" not in body
    assert f'<option value="{office.manager.pk}" selected>' in body

    response = client.post(
        url, {"title": TITLE, "contract": office.contract.pk, "manager": office.manager.pk}
    )
    item = Item.objects.get(workspace=office.workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("work:item_detail", args=[item.pk])
    assert (item.client, item.contract, item.manager) == (
        office.contract.client,
        office.contract,
        office.manager,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "data-order-parties" in detail and "C-2026/7" in detail and "Zavod LLC" in detail


def test_new_order_form_shows_errors_and_files_nothing(
    office: Office,  # noqa: F811
    client: HttpClient,
) -> None:
    _other, foreign_contract = _other_client(office)
    login(client, office.manager)
    url = reverse("orders:order_new") + f"?client={office.contract.client_id}"
    empty = client.post(url, {"title": "  "})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    # A contract of another client, posted by hand, is not among the choices.
    tampered = client.post(url, {"title": TITLE, "contract": foreign_contract.pk})
    assert tampered.status_code == 400
    assert "Select a valid choice" in tampered.content.decode()
    wrong_manager = client.post(url, {"title": TITLE, "manager": office.finance.pk})
    assert wrong_manager.status_code == 400
    assert _nothing_filed(office)


def test_new_order_from_the_list_finds_the_client(
    office: Office,  # noqa: F811
    client: HttpClient,
    django_assert_max_num_queries: object,
) -> None:
    login(client, office.manager)
    assert "data-new-order" in client.get(reverse("work:item_list")).content.decode()
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(reverse("orders:order_new"), {"q": "Zavod"})
    body = page.content.decode()
    assert f'data-client-choice="{office.contract.client_id}"' in body
    assert (
        "No client matches."
        in client.get(reverse("orders:order_new"), {"q": "qqq"}).content.decode()
    )


def test_an_outsider_gets_404_for_a_client_and_an_order(
    office: Office,  # noqa: F811
    client: HttpClient,
) -> None:
    item = office.order()
    _ws, outsider = make_workspace()
    login(client, outsider)
    url = reverse("orders:order_new") + f"?client={office.contract.client_id}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": TITLE}).status_code == 404
    assert client.get(reverse("orders:order_parties", args=[item.pk])).status_code == 404
    assert not Item.objects.filter(title=TITLE).exclude(pk=item.pk).exists()


def test_the_order_panel_changes_contract_and_manager(
    office: Office,  # noqa: F811
    client: HttpClient,
    django_assert_max_num_queries: object,
) -> None:
    item = office.order()
    second = Contract.objects.create(
        workspace=office.workspace, client=office.contract.client, number="C-2026/8"
    )
    login(client, office.manager)
    with django_assert_max_num_queries(60):  # type: ignore[operator]
        page = client.get(reverse("work:item_detail", args=[item.pk]))
    body = page.content.decode()
    assert "C-2026/8" in body  # offered in the panel's form
    url = reverse("orders:order_parties", args=[item.pk])
    response = client.post(
        url,
        {"client": office.contract.client_id, "contract": second.pk, "manager": office.manager.pk},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.contract == second
    # Finance sees the order and its client, but no form to change them.
    client.logout()
    login(client, office.finance)
    body = client.get(reverse("work:item_detail", args=[item.pk])).content.decode()
    assert "data-order-parties" in body and "Zavod LLC" in body
    assert reverse("orders:order_parties", args=[item.pk]) not in body
    assert client.post(url, {"client": office.contract.client_id}).status_code == 404
