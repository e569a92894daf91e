"""Demo data for the design-desk preset (P1): a franchise network's design requests.

At scale 1.0, the figures of the case study: 4 brands, 200 outlets in Russian cities,
1000 applicants bound to them, 8 designers and a marketing head, and six months of
history at ~800 requests a month (≈ 4800 items) ending in a live queue today.

How it stays coherent: every request gets a planned life (filed → maybe marked urgent →
taken → maybe a clarification round → completed → maybe returned for revision →
accepted) on the workspace's business calendar, with working-time delays near the
regulations (start within a working day, finish within three). Its status is whatever
that life has reached *now*, its pauses and events are the steps already taken, and
start/due dates come from the same SLA rules and working-time arithmetic that
`desk.sla.apply_dates` uses. The queue fields are set exactly as
`work.services._queue_fields` and `work_item_set_urgent` set them.

Speed (it runs in `make run` and in the SQLite smoke test): rows are written in batches
(`bulk_create`, and plain executemany for the big tables: see `_insert`), all generated
people share one precomputed password hash, nothing goes through per-item services, and
no notifications are sent for history. Deterministic for a given `now`: one
`random.Random(seed)`.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone, translation

from pult.access.models import Role
from pult.accounts.models import Membership, User, Workspace
from pult.accounts.services import member_add
from pult.activity.models import Event
from pult.calendars.selectors import default_calendar, schedule_for
from pult.calendars.worktime import Schedule, add_working_time, working_time_between
from pult.core.exceptions import DomainError
from pult.parties.models import Brand, Outlet
from pult.presets import demo_names as names
from pult.work.models import Item, ItemPause, ItemType, SlaRule, Status, Transition

PRESET = "design-desk"
ITEM_TYPE = "design-request"
MONTHS = 6
BATCH = 1000

# Every generated person (applicants, designers) has this password, hashed once, so a
# demo user can log in as any of them.
PEOPLE_PASSWORD = "demo-people-1"  # noqa: S105 (demo data, printed and documented)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    full_name: str
    position: str
    phone: str


HEAD = DemoLogin(
    "marketing head",
    "marketing@pult.demo",
    "brush-lemon-24",
    "Марина Маркетова",
    "Руководитель отдела маркетинга",
    "+7 900 000-00-11",
)
DESIGNER = DemoLogin(
    "designer",
    "designer@pult.demo",
    "pencil-wave-38",
    "Дарья Дизайнова",
    "Дизайнер",
    "+7 900 000-00-12",
)
APPLICANT = DemoLogin(
    "applicant",
    "applicant@pult.demo",
    "pizza-sun-51",
    "Захар Заявкин",
    "Управляющий",
    "+7 900 000-00-13",
)
LOGINS = (HEAD, DESIGNER, APPLICANT)


@dataclass
class DemoSummary:
    workspace: str
    created: bool
    brands: int = 0
    outlets: int = 0
    applicants: int = 0
    designers: int = 0
    items: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    urgent_in_queue: int = 0
    overdue_open: int = 0
    pauses: int = 0
    events: int = 0
    seconds: float = 0.0
    logins: tuple[DemoLogin, ...] = LOGINS
    sample_applicant: str = ""


# --- What the requests are about ------------------------------------------------------

BRANDS = (
    # name, share of the outlets, promotions the outlets ask layouts for
    (
        "Пицца Белла",
        0.35,
        (
            "Пицца месяца «Четыре сыра»",
            "Две пиццы по цене одной",
            "Комбо «На компанию»",
            "Детские праздники в пиццерии",
            "Пепперони −20% по вторникам",
            "Новинка: римская пицца",
            "Бизнес-ланч до 16:00",
            "Доставка за 30 минут",
        ),
    ),
    (
        "Суши Мастер",
        0.25,
        (
            "Сет недели «Филадельфия»",
            "Роллы −20% по будням",
            "Новый сет «Самурай»",
            "Бесплатная доставка от 1500 ₽",
            "Поке-боулы — новинка",
            "Счастливые часы 14:00–17:00",
            "Сет «Семейный» 48 шт.",
        ),
    ),
    (
        "Кофе Тайм",
        0.22,
        (
            "Тыквенный латте",
            "Кофе с собой −15% до 10:00",
            "Зимние напитки",
            "Кофе + круассан за 299 ₽",
            "Раф месяца «Солёная карамель»",
            "Каждый седьмой кофе в подарок",
            "Матча-латте — новинка",
        ),
    ),
    (
        "Бургер Гриль",
        0.18,
        (
            "Бургер дня",
            "Двойной чизбургер за 349 ₽",
            "Комбо-обед до 16:00",
            "Гриль-фест",
            "Новинка: бургер с беконом и халапеньо",
            "Картофель фри в подарок к комбо",
            "Студенческая скидка 10%",
        ),
    ),
)
COMMON_PROMOS = (
    "Открытие после ремонта",
    "Мы ищем сотрудников",
    "Режим работы в праздничные дни",
    "День рождения заведения",
    "Новое меню",
    "Правила акции",
    "QR-меню и Wi-Fi",
)
SEASONAL_PROMOS = {
    1: ("Рождественское меню", "Зимние каникулы"),
    2: ("23 Февраля", "Масленица: блины весь день"),
    3: ("8 Марта", "Весеннее меню"),
    4: ("Весеннее меню", "Пасхальное предложение"),
    5: ("Открытие летней веранды", "Майские праздники"),
    6: ("Летняя веранда", "Холодные напитки"),
    7: ("Летняя веранда", "Лимонады месяца"),
    8: ("Снова в школу", "Летние хиты"),
    9: ("Снова в школу", "Осеннее меню"),
    10: ("Хеллоуин", "Осеннее меню"),
    11: ("Чёрная пятница", "Предзаказ новогодних банкетов"),
    12: ("Новогоднее меню", "Новогодние корпоративы", "Подарочные сертификаты"),
}
FORMATS = ("кафе", "ресторан", "мини-формат", "фуд-корт")

# material: (weight, sizes, working hours of design work (low, high))
MATERIALS: dict[str, tuple[int, tuple[str, ...], tuple[float, float]]] = {
    "poster": (18, ("A3 вертикальный", "A2 вертикальный", "A1, 594×841 мм", "50×70 см"), (1, 6)),
    "leaflet": (12, ("A5, двусторонняя", "Евро 99×210 мм", "A6, 500 шт."), (1, 5)),
    "banner": (11, ("3×1 м, 150 dpi", "6×3 м на фасад", "ролл-ап 0,85×2 м"), (1, 6)),
    "menu": (10, ("A4 двусторонний", "меню-борд 3 панели 1080×1920 px", "A3 тейбл"), (3, 12)),
    "decor": (
        8,
        ("наклейка на стекло 120×80 см", "стикер на стол Ø 10 см", "панно 2×1,5 м"),
        (2, 10),
    ),
    "web": (10, ("1200×628 px", "1920×600 px", "1080×1080 px", "1080×1920 px (сторис)"), (0.5, 3)),
    "delivery": (
        13,
        ("обложка 1200×600 px", "карточки блюд 800×800 px", "баннер 1440×480"),
        (1, 5),
    ),
    "resize": (
        18,
        ("из A3 в A1", "под экран 1080×1920 px", "под ролл-ап 0,85×2 м", "A4 → A5"),
        (0.3, 2),
    ),
}
DELIVERY_SERVICES = ("Яндекс Еды", "Купера", "Маркет Деливери", "сайта доставки", "приложения")
MENU_KINDS = (
    "обновление цен",
    "сезонное меню",
    "барное меню",
    "детское меню",
    "бизнес-ланч",
    "меню-борд над кассой",
)
DECOR_KINDS = ("наклейки на витрину", "тейбл-тенты", "стикеры на стол", "оформление зала")
SUBTITLES = (
    "Только до {until}",
    "Каждый день с 12:00 до 16:00",
    "При заказе от 1000 ₽",
    "Подробности у кассира",
    "Во всех заведениях сети в городе {city}",
)
WISHES = (
    "В фирменных цветах бренда, без лишних элементов.",
    "Крупно цену, чтобы читалась с трёх метров.",
    "Фото с последней фотосессии из «Готовых материалов».",
    "Как макет прошлого месяца, только с новыми ценами.",
    "Добавить QR-код на наше меню.",
    "Поменьше текста, побольше аппетитного фото.",
    "Для печати в типографии, с вылетами 3 мм.",
    "Ярко и празднично, но в стиле бренда.",
    "Сделать два варианта на выбор.",
    "Плакат висит на тёмной стене — нужен светлый фон.",
    "Шрифты как в новом брендбуке.",
)
QUESTIONS = (
    "Уточните, пожалуйста, точный размер конструкции в сантиметрах.",
    "Какая цена акции должна быть на макете?",
    "Нужны ли вылеты под обрез? В какой типографии печатаете?",
    "Пришлите, пожалуйста, фото места, где будет висеть макет.",
    "Не хватает текста для обратной стороны.",
    "До какого числа действует акция?",
)
ANSWERS = (
    "Размер 120×80 см, вылеты по 5 мм.",
    "Цена 499 ₽, акция до конца месяца.",
    "Фото приложил(а) в чат.",
    "Печатаем в типографии у дома, вылеты 3 мм.",
    "Текст для оборота добавил(а) в поле «Тексты».",
)
REVISIONS = (
    "Цена указана неверно, должна быть 449 ₽.",
    "Логотип старого образца, замените на новый.",
    "Не тот размер: нужен A2, а не A3.",
    "Опечатка в адресе.",
    "Слишком тёмное фото, сделайте светлее.",
    "Добавьте, пожалуйста, режим работы внизу.",
)
CLOSINGS = (
    "Дубликат: такая заявка от этой точки уже в работе.",
    "Готовый макет есть в разделе «Готовые материалы».",
    "Заявка отозвана заявителем.",
    "Не относится к дизайну — передано в отдел закупок.",
)
POSITIONS = ("Управляющий", "Администратор", "Менеджер смены", "Директор", "Франчайзи")


# --- A request's life ------------------------------------------------------------------


@dataclass
class _Step:
    at: datetime
    who: str  # "requester", "designer" or "head"
    verb: str
    transition: tuple[str, str | None] | None = None  # (key, from status key)
    comment: str = ""


@dataclass
class _Plan:
    submitted: datetime
    material: str
    status: str = "new"
    urgent_at: datetime | None = None
    started_at: datetime | None = None
    closed_at: datetime | None = None
    worked: bool = False  # a designer took it (so it has an assignee)
    pauses: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    steps: list[_Step] = field(default_factory=list)
    requester: int = 0
    designer: int = 0

    def move(self, at: datetime, who: str, key: str, source: str | None, comment: str = "") -> None:
        """A step along the pipeline: transition `key` from status `source` (None: any)."""
        self.steps.append(_Step(at, who, "work.status_changed", (key, source), comment))


class _MemoSchedule(Schedule):
    """A Schedule that remembers each day's working intervals: the demo asks about the
    same few hundred days tens of thousands of times. Same answers, less work."""

    @classmethod
    def of(cls, schedule: Schedule) -> _MemoSchedule:
        return cls(
            tz=schedule.tz,
            weekly=schedule.weekly,
            exceptions=schedule.exceptions,
            known_from=schedule.known_from,
            known_until=schedule.known_until,
        )

    def day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        memo: dict[date, list[tuple[datetime, datetime]]] = self.__dict__.setdefault("_memo", {})
        if day not in memo:
            memo[day] = super().day_intervals(day)
        return memo[day]


class _Clock:
    """Working-time arithmetic on the workspace's calendar, and wall-clock habits."""

    def __init__(self, schedule: Schedule, now: datetime, rng: random.Random) -> None:
        self.schedule, self.now, self.rng = schedule, now, rng

    def after(self, start: datetime, hours: float) -> datetime:
        return add_working_time(self.schedule, start, timedelta(hours=hours))

    def awake(self, moment: datetime) -> datetime:
        """People outside the office answer between 08:00 and 23:00 local time."""
        local = moment.astimezone(self.schedule.tz)
        if 8 <= local.hour < 23:
            return moment
        day = local.date() if local.hour < 8 else local.date() + timedelta(days=1)
        minutes = self.rng.randrange(0, 120)
        opened = datetime.combine(day, clock(8), tzinfo=self.schedule.tz)
        return (opened + timedelta(minutes=minutes)).astimezone(moment.tzinfo)

    def before_now(self, moment: datetime, floor: datetime) -> datetime:
        """`moment`, or a moment between `floor` and now when it lies in the future."""
        if moment < self.now:
            return moment
        return floor + (self.now - floor) * self.rng.uniform(0.3, 0.9)


def _live(plan: _Plan, clk: _Clock, rng: random.Random, *, wait: float, force: str = "") -> None:
    """Walk one request through its life up to now.

    `force` pins where a recent request stands now, so the live desk always shows every
    state whatever the hour: "new" (still in the queue), "urgent" (in the queue, marked
    urgent), "in_progress", "clarification" (an unanswered question) or "revision"
    (returned, not yet redone).
    """
    now, submitted = clk.now, plan.submitted
    plan.steps.append(_Step(submitted, "requester", "work.item_submitted"))
    if force in ("new", "urgent"):
        if force == "urgent":
            plan.urgent_at = clk.before_now(clk.after(submitted, rng.uniform(0.1, 1.5)), submitted)
            plan.steps.append(_Step(plan.urgent_at, "head", "work.marked_urgent"))
        return
    if not force and rng.random() < 0.025:  # the head closes it unworked: a duplicate…
        at = clk.before_now(clk.after(submitted, rng.uniform(0.3, 4)), submitted)
        plan.move(at, "head", "close", None, rng.choice(CLOSINGS))
        plan.status, plan.closed_at = "closed", at
        return
    queued_from = submitted
    if rng.random() < 0.05:
        plan.urgent_at = clk.before_now(clk.after(submitted, rng.uniform(0.1, 2)), submitted)
        plan.steps.append(_Step(plan.urgent_at, "head", "work.marked_urgent"))
        queued_from, wait = plan.urgent_at, rng.uniform(0.1, 1.5)
    taken = clk.before_now(clk.after(queued_from, wait), queued_from)
    plan.worked, plan.started_at, plan.status = True, taken, "in_progress"
    plan.move(taken, "designer", "take", "new")
    if force == "in_progress":
        return
    low, high = MATERIALS[plan.material][2]
    effort = rng.uniform(low, high) * (3 if rng.random() < 0.04 else 1)
    resumed, remaining = taken, effort
    if force == "clarification" or (force != "revision" and rng.random() < 0.11):
        share = rng.uniform(0.1, 0.5)
        asked = clk.after(taken, effort * share)
        if force:
            asked = clk.before_now(asked, taken)
        if asked >= now:
            return
        plan.status = "clarification"
        plan.move(asked, "designer", "ask_clarification", "in_progress", rng.choice(QUESTIONS))
        roll = rng.random()
        delay = rng.uniform(0.3, 6) if roll < 0.7 else rng.uniform(6, 48) if roll < 0.95 else 120
        answered = clk.awake(asked + timedelta(hours=delay))
        if force or answered >= now:
            plan.pauses.append((asked, None))
            return
        plan.pauses.append((asked, answered))
        plan.status = "in_progress"
        plan.move(answered, "requester", "answer", "clarification", rng.choice(ANSWERS))
        resumed, remaining = answered, effort * (1 - share)
    done = clk.after(resumed, remaining)
    if force:
        done = clk.before_now(done, resumed)
    if done >= now:
        return
    plan.status, plan.closed_at = "completed", done
    plan.move(done, "designer", "complete", "in_progress")
    if force == "revision" or rng.random() < 0.06:  # the applicant returns it, saying why
        returned = clk.awake(done + timedelta(hours=rng.uniform(0.5, 30)))
        if force:
            returned = clk.before_now(returned, done)
        if returned >= now:
            return
        plan.status, plan.closed_at = "revision", None
        comment = rng.choice(REVISIONS)
        plan.move(returned, "requester", "return_for_revision", "completed", comment)
        done = clk.after(returned, rng.uniform(0.3, 3))
        if force or done >= now:
            return
        plan.status, plan.closed_at = "completed", done
        plan.move(done, "designer", "complete", "revision")
    if rng.random() < 0.88:  # most applicants accept; the rest never press the button
        roll = rng.random()
        delay = rng.uniform(0.2, 8) if roll < 0.6 else rng.uniform(8, 72) if roll < 0.9 else 200
        accepted = clk.awake(done + timedelta(hours=delay))
        if accepted < now:
            plan.status = "closed"
            plan.move(accepted, "requester", "accept", "completed")


def _forced(rng: random.Random, moments: list[datetime], now: datetime, scale: float) -> list[str]:
    """Where the recent requests must stand now: the newest wait in the queue (45 at
    scale 1, a few of them urgent); among the last week's, some are in work (a few of
    them stuck and past due), some wait for an answer, some came back for revision."""
    n = len(moments)
    force = [""] * n
    waiting = max(3, round(45 * scale))
    for i in range(n - waiting, n):
        force[i] = "new"
    for i in rng.sample(range(n - waiting, n), max(1, round(waiting * 0.12))):
        force[i] = "urgent"  # the head marked it; it waits at the head of the queue
    week = [i for i in range(n - waiting) if moments[i] >= now - timedelta(days=7)]
    if len(week) < 6:
        week = list(range(max(0, n - waiting - 6), n - waiting))
    recent = week[len(week) * 2 // 3 :]
    wanted = (
        ("in_progress", recent, max(1, round(10 * scale))),
        ("in_progress", week, max(1, round(3 * scale))),
        ("clarification", week, max(1, round(6 * scale))),
        ("revision", week[: max(1, len(week) * 2 // 3)], max(1, round(4 * scale))),
    )
    for state, pool, count in wanted:
        free = [i for i in pool if not force[i]]
        for i in rng.sample(free, min(count, len(free))):
            force[i] = state
    return force


def _submission_times(rng: random.Random, count: int, now: datetime, tz: Any) -> list[datetime]:
    """`count` filing moments over the last MONTHS months: weekdays busier than weekends,
    days busier than evenings, a slow growth of the network; none after now."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=round(MONTHS * 30.4))
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    weekday_factor = (1.2, 1.25, 1.2, 1.15, 1.05, 0.5, 0.4)
    hour_weights = (2, 5, 8, 9, 8, 7, 7, 7, 6, 5, 4, 3, 2, 2, 1)  # 08:00 … 22:00

    def opened(day: date) -> float:
        """The share of the day's filing weight already behind us."""
        if day < today:
            return 1.0
        local_hour = now.astimezone(tz).hour
        return sum(hour_weights[: max(0, min(15, local_hour - 8 + 1))]) / sum(hour_weights)

    weights = [
        weekday_factor[d.weekday()] * (0.9 + 0.2 * i / len(days)) * opened(d)
        for i, d in enumerate(days)
    ]
    total = sum(weights)
    # Largest remainder: exactly `count` items, spread as the weights say.
    shares = [count * w / total for w in weights]
    per_day = [int(s) for s in shares]
    for i in sorted(range(len(days)), key=lambda i: shares[i] - per_day[i], reverse=True)[
        : count - sum(per_day)
    ]:
        per_day[i] += 1
    moments = []
    hours = list(range(8, 23))
    for day, n in zip(days, per_day, strict=True):
        for _ in range(n):
            for _attempt in range(50):
                hour = rng.choices(hours, weights=hour_weights)[0]
                moment = datetime.combine(
                    day, clock(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz
                )
                if moment < now:
                    break
            else:
                moment = now - timedelta(minutes=rng.randrange(1, 600))
            moments.append(moment.astimezone(now.tzinfo))
    moments.sort()
    return moments


def _waits(rng: random.Random, days: int) -> list[float]:
    """Working hours an item waits in the queue, day by day: a random walk around a few
    hours, now and then past the regulations' one working day."""
    level, out = 3.5, []
    for _ in range(days + 1):
        level = min(9.0, max(1.0, level + rng.gauss(0, 0.7)))
        out.append(level)
    return out


# --- People and places ----------------------------------------------------------------


def _insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT rows with the driver's executemany; values must be ready for the driver.

    For the biggest demo tables only (items, events, their links): bulk_create's
    per-value preparation took most of the demo's time, and it would overwrite the
    historical created_at/updated_at of auto_now fields with the current time. Other
    columns of the table get their fields' defaults, so a field added later with a
    default needs no change here.
    """
    meta = model._meta
    named = [f for name in fields if isinstance(f := meta.get_field(name), models.Field)]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in named]
    assert len(named) == len(fields), "only concrete fields can be inserted"
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in [*named, *rest])
    marks = ", ".join(["%s"] * (len(named) + len(rest)))
    # Identifiers come from the model's metadata, quoted; values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [row + defaults for row in rows[start : start + BATCH]])


class _People:
    """Unique e-mail addresses and phone numbers for generated people."""

    def __init__(self, rng: random.Random, domain: str) -> None:
        self.rng, self.domain = rng, domain
        self.emails: set[str] = {login.email for login in LOGINS}
        self.phones: set[str] = {login.phone for login in LOGINS}

    def email(self, first: str, family: str) -> str:
        base = f"{names.translit(first)}.{names.translit(family)}"
        candidate, n = f"{base}@{self.domain}", 1
        while candidate in self.emails:
            n += 1
            candidate = f"{base}{n}@{self.domain}"
        self.emails.add(candidate)
        return candidate

    def phone(self) -> str:
        while (number := names.phone(self.rng)) in self.phones:
            pass
        self.phones.add(number)
        return number

    def user(self, *, position: str, password: str, workspace: Workspace, joined: datetime) -> User:
        first, family, _patronymic, _female = names.person(self.rng)
        return User(
            email=self.email(first, family),
            full_name=f"{first} {family}",
            phone=self.phone(),
            position=position,
            password=password,
            current_workspace=workspace,
            date_joined=joined,
        )


def _spread(rng: random.Random, total: int, buckets: int) -> list[int]:
    """`total` split over `buckets`, each at least one, the rest at random."""
    counts = [1] * buckets
    for _ in range(total - buckets):
        counts[rng.randrange(buckets)] += 1
    return counts


# --- The generator ----------------------------------------------------------------------


def design_desk_demo(
    workspace: Workspace, *, scale: float = 1.0, seed: int = 1, now: datetime | None = None
) -> DemoSummary:
    """Fill a design-desk workspace with demo data; a workspace that already has requests
    or outlets is left alone (the summary says so)."""
    if workspace.preset != PRESET:
        raise DomainError(f"The workspace {workspace.slug} does not run the {PRESET} preset.")
    if scale <= 0:
        raise DomainError("The scale must be positive.")
    if _has_data(workspace):
        return DemoSummary(workspace=workspace.slug, created=False)
    started = time.monotonic()
    with transaction.atomic(), translation.override("ru"):
        summary = _generate(workspace, scale=scale, seed=seed, now=now or timezone.now())
    if connection.vendor == "postgresql":
        # Fresh bulk rows leave the planner guessing "1 row" until autovacuum passes by.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    summary.seconds = time.monotonic() - started
    return summary


def _has_data(workspace: Workspace) -> bool:
    """Demo data goes only into a workspace without requests and outlets of its own."""
    return (
        Item.objects.filter(workspace=workspace).exists()
        or Outlet.objects.filter(workspace=workspace).exists()
    )


def _generate(workspace: Workspace, *, scale: float, seed: int, now: datetime) -> DemoSummary:
    rng = random.Random(seed)
    calendar = default_calendar(workspace)
    if calendar is None:
        raise DomainError(f"The workspace {workspace.slug} has no business calendar.")
    clk = _Clock(_MemoSchedule.of(schedule_for(calendar)), now, rng)
    item_type = ItemType.objects.select_for_update().get(workspace=workspace, key=ITEM_TYPE)
    if _has_data(workspace):  # filled while we waited for the lock
        return DemoSummary(workspace=workspace.slug, created=False)
    roles = {r.name: r for r in Role.objects.filter(workspace=workspace)}

    outlets = _outlets(workspace, rng, max(len(BRANDS), round(200 * scale)))
    head, designers, applicants, their_outlets = _people(
        workspace, rng, roles, outlets, scale=scale, since=now - timedelta(days=MONTHS * 31)
    )

    # Six months of requests, each walked through its life up to now.
    moments = _submission_times(rng, max(12, round(800 * MONTHS * scale)), now, clk.schedule.tz)
    first_day = moments[0].date()
    waits = _waits(rng, (now.date() - first_day).days)
    materials = list(MATERIALS)
    material_weights = [MATERIALS[m][0] for m in materials]
    plans = []
    for submitted, force in zip(moments, _forced(rng, moments, now, scale), strict=True):
        plan = _Plan(submitted=submitted, material=rng.choices(materials, material_weights)[0])
        wait = waits[(submitted.date() - first_day).days] * rng.uniform(0.4, 1.6)
        _live(plan, clk, rng, wait=wait, force=force)
        plans.append(plan)

    # Who filed and who did each: busy outlets file more; the named logins get a
    # recognisable share (queued and archived requests, work in progress).
    cumulative = list(itertools.accumulate(rng.paretovariate(1.6) for _ in applicants))
    for plan in plans:
        plan.requester = rng.choices(range(len(applicants)), cum_weights=cumulative)[0]
        plan.designer = rng.randrange(len(designers))
    _give_named(plans, rng)

    summary = _write_requests(
        workspace, item_type, clk, rng, plans, head, designers, applicants, their_outlets
    )
    from pult.presets.demo_files import design_desk_files

    design_desk_files(workspace, head=head, applicant=applicants[0], rng=rng)
    summary.brands = len(BRANDS)
    summary.outlets = len(outlets)
    summary.applicants = len(applicants)
    summary.designers = len(designers)
    summary.sample_applicant = applicants[-1].email
    return summary


def _outlets(workspace: Workspace, rng: random.Random, count: int) -> list[Outlet]:
    """The brands and `count` outlets in Russian cities, numbered per brand; a
    franchisee often runs two or three outlets of a brand in one city."""
    brands = Brand.objects.bulk_create(Brand(workspace=workspace, name=b[0]) for b in BRANDS)
    cities = [c for c, _w in names.CITIES]
    city_weights = [w for _c, w in names.CITIES]
    per_brand = [max(1, round(count * share)) for _n, share, _p in BRANDS]
    per_brand[0] += count - sum(per_brand)
    outlets: list[Outlet] = []
    for brand, brand_count in zip(brands, per_brand, strict=True):
        number = 0
        while number < brand_count:
            city = rng.choices(cities, weights=city_weights)[0]
            first, family, patronymic, _female = names.person(rng)
            franchisee = (
                f"ИП {family} {first} {patronymic}"
                if rng.random() < 0.6
                else f"ООО «{rng.choice(names.COMPANY_WORDS)}»"
            )
            for _ in range(min(brand_count - number, rng.choice((1, 1, 1, 2, 2, 3)))):
                number += 1
                street, building = rng.choice(names.STREETS), rng.randrange(1, 120)
                place = rng.choice(names.MALLS) if rng.random() < 0.45 else f"{street}, {building}"
                outlets.append(
                    Outlet(
                        workspace=workspace,
                        brand=brand,
                        city=city,
                        number=f"{number:03d}",
                        name=f"{rng.choice(FORMATS).capitalize()}, {place}",
                        address=f"г. {city}, {street}, д. {building}",
                        franchisee=franchisee,
                    )
                )
    return Outlet.objects.bulk_create(outlets, batch_size=BATCH)


def _people(
    workspace: Workspace,
    rng: random.Random,
    roles: dict[str, Role],
    outlets: list[Outlet],
    *,
    scale: float,
    since: datetime,
) -> tuple[User, list[User], list[User], list[Outlet]]:
    """The marketing head, the designers, the applicants and each applicant's outlet.

    The named demo logins go through `member_add`; the crowd is written in bulk with
    one shared password hash. The named applicant is bound to the first outlet."""

    def named(login: DemoLogin, role: Role) -> User:
        if not Membership.objects.filter(workspace=workspace, user__email=login.email).exists():
            member_add(
                actor=None,
                workspace=workspace,
                email=login.email,
                full_name=login.full_name,
                password=login.password,
                phone=login.phone,
                position=login.position,
                roles=[role],
            )
        return User.objects.get(email=login.email)

    head = named(HEAD, roles["Marketing head"])
    designer = named(DESIGNER, roles["Designer"])
    applicant = named(APPLICANT, roles["Applicant"])
    domain = "demo.pult.local" if workspace.slug == PRESET else f"{workspace.slug}.demo.pult.local"
    people = _People(rng, domain)
    password = make_password(PEOPLE_PASSWORD)
    crowd: list[tuple[User, str, Outlet | None]] = []
    for _ in range(max(2, round(8 * scale)) - 1):
        position = rng.choice(("Дизайнер", "Дизайнер", "Старший дизайнер"))
        joined = since - timedelta(days=rng.randrange(30, 900))
        user = people.user(position=position, password=password, workspace=workspace, joined=joined)
        crowd.append((user, "Designer", None))
    n_applicants = max(len(outlets), round(1000 * scale))
    for outlet, count in zip(outlets, _spread(rng, n_applicants - 1, len(outlets)), strict=True):
        for n in range(count):
            position = POSITIONS[0] if n == 0 else rng.choice(POSITIONS[1:])
            joined = since - timedelta(days=rng.randrange(1, 700))
            user = people.user(
                position=position, password=password, workspace=workspace, joined=joined
            )
            crowd.append((user, "Applicant", outlet))
    created = User.objects.bulk_create([u for u, _r, _o in crowd], batch_size=BATCH)
    memberships = Membership.objects.bulk_create(
        [Membership(workspace=workspace, user=u) for u in created], batch_size=BATCH
    )
    Membership.roles.through.objects.bulk_create(
        [
            Membership.roles.through(membership_id=m.pk, role_id=roles[role].pk)
            for m, (_u, role, _o) in zip(memberships, crowd, strict=True)
        ],
        batch_size=BATCH,
    )
    designers = [designer] + [u for u, _r, o in crowd if o is None]
    applicants = [applicant] + [u for u, _r, o in crowd if o is not None]
    their_outlets = [outlets[0]] + [o for _u, _r, o in crowd if o is not None]
    Outlet.members.through.objects.bulk_create(
        [
            Outlet.members.through(outlet_id=o.pk, user_id=u.pk)
            for u, o in zip(applicants, their_outlets, strict=True)
        ],
        batch_size=BATCH,
    )
    return head, designers, applicants, their_outlets


def _write_requests(
    workspace: Workspace,
    item_type: ItemType,
    clk: _Clock,
    rng: random.Random,
    plans: list[_Plan],
    head: User,
    designers: list[User],
    applicants: list[User],
    their_outlets: list[Outlet],
) -> DemoSummary:
    """Items in filing order (numbers and ids follow time), their watchers, assignees and
    pauses, and their events oldest first (the feed's id order is time order)."""
    ops = connection.ops
    statuses = {s.key: s for s in Status.objects.filter(item_type=item_type)}
    rules = list(SlaRule.objects.filter(item_type=item_type).order_by("position"))
    transitions = {
        (t.key, t.from_status.key if t.from_status else None): t
        for t in Transition.objects.filter(item_type=item_type).select_related(
            "from_status", "to_status"
        )
    }
    first_number = item_type.last_number + 1
    rows, labels, overdue = [], [], 0
    for number, plan in enumerate(plans, start=first_number):
        outlet = their_outlets[plan.requester]
        values, title = _request_text(rng, plan, outlet)
        status = statuses[plan.status]
        start_at, due_at = _sla_dates(clk, rules, values, plan)
        overdue += status.category != "closed" and due_at is not None and due_at < clk.now
        reference = f"{item_type.number_prefix}-{number:05d}"  # as Item.reference
        labels.append((reference, f"{reference} {title}"[:300]))  # as str(Item)
        rows.append(
            (
                workspace.pk,
                item_type.pk,
                number,
                title,
                # As services._queue_fields sets them:
                status.pk,
                status.category,
                status.queued,
                applicants[plan.requester].pk,
                outlet.pk,
                ops.adapt_json_value(values, None),
                # As work_item_set_urgent sets them:
                ops.adapt_datetimefield_value(plan.urgent_at),
                0 if plan.urgent_at else 1,
                ops.adapt_datetimefield_value(plan.urgent_at or plan.submitted),
                ops.adapt_datetimefield_value(plan.submitted),
                ops.adapt_datetimefield_value(start_at),
                ops.adapt_datetimefield_value(due_at),
                ops.adapt_datetimefield_value(plan.started_at),
                ops.adapt_datetimefield_value(plan.closed_at),
                ops.adapt_datetimefield_value(plan.submitted),
                ops.adapt_datetimefield_value(max(step.at for step in plan.steps)),
            )
        )
    _insert(
        Item,
        (
            "workspace",
            "item_type",
            "number",
            "title",
            "status",
            "category",
            "in_queue",
            "requester",
            "outlet",
            "values",
            "urgent_at",
            "queue_rank",
            "queue_at",
            "submitted_at",
            "start_at",
            "due_at",
            "started_at",
            "closed_at",
            "created_at",
            "updated_at",
        ),
        rows,
    )
    item_type.last_number += len(plans)
    item_type.save(update_fields=["last_number"])
    ids = dict(
        Item.objects.filter(item_type=item_type, number__gte=first_number).values_list(
            "number", "pk"
        )
    )
    item_ids = [ids[n] for n in range(first_number, first_number + len(plans))]
    _insert(
        Item.watchers.through,
        ("item", "user"),
        [(i, applicants[p.requester].pk) for i, p in zip(item_ids, plans, strict=True)],
    )
    _insert(
        Item.assignees.through,
        ("item", "user"),
        [(i, designers[p.designer].pk) for i, p in zip(item_ids, plans, strict=True) if p.worked],
    )
    pauses = [
        (i, ops.adapt_datetimefield_value(a), ops.adapt_datetimefield_value(b))
        for i, p in zip(item_ids, plans, strict=True)
        for a, b in p.pauses
    ]
    _insert(ItemPause, ("item", "started_at", "ended_at"), pauses)

    item_type_id = ContentType.objects.get_for_model(Item).pk
    events = []
    for item_id, plan, (reference, label) in zip(item_ids, plans, labels, strict=True):
        actors = {
            "requester": applicants[plan.requester].pk,
            "designer": designers[plan.designer].pk,
            "head": head.pk,
        }
        previous = statuses["new"]
        for step in plan.steps:
            payload: dict[str, Any] = {}
            if step.verb == "work.item_submitted":
                payload = {"reference": reference}
            elif step.transition is not None:  # as work_item_transition records it
                transition = transitions[step.transition]
                payload = {
                    "from": previous.name,
                    "to": transition.to_status.name,
                    "step": transition.label,
                    "comment": step.comment,
                }
                previous = transition.to_status
            events.append((step.at, item_id, actors[step.who], step.verb, label, payload))
    events.sort(key=lambda e: (e[0], e[1]))
    json, when = ops.adapt_json_value, ops.adapt_datetimefield_value
    _insert(
        Event,
        ("workspace", "actor", "verb", "target_type", "target_id", "target_label", "payload",
         "created_at"),
        [
            (workspace.pk, actor, verb, item_type_id, item_id, label, json(payload, None), when(at))
            for at, item_id, actor, verb, label, payload in events
        ],
    )  # fmt: skip

    by_status = Counter(p.status for p in plans)
    return DemoSummary(
        workspace=workspace.slug,
        created=True,
        items=len(plans),
        by_status={key: by_status.get(key, 0) for key in statuses},
        urgent_in_queue=sum(1 for p in plans if p.status == "new" and p.urgent_at),
        overdue_open=overdue,
        pauses=len(pauses),
        events=len(events),
    )


def _give_named(plans: list[_Plan], rng: random.Random) -> None:
    """The named applicant (index 0) files a couple of queued requests, one in work and a
    dozen archived ones; the named designer (index 0) works on a few of them and others."""
    by_status: dict[str, list[_Plan]] = {}
    for plan in reversed(plans):  # newest first
        by_status.setdefault(plan.status, []).append(plan)
    mine = (
        by_status.get("new", [])[:2]
        + by_status.get("in_progress", [])[:1]
        + by_status.get("completed", [])[:1]
        + by_status.get("closed", [])[3:15]
    )
    for plan in mine:
        plan.requester = 0
    for plan in by_status.get("in_progress", [])[:3] + by_status.get("clarification", [])[:1]:
        plan.designer = 0
    for plan in mine:
        if plan.worked and rng.random() < 0.5:
            plan.designer = 0


def _request_text(rng: random.Random, plan: _Plan, outlet: Outlet) -> tuple[dict[str, str], str]:
    """The technical task (the four required fields) and a title, in the applicant's words."""
    brand = next(b for b in BRANDS if b[0] == outlet.brand.name)
    month = plan.submitted.month
    promo = rng.choice(brand[2] + COMMON_PROMOS + SEASONAL_PROMOS[month] * 2)
    material = plan.material
    size = rng.choice(MATERIALS[material][1])
    titles = {
        "poster": f"Плакат «{promo}»",
        "leaflet": f"Листовка «{promo}»",
        "banner": f"Баннер «{promo}»",
        "menu": f"Меню: {rng.choice(MENU_KINDS)}",
        "decor": f"{rng.choice(DECOR_KINDS).capitalize()}: «{promo}»",
        "web": f"Веб-баннер «{promo}»",
        "delivery": f"Графика для {rng.choice(DELIVERY_SERVICES)}: «{promo}»",
        "resize": f"Адаптация макета «{promo}» {size}",
    }
    until = (plan.submitted + timedelta(days=rng.randrange(7, 40))).strftime("%d.%m")
    subtitle = rng.choice(SUBTITLES).format(until=until, city=outlet.city)
    texts = (
        f"Заголовок: {promo}.\nПодзаголовок: {subtitle}.\n"
        f"Внизу: {outlet.brand.name}, {outlet.address}."
    )
    wishes = " ".join(rng.sample(WISHES, rng.choice((1, 1, 2))))
    values = {"material_type": material, "size": size, "texts": texts, "wishes": wishes}
    return values, titles[material][:300]


def _sla_dates(
    clk: _Clock, rules: list[SlaRule], values: dict[str, str], plan: _Plan
) -> tuple[datetime | None, datetime | None]:
    """Start and due dates as `desk.sla.apply_dates` last computed them: the first
    matching rule, moved by the working time of the pauses closed by then (an open pause
    had just begun when the dates were last computed)."""
    rule = next(
        (
            r
            for r in rules
            if not r.condition_field or str(values.get(r.condition_field, "")) == r.condition_value
        ),
        None,
    )
    if rule is None:
        return None, None
    paused = sum(
        (working_time_between(clk.schedule, a, b) for a, b in plan.pauses if b is not None),
        timedelta(),
    )
    start = timedelta(hours=float(rule.start_within_hours)) + paused
    finish = timedelta(hours=float(rule.finish_within_hours)) + paused
    return (
        add_working_time(clk.schedule, plan.submitted, start),
        add_working_time(clk.schedule, plan.submitted, finish),
    )
