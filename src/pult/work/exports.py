"""CSV and XLSX of a filtered item list, streamed row by row (constant memory)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.accounts.vocabulary import Words, words_for
from pult.core.text import spreadsheet_cell
from pult.work.models import FieldDef, FieldMode, Item
from pult.work.values import export_value


def _header(fields: list[FieldDef], words: Words) -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Urgent"),
        words.requester,  # the workspace's own words, as on the list page
        words.place,
        _("City"),
        _("Brand"),
        _("Assignees"),
        _("Submitted"),
        _("Start by"),
        _("Due"),
        _("Closed"),
        *[f.name for f in fields],
    ]


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _row(item: Item, fields: list[FieldDef], modes: dict[str, str]) -> list[str]:
    outlet = item.outlet
    return [
        item.reference,
        item.title,
        item.status.name,
        _("Yes") if item.urgent_at else "",
        item.requester.full_name,
        outlet.number if outlet else "",
        outlet.city if outlet else "",
        outlet.brand.name if outlet else "",
        ", ".join(u.full_name for u in item.assignees.all()),
        _when(item.submitted_at),
        _when(item.start_at),
        _when(item.due_at),
        _when(item.closed_at),
        *[
            "" if modes.get(f.key) == FieldMode.HIDDEN else export_value(f, item.values.get(f.key))
            for f in fields
        ],
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


Rows = Iterable[tuple[Item, dict[str, str]]]  # each item with the reader's field policy


def csv_response(
    rows: Rows, fields: list[FieldDef], *, filename: str, words: Words | None = None
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    words = words or words_for(None)

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
        yield writer.writerow([spreadsheet_cell(cell) for cell in _header(fields, words)])
        for item, modes in rows:
            yield writer.writerow([spreadsheet_cell(cell) for cell in _row(item, fields, modes)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    rows: Rows, fields: list[FieldDef], *, filename: str, words: Words | None = None
) -> HttpResponse:
    from openpyxl import Workbook

    words = words or words_for(None)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(words.items[:31])
    sheet.append([spreadsheet_cell(cell) for cell in _header(fields, words)])
    for item, modes in rows:
        sheet.append([spreadsheet_cell(cell) for cell in _row(item, fields, modes)])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    book.save(response)
    return response
