"""Thin views: filters → selectors → charts and tables, or the same figures as CSV."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pult.core.http import WorkspaceRequest
from pult.core.text import spreadsheet_cell
from pult.core.views import permission_required, section_required
from pult.reports import charts, live, selectors
from pult.reports.figures import (
    GroupRow,
    Share,
    SpecialistRow,
    SpecialistTable,
    Statistics,
    WeekRow,
    specialist_order,
)
from pult.reports.forms import StatisticsFilterForm
from pult.reports.permissions import VIEW_STATISTICS


def _week_label(row: WeekRow) -> str:
    """Day and month in the locale's own words: "Jan. 6", "6 января".

    Taken from DATE_FORMAT without the year, because Django's Russian MONTH_DAY_FORMAT
    puts the month in the nominative ("6 Январь").
    """
    day_month = re.sub(r"[,\s]*Y(\s*г\.)?", "", str(formats.get_format("DATE_FORMAT")))
    return formats.date_format(row.week_start, day_month.strip(" ,") or "SHORT_DATE_FORMAT")


def _charts(stats: Statistics) -> dict[str, str]:
    weeks = charts.grouped_bars(
        categories=[_week_label(w) for w in stats.weeks],
        series=[
            charts.Series(_("Filed"), "primary", [w.filed for w in stats.weeks]),
            charts.Series(_("Done"), "success", [w.done for w in stats.weeks]),
        ],
        label=_("Items filed and done per week"),
    )
    statuses = charts.horizontal_bars(
        bars=[charts.Bar(s.status.name, s.count, s.status.colour) for s in stats.statuses],
        label=_("Items filed in the period, by current status"),
    )
    return {"weeks": weeks, "statuses": statuses}


# The per-specialist table's columns: (order key, heading, a figure: largest first).
_SPECIALIST_COLUMNS = (
    ("name", _lazy("Specialist"), False),
    ("done", _lazy("Done in the period"), True),
    ("open", _lazy("Open now"), True),
    ("median", _lazy("Median lead time"), True),
    ("overdue", _lazy("Overdue"), True),
)


def _specialist_headings(query: dict[str, str], table: SpecialistTable) -> list[dict[str, Any]]:
    """Each heading's link orders the table by its column, from the first page: the
    other way round when it already does, else A–Z for names and largest first for
    figures. `aria_sort` tells a screen reader the current order."""
    headings = []
    for column, label, figure in _SPECIALIST_COLUMNS:
        current = table.column == column
        if current:
            order = column if table.descending else f"-{column}"
        else:
            order = f"-{column}" if figure else column
        headings.append(
            {
                "column": column,
                "label": label,
                "figure": figure,
                "href": "?" + urlencode({**query, "sort": order}),
                "aria_sort": ("descending" if table.descending else "ascending") if current else "",
            }
        )
    return headings


def _specialist_table(request: WorkspaceRequest) -> SpecialistTable:
    return SpecialistTable.parse(request.GET.get("sort"), request.GET.get("page"))


@section_required("statistics")
@permission_required(VIEW_STATISTICS)
def statistics(request: WorkspaceRequest) -> HttpResponse:
    form = StatisticsFilterForm(request.GET, workspace=request.workspace)
    context: dict[str, Any] = {"form": form, "stats": None}
    if not form.is_valid():
        return render(request, "reports/statistics.html", context, status=400)
    filters = form.filters()
    stats = selectors.statistics_get(
        actor=request.user,
        workspace=request.workspace,
        filters=filters,
        table=_specialist_table(request),
    )
    query = form.query()
    table = stats.specialist_table
    sorted_query = {**query, "sort": table.order}
    context.update(
        stats=stats,
        filters=filters,
        charts=_charts(stats),
        specialist_headings=_specialist_headings(query, table),
        previous_page=urlencode({**sorted_query, "page": str(table.page - 1)})
        if table.page > 1
        else "",
        next_page=urlencode({**sorted_query, "page": str(table.page + 1)})
        if table.page < stats.specialist_pages
        else "",
        export_specialists=urlencode({**sorted_query, "table": "specialists"}),
        export_brands=urlencode({**query, "table": "brands"}),
        export_cities=urlencode({**query, "table": "cities"}),
    )
    return render(request, "reports/statistics.html", context)


# --- CSV export -------------------------------------------------------------------------


def _cell(value: object) -> object:
    return spreadsheet_cell(value) if isinstance(value, str) else value


def _hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"


def _ratio(share: Share) -> str:
    return "" if share.ratio is None else f"{share.ratio * 100:.1f}"


def _specialist_rows(rows: Sequence[SpecialistRow]) -> Iterable[list[object]]:
    yield [
        _("Specialist"),
        _("Done in the period"),
        _("Open now"),
        _("Median lead time, hours"),
        _("Overdue"),
        _("Overdue, %"),
    ]
    for r in rows:
        yield [r.name, r.done, r.open_now, _hours(r.median_lead), r.overdue.part, _ratio(r.overdue)]


def _group_rows(title: str, empty: str) -> Callable[[Sequence[GroupRow]], Iterable[list[object]]]:
    def rows(groups: Sequence[GroupRow]) -> Iterable[list[object]]:
        yield [title, _("Filed"), _("Done"), _("Overdue")]
        for g in groups:
            yield [g.label or empty, g.filed, g.done, g.overdue]

    return rows


@section_required("statistics")
@permission_required(VIEW_STATISTICS)
def statistics_export(request: WorkspaceRequest) -> HttpResponse:
    """A table of the statistics page as CSV, through the same filters and selectors."""
    table = request.GET.get("table", "")
    form = StatisticsFilterForm(request.GET, workspace=request.workspace)
    if table not in ("specialists", "brands", "cities") or not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        if table not in ("specialists", "brands", "cities"):
            problems.insert(0, _("Unknown table."))
        return HttpResponse(
            "\n".join(problems), status=400, content_type="text/plain; charset=utf-8"
        )
    filters = form.filters()
    scope: dict[str, Any] = {
        "actor": request.user,
        "workspace": request.workspace,
        "filters": filters,
    }
    lines: Iterable[list[object]]
    if table == "specialists":
        rows = live.specialist_stats(**scope)
        lines = _specialist_rows(specialist_order(rows, _specialist_table(request).order))
    elif table == "brands":
        lines = _group_rows(_("Brand"), _("No outlet"))(selectors.brand_stats(**scope))
    else:
        lines = _group_rows(_("City"), _("No outlet"))(selectors.city_stats(**scope))
    period = filters.period
    name = f"{table}-{period.date_from.isoformat()}-{period.date_to.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    # A byte-order mark, so spreadsheet programs read the Cyrillic right.
    response.write("\ufeff")
    writer = csv.writer(response)
    for line in lines:
        writer.writerow([_cell(v) for v in line])
    return response
