"""The client base: services (writes and refusals) and selectors (search, visibility,
query counts)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pult.activity.models import Event
from pult.core.exceptions import DomainError, Forbidden, NotFound
from pult.parties import client_selectors as selectors
from pult.parties import client_services as services
from pult.parties.models import Client, ContactPerson, Contract
from tests.factories import make_member
from tests.parties.clients_fixtures import Base

pytestmark = pytest.mark.django_db


def _client(base: Base, name: str = "Рога и копыта", **fields: Any) -> Client:
    return services.client_create(actor=base.manager, workspace=base.workspace, name=name, **fields)


def _names(base: Base, query: str, **filters: Any) -> list[str]:
    page = selectors.client_page(
        actor=base.manager, workspace=base.workspace, query=query, **filters
    )
    return [c.name for c in page.rows]


# --- Writes ---------------------------------------------------------------------------


def test_create_trims_stores_all_fields_and_records_an_event(base: Base) -> None:
    when = timezone.now() + datetime.timedelta(days=2)
    client = _client(
        base,
        name="  ООО   Рога и копыта ",
        address="Москва, ул. Ленина, 1",
        source="Выставка",
        industry="Строительство",
        activity="Проектирует мосты",
        comments="Звонить после обеда",
        manager_id=base.viewer.pk,
        next_contact_at=when,
    )
    client.refresh_from_db()
    assert client.name == "ООО Рога и копыта"
    assert client.manager == base.viewer and client.next_contact_at == when
    assert client.status == "active" and client.archived_at is None
    assert Event.objects.filter(verb="parties.client_created", target_id=client.pk).exists()


def test_create_refuses_bad_input_and_saves_nothing(base: Base) -> None:
    stranger = base.other_manager
    with pytest.raises(DomainError) as error:
        _client(base, name="   ", manager_id=stranger.pk)
    assert set(error.value.field_errors) == {"name", "manager"}
    assert not Client.objects.exists()


def test_a_left_member_cannot_be_the_manager(base: Base) -> None:
    from pult.accounts.models import Membership

    Membership.objects.filter(user=base.viewer).update(is_active=False)
    with pytest.raises(DomainError) as error:
        _client(base, manager_id=base.viewer.pk)
    assert "manager" in error.value.field_errors


def test_only_managers_write_viewers_get_forbidden_outsiders_not_found(base: Base) -> None:
    with pytest.raises(Forbidden):
        services.client_create(actor=base.viewer, workspace=base.workspace, name="X")
    with pytest.raises(NotFound):
        services.client_create(actor=base.outsider, workspace=base.workspace, name="X")
    client = _client(base)
    with pytest.raises(NotFound):  # another workspace's manager: the id does not exist
        services.client_archive(
            actor=base.other_manager, workspace=base.other_workspace, client_id=client.pk
        )
    with pytest.raises(Forbidden):
        services.client_update(
            actor=base.viewer, workspace=base.workspace, client_id=client.pk, name="Y"
        )
    assert Client.objects.get().name == "Рога и копыта"


def test_update_changes_only_what_differs(base: Base) -> None:
    client = _client(base)
    services.client_update(
        actor=base.manager,
        workspace=base.workspace,
        client_id=client.pk,
        name="Рога и копыта",
        industry="Экспертиза",
        manager_id=base.manager.pk,
    )
    event = Event.objects.get(verb="parties.client_changed")
    assert event.payload["fields"] == ["industry", "manager"]
    with pytest.raises(DomainError) as error:
        services.client_update(
            actor=base.manager, workspace=base.workspace, client_id=client.pk, name=""
        )
    assert "name" in error.value.field_errors
    client.refresh_from_db()
    assert client.name == "Рога и копыта" and client.industry == "Экспертиза"


def test_archive_restore_and_status(base: Base) -> None:
    client = _client(base)
    kw: dict[str, Any] = {
        "actor": base.manager,
        "workspace": base.workspace,
        "client_id": client.pk,
    }
    services.client_archive(**kw)
    assert _names(base, "") == [] and _names(base, "", archived=True) == [client.name]
    with pytest.raises(DomainError):
        services.client_archive(**kw)
    services.client_restore(**kw)
    with pytest.raises(DomainError):
        services.client_restore(**kw)
    services.client_set_status(**kw, status="refused")
    with pytest.raises(DomainError):
        services.client_set_status(**kw, status="lost")
    client.refresh_from_db()
    assert client.status == "refused" and client.archived_at is None
    assert _names(base, "", status="refused") == [client.name]
    assert _names(base, "", status="active") == []
    verbs = set(Event.objects.values_list("verb", flat=True))
    assert {"parties.client_archived", "parties.client_restored"} <= verbs
    assert "parties.client_status_changed" in verbs


def test_contacts_add_update_remove(base: Base) -> None:
    client = _client(base)
    contact = services.contact_add(
        actor=base.manager,
        workspace=base.workspace,
        client_id=client.pk,
        full_name=" Иван  Петров ",
        phones="+7 495 788-77-16; 8-800-555-11-32",
        emails="ivan@roga.ru, IVAN@roga.ru,ivan@roga.ru",
    )
    assert contact.full_name == "Иван Петров"
    assert contact.phones == "+7 495 788-77-16, 8-800-555-11-32"
    assert contact.emails == "ivan@roga.ru, IVAN@roga.ru"
    with pytest.raises(DomainError) as error:
        services.contact_update(
            actor=base.manager,
            workspace=base.workspace,
            contact_id=contact.pk,
            full_name="",
            emails="not-an-email, ok@roga.ru",
        )
    assert set(error.value.field_errors) == {"full_name", "emails"}
    assert "not-an-email" in error.value.field_errors["emails"][0]
    services.contact_update(
        actor=base.manager, workspace=base.workspace, contact_id=contact.pk, position="Директор"
    )
    contact.refresh_from_db()
    assert contact.position == "Директор" and contact.full_name == "Иван Петров"
    with pytest.raises(Forbidden):
        services.contact_remove(actor=base.viewer, workspace=base.workspace, contact_id=contact.pk)
    services.contact_remove(actor=base.manager, workspace=base.workspace, contact_id=contact.pk)
    assert not ContactPerson.objects.exists()
    assert Event.objects.filter(verb="parties.contact_removed", target_id=client.pk).exists()


def test_contracts_number_unique_ignoring_case_period_and_amount(base: Base) -> None:
    client = _client(base)
    contract = services.contract_create(
        actor=base.manager,
        workspace=base.workspace,
        client_id=client.pk,
        number="ЭК-2024/17",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2024, 12, 31),
        amount="150000.50",
    )
    assert contract.amount == Decimal("150000.50")
    with pytest.raises(DomainError) as error:
        services.contract_create(
            actor=base.manager,
            workspace=base.workspace,
            client_id=client.pk,
            number="эк-2024/17",
            valid_from=datetime.date(2024, 2, 1),
            valid_until=datetime.date(2024, 1, 1),
            amount=-1,
        )
    assert set(error.value.field_errors) == {"number", "valid_until", "amount"}
    assert "already exists" in error.value.field_errors["number"][0]
    # The period is checked against the stored start when only the end changes.
    with pytest.raises(DomainError) as error:
        services.contract_update(
            actor=base.manager,
            workspace=base.workspace,
            contract_id=contract.pk,
            valid_until=datetime.date(2023, 12, 31),
        )
    assert "valid_until" in error.value.field_errors
    services.contract_update(
        actor=base.manager,
        workspace=base.workspace,
        contract_id=contract.pk,
        number="ЭК-2024/18",
        comments="Оригинал получен",
    )
    assert Contract.objects.get().number == "ЭК-2024/18"
    # Another workspace may use the same number.
    other = services.client_create(
        actor=base.other_manager, workspace=base.other_workspace, name="Другой"
    )
    services.contract_create(
        actor=base.other_manager,
        workspace=base.other_workspace,
        client_id=other.pk,
        number="ЭК-2024/18",
    )
    assert Contract.objects.count() == 2


# --- Reads ----------------------------------------------------------------------------


def test_search_forgives_misspelled_names(base: Base) -> None:
    _client(base, "Рога и копыта")
    _client(base, "Gazprom Neft")
    _client(base, "Северсталь")
    assert _names(base, "Рогаа и Копыта") == ["Рога и копыта"]
    assert _names(base, "рога") == ["Рога и копыта"]
    assert _names(base, "Gazpromneft") == ["Gazprom Neft"]
    assert _names(base, "Совершенно другое") == []


def test_search_by_contract_number_or_any_part_of_it(base: Base) -> None:
    roga = _client(base, "Рога и копыта")
    _client(base, "Северсталь")
    services.contract_create(
        actor=base.manager, workspace=base.workspace, client_id=roga.pk, number="ЭК-2024/17"
    )
    assert _names(base, "эк-2024/17") == ["Рога и копыта"]
    assert _names(base, "ЭК-2024") == ["Рога и копыта"]
    assert _names(base, "2024/17") == ["Рога и копыта"]  # the tail people remember
    assert _names(base, "2024/18") == []


def test_filters_by_manager(base: Base) -> None:
    _client(base, "A", manager_id=base.manager.pk)
    _client(base, "B", manager_id=base.viewer.pk)
    assert _names(base, "", manager_id=base.viewer.pk) == ["B"]


def test_who_sees_clients(base: Base) -> None:
    client = _client(base)
    assert list(selectors.client_visible_to(base.viewer, base.workspace)) == [client]
    assert list(selectors.client_visible_to(base.outsider, base.workspace)) == []
    assert list(selectors.client_visible_to(base.other_manager, base.other_workspace)) == []
    with pytest.raises(NotFound):
        selectors.client_get(actor=base.outsider, workspace=base.workspace, client_id=client.pk)
    with pytest.raises(NotFound):
        selectors.client_get(
            actor=base.other_manager, workspace=base.other_workspace, client_id=client.pk
        )


def _many(base: Base, n: int) -> None:
    for i in range(n):
        client = Client.objects.create(workspace=base.workspace, name=f"Компания {i}")
        for j in range(2):
            ContactPerson.objects.create(
                workspace=base.workspace, client=client, full_name=f"Контакт {j}"
            )
        Contract.objects.create(workspace=base.workspace, client=client, number=f"N-{i}")


@pytest.mark.parametrize("rows", [5, 50])
def test_the_client_list_costs_one_query(
    base: Base, rows: int, django_assert_max_num_queries: Any
) -> None:
    _many(base, rows)
    actor = type(base.manager).objects.get(pk=base.manager.pk)
    selectors.client_page(actor=actor, workspace=base.workspace, query="Компания")  # warm
    with django_assert_max_num_queries(1):
        page = selectors.client_page(actor=actor, workspace=base.workspace, page_size=50)
        counts = [(c.contact_count, c.contract_count, c.manager) for c in page.rows]  # type: ignore[attr-defined]
    assert len(counts) == rows
    assert all(cc == 2 and k == 1 for cc, k, _m in counts)
    with django_assert_max_num_queries(1):
        found = selectors.client_page(actor=actor, workspace=base.workspace, query="Кампания")
    assert len(found.rows) == rows


def test_client_card_prefetches_and_lists_visible_orders(
    base: Base, django_assert_max_num_queries: Any
) -> None:
    _many(base, 1)
    client = Client.objects.get()
    actor = type(base.manager).objects.get(pk=base.manager.pk)
    selectors.client_get(actor=actor, workspace=base.workspace, client_id=client.pk)
    with django_assert_max_num_queries(3):
        card = selectors.client_get(actor=actor, workspace=base.workspace, client_id=client.pk)
        assert len(card.contacts.all()) == 2 and len(card.contracts.all()) == 1
    # The card's orders are the orders app's panel now (pult.orders.panels).
    from pult.orders.selectors import client_orders

    assert client_orders(actor=actor, workspace=base.workspace, client=card) == []


def test_outsider_member_with_manage_only_reads_too(base: Base) -> None:
    from pult.parties.permissions import MANAGE_CLIENTS

    only_manage = make_member(base.workspace, [MANAGE_CLIENTS])
    client = _client(base)
    assert (
        selectors.client_get(actor=only_manage, workspace=base.workspace, client_id=client.pk)
        == client
    )
