"""Demo-data generators of the presets, by preset name, and how commands report them."""

from __future__ import annotations

from collections.abc import Callable

from pult.presets.demo_design_desk import PEOPLE_PASSWORD, DemoSummary, design_desk_demo
from pult.presets.demo_expertise_orders import OrdersDemoSummary, expertise_orders_demo

AnySummary = DemoSummary | OrdersDemoSummary
DemoGenerator = Callable[..., AnySummary]

DEMOS: dict[str, DemoGenerator] = {
    "design-desk": design_desk_demo,
    "expertise-orders": expertise_orders_demo,
}


def describe_demo(summary: AnySummary) -> str:
    """The demo's figures and logins as the commands print them (plain English)."""
    if isinstance(summary, OrdersDemoSummary):
        return _describe_orders(summary)
    lines = []
    if summary.created:
        statuses = ", ".join(f"{k} {v}" for k, v in summary.by_status.items())
        lines.append(
            f"Demo data for {summary.workspace} in {summary.seconds:.1f} s: "
            f"{summary.brands} brands, {summary.outlets} outlets, "
            f"{summary.applicants} applicants, {summary.designers} designers, "
            f"{summary.items} requests ({statuses}); {summary.urgent_in_queue} urgent in "
            f"the queue, {summary.overdue_open} open past due; {summary.events} events."
        )
    else:
        lines.append(f"Demo data for {summary.workspace}: already there, nothing changed.")
    lines.append(f"Demo logins of the {summary.workspace} workspace:")
    for login in summary.logins:
        lines.append(f"  {login.role:<19} {login.email:<22} {login.password}")
    example = f" (e.g. {summary.sample_applicant})" if summary.sample_applicant else ""
    lines.append(f"  any other applicant or designer: password {PEOPLE_PASSWORD}{example}")
    return "\n".join(lines)


def _describe_orders(summary: OrdersDemoSummary) -> str:
    lines = []
    if summary.created:
        statuses = ", ".join(f"{k} {v}" for k, v in summary.by_status.items())
        lines.append(
            f"Demo data for {summary.workspace} in {summary.seconds:.1f} s: "
            f"{summary.clients} clients ({summary.contacts} contact persons, "
            f"{summary.reminders} calls planned), {summary.contracts} contracts, "
            f"{summary.items} orders ({statuses}); {summary.signoffs} sign-offs, "
            f"{summary.fully_signed} orders with every stage signed; {summary.events} events."
        )
    else:
        lines.append(f"Demo data for {summary.workspace}: already there, nothing changed.")
    lines.append(f"Demo logins of the {summary.workspace} workspace:")
    for login in summary.logins:
        lines.append(f"  {login.role:<19} {login.email:<22} {login.password}")
    return "\n".join(lines)
