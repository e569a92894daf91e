"""Demo data for the expertise-orders preset (P2): a firm whose orders pass departments.

At scale 1.0: the six named people (one per role of the preset), ~60 client companies
with their contact persons (some refused, a few archived, some to be called in the
coming days), ~50 contracts and ~40 orders in every status and at every stage.

The clients, contacts and contracts are written in bulk (they carry no history); the
orders go through the real work services — `work_item_submit` as their manager, then
`work_item_update` by whoever fills each stage in, `stage_sign` by the stage's signer and
`work_item_transition` for each step — so the sign-offs, the computed % of the contract
sum, the events and the notifications are the ones people would have made. Those
notifications reach the inbox only: no e-mail goes out for history
(`notifications.services.emails_held`). The next contact of a client goes through the
reminders service, so it shows in the manager's calendar and inbox. Deterministic for a
given `now`: one `random.Random(seed)`.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation

from pult.access.models import Role
from pult.accounts.models import Membership, User, Workspace
from pult.accounts.services import member_add
from pult.activity.models import Event
from pult.core.exceptions import DomainError
from pult.notifications.services import emails_held
from pult.parties.models import Client, ClientStatus, ContactPerson, Contract
from pult.presets import demo_names as names
from pult.presets.demo_design_desk import DemoLogin
from pult.work.models import Item, ItemType, SignOff
from pult.work.services import (
    stage_sign,
    work_item_submit,
    work_item_transition,
    work_item_update,
)

PRESET = "expertise-orders"
ITEM_TYPE = "order"
STAGES = ("sales", "finance", "technical", "expertise", "state", "archive")

MANAGER = DemoLogin(
    "manager",
    "manager@pult.demo",
    "deal-north-31",
    "Мария Менеджерова",
    "Менеджер по продажам",
    "+7 900 000-00-21",
)
FINANCE = DemoLogin(
    "finance",
    "finance@pult.demo",
    "coin-birch-46",
    "Фёдор Финансов",
    "Финансовый менеджер",
    "+7 900 000-00-22",
)
DEPT3 = DemoLogin(
    "head of Dept 3",
    "dept3@pult.demo",
    "spec-pine-58",
    "Тимур Техзаданов",
    "Начальник отдела 3",
    "+7 900 000-00-23",
)
EXPERT = DemoLogin(
    "expert",
    "expert@pult.demo",
    "lens-amber-64",
    "Элина Экспертова",
    "Ведущий эксперт",
    "+7 900 000-00-24",
)
DEPT4 = DemoLogin(
    "Dept 4",
    "dept4@pult.demo",
    "seal-river-72",
    "Глеб Согласов",
    "Специалист отдела 4",
    "+7 900 000-00-25",
)
DIRECTOR = DemoLogin(
    "director",
    "director@pult.demo",
    "chief-stone-85",
    "Дмитрий Директоров",
    "Генеральный директор",
    "+7 900 000-00-26",
)
LOGINS = (MANAGER, FINANCE, DEPT3, EXPERT, DEPT4, DIRECTOR)
ROLE_OF = {
    MANAGER.email: "Manager",
    FINANCE.email: "Finance",
    DEPT3.email: "Head of Dept 3",
    EXPERT.email: "Expert",
    DEPT4.email: "Dept 4",
    DIRECTOR.email: "Director",
}


@dataclass
class OrdersDemoSummary:
    workspace: str
    created: bool
    clients: int = 0
    contacts: int = 0
    contracts: int = 0
    items: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    fully_signed: int = 0
    signoffs: int = 0
    reminders: int = 0
    events: int = 0
    seconds: float = 0.0
    logins: tuple[DemoLogin, ...] = LOGINS


# --- What the clients and orders are -----------------------------------------------------

FORMS = ("ООО", "ООО", "ООО", "АО", "АО", "ПАО", "ЗАО")
COMPANY_ROOTS = (
    "СтройИнвест", "Техпромсервис", "Северный ветер", "Уралхиммаш", "Волгаэнерго",
    "Мостострой", "ГорПроект", "Агрохолдинг Заря", "Сибирская нефть", "ТрансЛогистик",
    "Балтийская верфь", "Медтехника", "ЭкоВода", "Дорожник", "Лесопромышленник",
    "Камский завод", "Теплосеть-Сервис", "Инженерные системы", "Радуга", "Металлург",
    "Фармацевт Плюс", "Полимерпласт", "Электросеть", "Южный порт", "Кристалл",
    "Нева-Девелопмент", "Энергомонтаж", "Гидропроект", "Ростехснаб", "Приволжье",
    "АвтоКомпонент", "Вектор", "Горизонт", "Магистраль", "Алмаз", "Север-Строй",
    "Цементный комбинат", "Химпром", "Агрофирма Колос", "Спецтрансстрой", "Ладога",
    "Микрон-Системы", "Атлант", "Промвентиляция", "Оптима", "Русский лес",
    "Карьероуправление", "ТеплоДом", "Кубань-Агро", "НефтеГазСервис", "Байкал",
    "Мегаполис", "Арсенал", "Сфера", "Генподряд", "Омега", "Стальконструкция",
    "Водоканал-Проект", "Завод ЖБИ №3", "Новые технологии", "Профмонтаж", "Сигма",
)  # fmt: skip
INDUSTRIES = (
    "Строительство", "Промышленность", "Энергетика", "Нефть и газ", "Транспорт и логистика",
    "Сельское хозяйство", "Медицина", "Девелопмент", "Химия", "ЖКХ",
)  # fmt: skip
SOURCES = (
    "Рекомендация клиента", "Сайт", "Выставка", "Холодный звонок", "Тендерная площадка",
    "Повторное обращение", "Поисковая реклама",
)  # fmt: skip
ACTIVITY = {
    "Строительство": "Генподряд и строительство промышленных и жилых объектов",
    "Промышленность": "Производство оборудования и металлоконструкций",
    "Энергетика": "Генерация и распределение электроэнергии",
    "Нефть и газ": "Добыча, транспортировка и переработка углеводородов",
    "Транспорт и логистика": "Грузоперевозки, склады и терминалы",
    "Сельское хозяйство": "Растениеводство и переработка зерна",
    "Медицина": "Медицинские центры и поставки медицинской техники",
    "Девелопмент": "Комплексное освоение территорий",
    "Химия": "Производство химической продукции",
    "ЖКХ": "Эксплуатация инженерных сетей и жилого фонда",
}
POSITIONS = (
    "Генеральный директор", "Главный инженер", "Коммерческий директор", "Юрист",
    "Главный бухгалтер", "Руководитель проекта", "Начальник отдела закупок",
)  # fmt: skip
SUBJECTS = (
    "Экспертиза проектной документации",
    "Промышленная безопасность: экспертиза здания",
    "Экспертиза технических устройств",
    "Экологическая экспертиза",
    "Экспертиза сметной документации",
    "Обследование строительных конструкций",
    "Экспертиза декларации промышленной безопасности",
    "Экспертиза результатов инженерных изысканий",
)
TAGS = ("ключевой", "повторный", "госзаказ", "срочно", "тендер", "VIP")
REFUSALS = (
    "Клиент выбрал другого подрядчика.",
    "Бюджет на экспертизу перенесён на следующий год.",
    "Не устроили сроки выполнения.",
    "Проект заморожен заказчиком.",
)

# The orders at scale 1.0: (status, stages signed, how many). Every status and stage is
# represented; the stages are signed in their order (the preset's pipeline demands it),
# and the archived ones have every stage signed, the acts among the archive's fields.
ORDER_MIX = (
    ("prospect", 0, 5),
    ("prospect", 1, 3),
    ("refused", 0, 2),
    ("refused", 1, 2),
    ("confirmed", 1, 4),
    ("confirmed", 2, 3),
    ("in_work", 2, 4),
    ("in_work", 3, 4),
    ("in_work", 4, 3),
    ("in_work", 5, 3),
    ("in_work", 6, 1),
    ("archived", 6, 6),
)


# --- The generator ----------------------------------------------------------------------


def expertise_orders_demo(
    workspace: Workspace, *, scale: float = 1.0, seed: int = 1, now: datetime | None = None
) -> OrdersDemoSummary:
    """Fill an expertise-orders workspace with demo data; a workspace that already has
    clients or orders is left alone (the summary says so)."""
    if workspace.preset != PRESET:
        raise DomainError(f"The workspace {workspace.slug} does not run the {PRESET} preset.")
    if scale <= 0:
        raise DomainError("The scale must be positive.")
    if _has_data(workspace):
        return OrdersDemoSummary(workspace=workspace.slug, created=False)
    started = time.monotonic()
    with transaction.atomic(), translation.override("ru"), emails_held():
        summary = _generate(workspace, scale=scale, seed=seed, now=now or timezone.now())
    summary.seconds = time.monotonic() - started
    return summary


def _has_data(workspace: Workspace) -> bool:
    return (
        Item.objects.filter(workspace=workspace).exists()
        or Client.objects.filter(workspace=workspace).exists()
    )


def _generate(workspace: Workspace, *, scale: float, seed: int, now: datetime) -> OrdersDemoSummary:
    rng = random.Random(seed)
    # Lock the order type so two runs at once do not both fill the workspace.
    ItemType.objects.select_for_update().get(workspace=workspace, key=ITEM_TYPE)
    if _has_data(workspace):
        return OrdersDemoSummary(workspace=workspace.slug, created=False)
    events_before = Event.objects.filter(workspace=workspace).count()
    people = _people(workspace)
    managers = [people[MANAGER.email]] * 4 + [people[DIRECTOR.email]]
    today = timezone.localdate(now)

    clients = _clients(workspace, rng, managers, now, count=max(6, round(60 * scale)))
    contacts = _contacts(workspace, rng, clients)
    contracts = _contracts(workspace, rng, clients, today, count=max(5, round(50 * scale)))
    reminders = _reminders(workspace, clients)

    plan = [
        (status, signed)
        for status, signed, count in ORDER_MIX
        for _ in range(max(1, round(count * scale)))
    ]
    rng.shuffle(plan)
    with_contract = [c for c in contracts if c.client.archived_at is None]
    for number, (status, signed) in enumerate(plan):
        contract = with_contract[number % len(with_contract)] if with_contract else None
        if status == "prospect" and signed == 0 and rng.random() < 0.5:
            contract = None  # early talks: no contract yet
        client = contract.client if contract else rng.choice(clients[: len(clients) // 2])
        _order(workspace, rng, people, client, contract, status, signed, today)

    items = Item.objects.filter(workspace=workspace)
    by_status = Counter(items.values_list("status__key", flat=True))
    signoffs = SignOff.objects.filter(item__workspace=workspace)
    counts = Counter(signoffs.values_list("item_id", flat=True))
    return OrdersDemoSummary(
        workspace=workspace.slug,
        created=True,
        clients=len(clients),
        contacts=contacts,
        contracts=len(contracts),
        items=items.count(),
        by_status={k: by_status[k] for k, _s, _n in ORDER_MIX if k in by_status},
        fully_signed=sum(1 for n in counts.values() if n == len(STAGES)),
        signoffs=signoffs.count(),
        reminders=reminders,
        events=Event.objects.filter(workspace=workspace).count() - events_before,
    )


def _people(workspace: Workspace) -> dict[str, User]:
    """The named logins, one per role of the preset, with full contacts.

    They join through `member_add`; their passwords are hashed side by side first (the
    slow hasher releases the GIL), which halves the demo's time on two cores."""
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}
    missing = [
        login
        for login in LOGINS
        if not Membership.objects.filter(workspace=workspace, user__email=login.email).exists()
    ]
    new = [m for m in missing if not User.objects.filter(email__iexact=m.email).exists()]
    with ThreadPoolExecutor(max_workers=len(new) or 1) as pool:
        hashes = dict(
            zip(
                [m.email for m in new],
                pool.map(make_password, [m.password for m in new]),
                strict=True,
            )
        )
    for login in missing:
        member_add(
            actor=None,
            workspace=workspace,
            email=login.email,
            full_name=login.full_name,
            phone=login.phone,
            position=login.position,
            roles=[roles[ROLE_OF[login.email]]],
        )
        if login.email in hashes:
            User.objects.filter(email=login.email).update(password=hashes[login.email])
    return {login.email: User.objects.get(email=login.email) for login in LOGINS}


def _phone(rng: random.Random) -> str:
    return f"+7 9{rng.randrange(10, 99)} {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}"  # noqa: E501


def _clients(
    workspace: Workspace, rng: random.Random, managers: list[User], now: datetime, *, count: int
) -> list[Client]:
    roots = list(COMPANY_ROOTS)
    rng.shuffle(roots)
    clients = []
    for n in range(count):
        root = roots[n % len(roots)] + (f" {n // len(roots) + 1}" if n >= len(roots) else "")
        industry = rng.choice(INDUSTRIES)
        city = rng.choice(names.CITIES)[0]
        street = rng.choice(names.STREETS)
        # The first half are the working clients (they get the contracts and orders);
        # refusals and the archive are among the rest.
        late = n >= count // 2
        refused = late and rng.random() < 0.3
        archived = late and not refused and rng.random() < 0.15
        next_contact = None
        if not refused and not archived and rng.random() < 0.3:
            day = now + timedelta(days=rng.randrange(0, 10))
            next_contact = day.replace(
                hour=rng.randrange(10, 18), minute=rng.choice((0, 30)), second=0, microsecond=0
            )
            if next_contact <= now:
                next_contact += timedelta(days=1)
        clients.append(
            Client(
                workspace=workspace,
                name=f"{rng.choice(FORMS)} «{root}»",
                address=f"г. {city}, {street}, д. {rng.randrange(1, 150)}",
                source=rng.choice(SOURCES),
                industry=industry,
                activity=ACTIVITY[industry],
                comments=rng.choice(
                    ("", "", "Решения принимает генеральный директор.", "Оплата по этапам.")
                ),
                tags=", ".join(sorted(rng.sample(TAGS, rng.choice((0, 1, 1, 2))))),
                status=ClientStatus.REFUSED if refused else ClientStatus.ACTIVE,
                manager=rng.choice(managers),
                next_contact_at=next_contact,
                archived_at=now - timedelta(days=rng.randrange(5, 200)) if archived else None,
            )
        )
    return Client.objects.bulk_create(clients)


def _contacts(workspace: Workspace, rng: random.Random, clients: list[Client]) -> int:
    rows = []
    for client in clients:
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            first, family, patronymic, _female = names.person(rng)
            login = f"{names.translit(first)[:1]}.{names.translit(family)}"
            domain = names.translit(client.name.split("«")[-1].rstrip("»").split()[0]) or "mail"
            rows.append(
                ContactPerson(
                    workspace=workspace,
                    client=client,
                    full_name=f"{family} {first} {patronymic}",
                    position=rng.choice(POSITIONS),
                    phones=", ".join(_phone(rng) for _ in range(rng.choice((1, 1, 2)))),
                    emails=f"{login}@{domain}.ru",
                    comments=rng.choice(("", "", "Звонить после 11:00.", "Предпочитает почту.")),
                )
            )
    ContactPerson.objects.bulk_create(rows)
    return len(rows)


def _contracts(
    workspace: Workspace,
    rng: random.Random,
    clients: list[Client],
    today: date,
    *,
    count: int,
) -> list[Contract]:
    """Contracts of the working clients (some have two), numbered per year."""
    working = clients[: max(1, len(clients) // 2)] + [
        c for c in clients[len(clients) // 2 :] if c.status == ClientStatus.ACTIVE
    ]
    owners = [working[n % len(working)] for n in range(count)]
    drafts = []
    for client in owners:
        signed = today - timedelta(days=rng.randrange(10, 540))
        months = rng.choice((6, 12, 12, 12, 24))
        until = signed + timedelta(days=months * 30)
        drafts.append((signed, client, until))
    drafts.sort(key=lambda d: (d[0], d[1].name))
    per_year: Counter[int] = Counter()
    rows = []
    for signed, client, until in drafts:
        per_year[signed.year] += 1
        amount = Decimal(rng.randrange(15, 400) * 10_000)
        rows.append(
            Contract(
                workspace=workspace,
                client=client,
                number=f"Д-{signed.year}/{per_year[signed.year]:03d}",
                signed_on=signed,
                valid_from=signed + timedelta(days=rng.randrange(0, 5)),
                valid_until=until,
                amount=amount,
                comments=rng.choice(("", "", "С авансом 30%.", "Оплата по факту этапов.")),
            )
        )
    created = Contract.objects.bulk_create(rows)
    by_pk = {c.pk: c for c in clients}
    for contract in created:
        contract.client = by_pk[contract.client_id]
    return created


def _reminders(workspace: Workspace, clients: list[Client]) -> int:
    """The "call the client" reminders, through the same service as the client card."""
    from pult.calendars.reminders import reminder_for_next_contact

    n = 0
    for client in clients:
        if client.next_contact_at is not None and client.manager is not None:
            reminder_for_next_contact(actor=client.manager, workspace=workspace, client=client)
            n += 1
    return n


def _stage_work(
    stage: str,
    rng: random.Random,
    people: dict[str, User],
    manager: User,
    contract: Contract | None,
    today: date,
) -> list[tuple[User, dict[str, Any]]]:
    """Who fills what in at a stage, in the order they would (field rules of the preset)."""
    if stage == "sales":
        fee = Decimal(contract.amount if contract and contract.amount else 300_000)
        return [
            (
                manager,
                {
                    "payment_terms": rng.choice(
                        (
                            "Аванс 30%, остаток после заключения",
                            "100% предоплата",
                            "50% аванс, 50% по акту",
                        )
                    ),
                    "fee": str(fee),
                    "subcontractor_amount": str((fee * Decimal("0.15")).quantize(Decimal(1))),
                    "sales_comments": rng.choice(
                        (
                            "Клиент просит уложиться в месяц.",
                            "Повторный заказ, условия прежние.",
                            "Документы клиент передаст курьером.",
                        )
                    ),
                },
            )
        ]
    if stage == "finance":
        share = Decimal(rng.choice((30, 50, 100)))
        amount = Decimal(contract.amount if contract and contract.amount else 300_000)
        return [
            (
                people[FINANCE.email],
                {
                    "legal_entity": rng.choice(("ООО «Пульт-Эксперт»", "ООО «Пульт-Проект»")),
                    "payment_amount": str((amount * share / 100).quantize(Decimal(1))),
                    "payment_date": (today - timedelta(days=rng.randrange(1, 60))).isoformat(),
                    "payment_order_number": str(rng.randrange(1000, 9999)),
                    "finance_comments": f"Оплачено {share}% суммы договора.",
                },
            )
        ]
    if stage == "technical":
        return [
            (
                manager,
                {
                    "technical_spec": "Состав работ и перечень документов по договору; "
                    "сроки — 20 рабочих дней с даты оплаты.",
                    "spec_sent": True,
                },
            ),
            (people[DEPT3.email], {"expert": people[EXPERT.email].pk}),
        ]
    if stage == "expertise":
        return [(people[EXPERT.email], {"documents_analysed": True, "expertise_done": True})]
    if stage == "state":
        return [
            (
                people[DEPT4.email],
                {"submitted_to_state": True, "expertise_approved": True, "work_completed": True},
            )
        ]
    # The archive: Dept 2 ticks the acts and the original (required for the archive, not
    # for its own sign-off), the manager dates the registration and its validity.
    registered = today - timedelta(days=rng.randrange(1, 90))
    return [
        (
            people[FINANCE.email],
            {"act_issued": True, "act_signed": True, "original_received": True},
        ),
        (
            manager,
            {
                "registration_date": registered.isoformat(),
                "valid_until": (registered + timedelta(days=365 * 3)).isoformat(),
            },
        ),
    ]


SIGNER = {
    "finance": FINANCE.email,
    "technical": DEPT3.email,
    "expertise": EXPERT.email,
    "state": DEPT4.email,
}


def _order(
    workspace: Workspace,
    rng: random.Random,
    people: dict[str, User],
    client: Client,
    contract: Contract | None,
    status: str,
    signed: int,
    today: date,
) -> None:
    """One order walked through the services to `status` with `signed` stages signed."""
    manager = client.manager or people[MANAGER.email]
    item = work_item_submit(
        actor=manager,
        workspace=workspace,
        item_type_key=ITEM_TYPE,
        title=f"{rng.choice(SUBJECTS)} — {client.name}",
        values={},
    )
    Item.objects.filter(pk=item.pk).update(client=client, contract=contract, manager=manager)
    pk = item.pk

    def step(key: str, actor: User = manager, comment: str = "") -> None:
        work_item_transition(
            actor=actor, workspace=workspace, item_id=pk, transition_key=key, comment=comment
        )

    def stage(n: int, *, sign: bool) -> None:
        key = STAGES[n]
        for actor, values in _stage_work(key, rng, people, manager, contract, today):
            work_item_update(actor=actor, workspace=workspace, item_id=pk, values=values)
        if sign:
            signer = people[SIGNER[key]] if key in SIGNER else manager
            stage_sign(actor=signer, workspace=workspace, item_id=pk, stage_key=key)

    # Dept 1 agrees the terms while it is a prospect; the client confirms; Dept 2 takes
    # the payment; the work starts; the other departments follow; then the archive.
    if signed >= 1:
        stage(0, sign=True)
    elif status == "prospect" and rng.random() < 0.5:
        stage(0, sign=False)  # terms being discussed
    if status == "refused":
        if signed >= 1 and rng.random() < 0.5:
            step("confirm")
        step("refuse", comment=rng.choice(REFUSALS))
        return
    if status == "prospect":
        return
    step("confirm")
    if signed >= 2:
        stage(1, sign=True)
    if status == "confirmed":
        return
    step("start")
    for n in range(2, signed):
        stage(n, sign=True)
    if status == "in_work" and signed < len(STAGES):
        # The next department has started: some of its fields are filled in already (at
        # the archive, Dept 2 has issued the act).
        actor, values = _stage_work(STAGES[signed], rng, people, manager, contract, today)[0]
        first = dict(list(values.items())[:1])
        work_item_update(actor=actor, workspace=workspace, item_id=pk, values=first)
    if status == "archived":
        step("archive")
