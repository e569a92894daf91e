"""An item's chat as CSV, streamed row by row (constant memory)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pult.chat.models import Message
from pult.core.text import spreadsheet_cell
from pult.work.exports import _Echo


def chat_csv_response(rows: Iterable[Message], *, filename: str) -> StreamingHttpResponse:
    # Header and zone are fixed now, in the request's language and time zone: the body is
    # generated after the view has returned.
    header = [_("Written"), _("Author"), _("Internal note"), _("Message"), _("Files")]
    zone = timezone.get_current_timezone()
    yes = _("Yes")
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
        yield writer.writerow([spreadsheet_cell(cell) for cell in header])
        for message in rows:
            cells = [
                timezone.localtime(message.created_at, zone).strftime("%Y-%m-%d %H:%M"),
                message.author.full_name,
                yes if message.internal else "",
                message.body,
                ", ".join(f.original_name for f in message.attachments.all()),
            ]
            yield writer.writerow([spreadsheet_cell(cell) for cell in cells])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
