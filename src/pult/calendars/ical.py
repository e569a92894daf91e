"""A minimal iCalendar (RFC 5545) writer for the agenda feed: VEVENTs with a stable
UID, times in UTC, escaped text and lines folded at 75 octets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from pult.calendars.agenda import Entry

# A timed entry is shown as a short event; the feed has no durations of its own.
TIMED_LENGTH = timedelta(minutes=30)


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (RFC 5545 3.1), never
    splitting a UTF-8 character; continuation lines start with one space."""
    chunks: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            chunks.append(current)
            # The leading space of a continuation line counts towards its 75.
            current, size, limit = "", 0, 74
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def calendar_text(
    entries: Iterable[Entry], *, name: str, domain: str, base_url: str, now: datetime
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pult//Agenda//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid}@{domain}",
            f"DTSTAMP:{_utc(now)}",
        ]
        if entry.at is not None:
            lines += [f"DTSTART:{_utc(entry.at)}", f"DTEND:{_utc(entry.at + TIMED_LENGTH)}"]
        else:
            lines += [
                f"DTSTART;VALUE=DATE:{_date(entry.day)}",
                f"DTEND;VALUE=DATE:{_date(entry.day + timedelta(days=1))}",
            ]
        lines.append(f"SUMMARY:{escape_text(entry.title)}")
        if entry.url:
            lines.append(f"URL:{base_url}{entry.url}")
        lines.append(f"CATEGORIES:{entry.kind.upper()}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
