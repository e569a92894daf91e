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
    return describe_figures(summary) + "\n" + describe_logins(summary)


def describe_figures(summary: AnySummary) -> str:
    """What the demo made in the workspace, or that it was there already."""
    if not summary.created:
        return f"Demo data for {summary.workspace}: already there, nothing changed."
    statuses = ", ".join(f"{k} {v}" for k, v in summary.by_status.items())
    if isinstance(summary, OrdersDemoSummary):
        return (
            f"Demo data for {summary.workspace} in {summary.seconds:.1f} s: "
            f"{summary.clients} clients ({summary.contacts} contact persons, "
            f"{summary.reminders} calls planned), {summary.contracts} contracts, "
            f"{summary.items} orders ({statuses}); {summary.signoffs} sign-offs, "
            f"{summary.fully_signed} orders with every stage signed; {summary.events} events."
        )
    return (
        f"Demo data for {summary.workspace} in {summary.seconds:.1f} s: "
        f"{summary.brands} brands, {summary.outlets} outlets, "
        f"{summary.applicants} applicants, {summary.designers} designers, "
        f"{summary.items} requests ({statuses}); {summary.urgent_in_queue} urgent in "
        f"the queue, {summary.overdue_open} open past due; {summary.events} events."
    )


def describe_logins(summary: AnySummary) -> str:
    """The workspace's demo logins with their passwords."""
    lines = [f"Demo logins of the {summary.workspace} workspace:"]
    for login in summary.logins:
        lines.append(f"  {login.role:<19} {login.email:<22} {login.password}")
    if isinstance(summary, DemoSummary):
        example = f" (e.g. {summary.sample_applicant})" if summary.sample_applicant else ""
        lines.append(f"  any other applicant or designer: password {PEOPLE_PASSWORD}{example}")
    return "\n".join(lines)
