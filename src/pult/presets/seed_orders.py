"""`pult seed`, expertise orders: clients with contacts and contracts, and staged orders.

An order's status and its sign-offs agree as the pipeline demands: the sales stage is
signed before the client confirms, finance before the work starts, every stage before
the archive (`requires_stages`), and each signed stage has the fields its signer fills
in. Events are the ones the services write on the way (submitted, fields changed, stage
signed, status changed), at the moments of that life; the computed `contract_percent`
is payment / contract sum as `work.computed.percent_of_contract` gives it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pult.chat.models import Message, MessageRead
from pult.parties.models import Client, ClientStatus, ContactPerson, Contract
from pult.presets import demo_expertise_orders as demo
from pult.presets import demo_names as names
from pult.presets import seed_text as text
from pult.presets.seed_common import (
    BATCH,
    ITEM_FIELDS,
    LINK_FIELDS,
    MESSAGE_FIELDS,
    READ_FIELDS,
    Chat,
    Ctx,
    Person,
    Pipeline,
    dumps,
    message_count,
    write_chat,
)
from pult.presets.seed_sink import IdPool
from pult.presets.seed_time import DAY, HOUR, aware, local_date
from pult.work.models import Item, SignOff, Stage

CLIENT_FIELDS = (
    "id", "workspace", "name", "address", "source", "industry", "activity", "comments",
    "tags", "status", "manager", "next_contact_at", "archived_at", "created_at", "updated_at",
)  # fmt: skip
CONTACT_FIELDS = ("workspace", "client", "full_name", "position", "phones", "emails", "comments")
CONTRACT_FIELDS = (
    "id", "workspace", "client", "number", "signed_on", "valid_from", "valid_until", "amount",
    "comments", "created_at",
)  # fmt: skip
SIGNOFF_FIELDS = ("item", "stage", "user", "signer_name", "signed_at")
STAGES = demo.STAGES  # sales, finance, technical, expertise, state, archive
# Days between the steps of an order's life: sales terms, confirmation, payment, start,
# then the departments one by one, and the archive.
GAPS = ((1, 5), (1, 7), (2, 10), (0, 2), (3, 10), (5, 25), (5, 20), (2, 10), (0, 3))


@dataclass
class OrdersPeople:
    managers: list[Person]  # [0] is the benchmark's manager
    experts: list[Person]  # [0] is the benchmark's expert
    finance: Person
    dept3: Person
    dept4: Person
    director: Person


@dataclass
class ClientCard:
    pk: int
    name: str
    manager: Person
    contracts: list[tuple[int, Decimal]] = field(default_factory=list)


def _phone(rng: Any) -> str:
    return names.phone(rng)


def clients(ctx: Ctx, people: OrdersPeople, count: int) -> list[ClientCard]:
    """`count` client companies with 1–5 contact persons and 0–3 contracts each.

    The cards of the working clients (the first 70 %: contracts, orders) stay in memory
    for the orders: a few fields per client, not the rows."""
    rng, ws, sink = ctx.rng, ctx.workspace.pk, ctx.sink
    weights = list(itertools.accumulate(
        [4.0] + [rng.paretovariate(1.4) for _ in people.managers[1:]]
    ))  # fmt: skip
    working: list[ClientCard] = []
    ids = IdPool(sink, Client)
    contract_ids = IdPool(sink, Contract)
    per_year: dict[int, int] = {}
    rows: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    contracts: list[tuple[Any, ...]] = []
    span = ctx.end - ctx.start
    for n in range(count):
        pk = ids.take()
        name = text.FIRST_CLIENT if n == 0 else text.company_name(rng)
        manager = people.managers[rng.choices(range(len(people.managers)), cum_weights=weights)[0]]
        created = ctx.start - rng.randrange(0, 2 * span) + rng.randrange(0, span)
        industry = rng.choice(demo.INDUSTRIES)
        late = n >= count * 0.7
        refused = late and rng.random() < 0.35
        archived = late and not refused and rng.random() < 0.2
        next_contact = None
        if not refused and not archived and rng.random() < 0.2:
            local_day = ctx.end + rng.randrange(0, 10) * DAY
            next_contact = local_day + rng.randrange(10, 18) * HOUR + rng.choice((0, 1800))
        archived_at = ctx.end - rng.randrange(5, 200) * DAY if archived else None
        rows.append(
            (pk, ws, name, f"г. {rng.choice(names.CITIES)[0]}, {rng.choice(names.STREETS)}, "
             f"д. {rng.randrange(1, 150)}", rng.choice(demo.SOURCES), industry,
             demo.ACTIVITY[industry], rng.choice(("", "", "Решения принимает генеральный директор.", "Оплата по этапам.")),  # noqa: E501
             ", ".join(sorted(rng.sample(demo.TAGS, rng.choice((0, 1, 1, 2))))),
             ClientStatus.REFUSED.value if refused else ClientStatus.ACTIVE.value, manager.pk,
             aware(next_contact), aware(archived_at), aware(min(created, ctx.end - DAY)),
             aware(min(ctx.end - 60, max(created, archived_at or created) + DAY)))
        )  # fmt: skip
        card = ClientCard(pk, name, manager)
        domain = names.translit(name.split("«")[-1].rstrip("»").split()[0]) or "mail"
        for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 3))):
            first, family, patronymic, _female = names.person(rng)
            login = f"{names.translit(first)[:1]}.{names.translit(family)}"
            contacts.append(
                (ws, pk, f"{family} {first} {patronymic}", rng.choice(demo.POSITIONS),
                 ", ".join(_phone(rng) for _ in range(rng.choice((1, 1, 2)))),
                 f"{login}@{domain}.ru", rng.choice(("", "", "Звонить после 11:00.", "Предпочитает почту.")))  # noqa: E501
            )  # fmt: skip
        if not late or rng.random() < 0.3:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3)) if not late else 1):
                signed = min(ctx.end - DAY, ctx.start + rng.randrange(-span // 2, span))
                day = local_date(signed, ctx.offset)
                per_year[day.year] = per_year.get(day.year, 0) + 1
                amount = Decimal(rng.randrange(80, 5_000) * 1_000)
                cpk = contract_ids.take()
                contracts.append(
                    (cpk, ws, pk, f"C-{day.year}/{per_year[day.year]}", day, day,
                     date(day.year + rng.choice((1, 2, 3)), day.month, min(day.day, 28)),
                     amount, "", aware(signed))
                )  # fmt: skip
                card.contracts.append((cpk, amount))
            if not late:
                working.append(card)
        if len(rows) >= BATCH:
            _write_clients(ctx, rows, contacts, contracts)
            rows, contacts, contracts = [], [], []  # the written lists now belong to the sink
    _write_clients(ctx, rows, contacts, contracts)
    return working or [ClientCard(0, "", people.managers[0])]


def _write_clients(ctx: Ctx, rows: list[Any], contacts: list[Any], contracts: list[Any]) -> None:
    ctx.sink.write(Client, CLIENT_FIELDS, rows)
    ctx.sink.write(ContactPerson, CONTACT_FIELDS, contacts)
    ctx.sink.write(Contract, CONTRACT_FIELDS, contracts)


def _mix(rng: Any, age_days: float) -> tuple[str, int]:
    """(status, stages signed) of an order filed `age_days` ago: old ones are done."""
    roll = rng.random()
    table: tuple[tuple[str, int, float], ...]
    if age_days > 120:
        table = (
            ("archived", 6, 0.78),
            ("refused", 0, 0.1),
            ("refused", 1, 0.07),
            ("in_work", 4, 0.05),
        )
    elif age_days > 30:
        table = (
            ("archived", 6, 0.35),
            ("refused", 1, 0.15),
            ("in_work", 3, 0.35),
            ("confirmed", 2, 0.1),
            ("prospect", 1, 0.05),
        )
    else:
        table = (
            ("prospect", 0, 0.35),
            ("confirmed", 1, 0.2),
            ("in_work", 2, 0.3),
            ("refused", 0, 0.1),
            ("archived", 6, 0.05),
        )
    status, signed = table[-1][0], table[-1][1]
    for key, stages, share in table:
        if roll < share:
            status, signed = key, stages
            break
        roll -= share
    if status == "in_work":
        signed = rng.randrange(signed, 7)
    elif status == "confirmed":
        signed = rng.choice((1, 2))
    elif status == "prospect" and signed == 0 and rng.random() < 0.4:
        signed = 1
    return status, signed


class Orders:
    def __init__(self, ctx: Ctx, people: OrdersPeople, cards: list[ClientCard]) -> None:
        self.ctx, self.people, self.cards = ctx, people, cards
        self.pipe = Pipeline(ctx.workspace, "order")
        self.type = self.pipe.item_type
        self.stages = {s.key: s.pk for s in Stage.objects.filter(item_type=self.type)}
        rng = ctx.rng
        self.card_weights = list(itertools.accumulate(rng.paretovariate(1.3) for _ in cards))
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self._reset()

    def run(self, total: int) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        span = ctx.end - ctx.start
        moments = sorted(ctx.start + rng.randrange(0, span) for _ in range(total))
        # Sorted moments are the stream's order; at a million orders that is one list of
        # ints, the only per-order thing held in memory.
        for index, t0 in enumerate(moments):
            local = (t0 + ctx.offset) % DAY
            t0 = t0 - local + rng.randrange(9, 19) * HOUR + rng.randrange(0, HOUR)
            t0 = min(max(ctx.start, t0), ctx.end - 600)
            self._order(index, t0)
            if len(self.rows["items"]) >= BATCH:
                self._flush()
            if index % 256 == 0:
                # Filing moments move within their day (above), so only the days two
                # behind are complete. Events hold no foreign key to their item, so they
                # may go before the item's batch.
                ctx.events.flush_before(t0 - 2 * DAY)
        self._flush()
        ctx.events.flush()
        self.type.last_number = total
        self.type.save(update_fields=["last_number"])

    def _order(self, index: int, t0: int) -> None:
        ctx, rng, pipe, people = self.ctx, self.ctx.rng, self.pipe, self.people
        end, event = ctx.end, ctx.event
        pk = ctx.item_ids.take()
        number = index + 1
        ref = f"{self.type.number_prefix}-{number:05d}"
        card = self.cards[rng.choices(range(len(self.cards)), cum_weights=self.card_weights)[0]]
        manager = card.manager
        status, signed = _mix(rng, (end - t0) / DAY)
        contract, amount = (None, Decimal(300_000))
        if card.contracts and not (status == "prospect" and signed == 0 and rng.random() < 0.5):
            contract, amount = rng.choice(card.contracts)
        expert = rng.choice(people.experts)
        title = f"{rng.choice(demo.SUBJECTS)} — {card.name}"[:300]
        label = f"{ref} {title}"[:300]
        event(t0, manager.pk, "work.item_submitted", pk, label, {"reference": ref})
        # The steps' moments, squeezed into the time left before the end if need be.
        gaps = [rng.uniform(lo, hi) * DAY + rng.randrange(0, 8 * HOUR) for lo, hi in GAPS]
        room = (end - t0) * 0.95
        if sum(gaps) > room:
            gaps = [g * room / sum(gaps) for g in gaps]
        at = [int(a) for a in itertools.accumulate(gaps, initial=t0)][1:]
        values: dict[str, Any] = {}
        signoffs = self.rows["signoffs"]
        state, started, closed, last = "prospect", None, None, t0

        def sign(stage: int, moment: int) -> None:
            key = STAGES[stage]
            filler, signer, fields = self._stage(key, manager, expert, amount, moment)
            values.update(fields)
            if contract is not None and "payment_amount" in fields and amount:
                percent = Decimal(fields["payment_amount"]) / amount * 100
                values["contract_percent"] = str(percent.quantize(Decimal("0.01")))
            event(
                moment - HOUR,
                filler.pk,
                "work.fields_changed",
                pk,
                label,
                {"fields": sorted(fields)},
            )
            signoffs.append((pk, self.stages[key], signer.pk, signer.full_name, aware(moment)))
            event(moment, signer.pk, "work.stage_signed", pk, label,
                  {"stage": key, "stage_key": key, "signer": signer.full_name})  # fmt: skip

        def step(key: str, source: str, moment: int, comment: str = "") -> None:
            event(
                moment,
                manager.pk,
                "work.status_changed",
                pk,
                label,
                pipe.payload(key, source, comment),
            )

        if signed >= 1:
            sign(0, at[0])
            last = at[0]
        if status == "refused":
            if signed >= 1 and rng.random() < 0.5:
                step("confirm", "prospect", at[1])
                state, started, last = "confirmed", at[1], at[1]
            step("refuse", state, at[2], rng.choice(demo.REFUSALS))
            state, closed, last = "refused", at[2], at[2]
        elif status != "prospect":
            step("confirm", "prospect", at[1])
            state, started, last = "confirmed", at[1], at[1]
            if signed >= 2:
                sign(1, at[2])
                last = at[2]
            if status in ("in_work", "archived"):
                step("start", "confirmed", at[3])
                state, last = "in_work", at[3]
                for n in range(2, signed):
                    sign(n, at[n + 2])
                    last = at[n + 2]
                if status == "in_work" and signed < len(STAGES):
                    # The next department has begun: a first field filled in.
                    key = STAGES[signed]
                    filler, _signer, fields = self._stage(key, manager, expert, amount, last)
                    first = dict(list(fields.items())[:1])
                    values.update(first)
                    last = min(end - 60, last + HOUR)
                    event(
                        last, filler.pk, "work.fields_changed", pk, label, {"fields": sorted(first)}
                    )
                if status == "archived":
                    step("archive", "in_work", at[8])
                    state, closed, last = "archived", at[8], at[8]
        st = pipe.statuses[state]
        self.rows["items"].append(
            (pk, ctx.workspace.pk, self.type.pk, number, title, st.pk, st.category, st.queued,
             manager.pk, None, card.pk or None, contract, manager.pk, dumps(values), None, 1,
             aware(t0), aware(t0), None, None, aware(started), aware(closed), aware(t0),
             aware(last))
        )  # fmt: skip
        self.rows["watchers"].append((pk, manager.pk))
        count = message_count(rng)
        if count:
            voices: list[tuple[int, tuple[str, ...], bool]] = [
                (manager.pk, text.ORDER_MANAGER, False)
            ]
            if signed >= 3:
                voices.append((expert.pk, text.ORDER_EXPERT, False))
            write_chat(
                ctx,
                Chat(pk, ref, label, voices),
                count,
                t0 + 60,
                min(end, (closed or end) + 3 * DAY),
                self.rows["messages"],
                self.rows["reads"],
                (manager.pk,),
                all_read=st.category == "closed",
                public_readers=0,
            )

    def _stage(
        self, key: str, manager: Person, expert: Person, amount: Decimal, moment: int
    ) -> tuple[Person, Person, dict[str, Any]]:
        """(who fills the stage in, who signs it, what they fill in), by the preset's
        field rules; as the expertise-orders demo fills them."""
        rng, people = self.ctx.rng, self.people
        day = local_date(moment, self.ctx.offset)
        if key == "sales":
            fee = amount
            return manager, manager, {
                "payment_terms": rng.choice(("Аванс 30%, остаток после заключения", "100% предоплата", "50% аванс, 50% по акту")),  # noqa: E501
                "fee": str(fee),
                "subcontractor_amount": str((fee * Decimal("0.15")).quantize(Decimal(1))),
                "sales_comments": rng.choice(("Клиент просит уложиться в месяц.", "Повторный заказ, условия прежние.", "Документы клиент передаст курьером.")),  # noqa: E501
            }  # fmt: skip
        if key == "finance":
            share = Decimal(rng.choice((30, 50, 100)))
            return people.finance, people.finance, {
                "legal_entity": rng.choice(("ООО «Пульт-Эксперт»", "ООО «Пульт-Проект»")),
                "payment_amount": str((amount * share / 100).quantize(Decimal(1))),
                "payment_date": day.isoformat(),
                "payment_order_number": str(rng.randrange(1000, 9999)),
                "finance_comments": f"Оплачено {share}% суммы договора.",
                "act_issued": True,
                "act_signed": True,
                "original_received": True,
            }  # fmt: skip
        if key == "technical":
            return people.dept3, people.dept3, {
                "technical_spec": "Состав работ и перечень документов по договору; "
                "сроки — 20 рабочих дней с даты оплаты.",
                "spec_sent": True,
                "expert": expert.pk,
            }  # fmt: skip
        if key == "expertise":
            return expert, expert, {"documents_analysed": True, "expertise_done": True}
        if key == "state":
            return people.dept4, people.dept4, {
                "submitted_to_state": True, "expertise_approved": True, "work_completed": True,
            }  # fmt: skip
        until = date(day.year + 3, day.month, min(day.day, 28))
        return manager, manager, {
            "registration_date": day.isoformat(), "valid_until": until.isoformat(),
        }  # fmt: skip

    def _reset(self) -> None:
        self.rows = {k: [] for k in ("items", "watchers", "signoffs", "messages", "reads")}

    def _flush(self) -> None:
        sink, rows = self.ctx.sink, self.rows
        sink.write(Item, ITEM_FIELDS, rows["items"])
        sink.write(Item.watchers.through, LINK_FIELDS, rows["watchers"])
        sink.write(SignOff, SIGNOFF_FIELDS, rows["signoffs"])
        sink.write(Message, MESSAGE_FIELDS, rows["messages"])
        sink.write(MessageRead, READ_FIELDS, rows["reads"])
        self._reset()
