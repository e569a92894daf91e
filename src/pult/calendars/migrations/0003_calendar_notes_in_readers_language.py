"""Days the production calendar brought carried their note in the language of whoever
loaded it (English for the demo); the note is now shown per kind in the reader's
language, so the stored default notes are cleared. Notes people typed stay."""

from django.db import migrations

DEFAULT_NOTES = {
    "Public holiday or day off",
    "Working day in exchange for a day off",
    "Day before a public holiday",
    "Праздник или выходной",
    "Рабочий день в счёт перенесённого выходного",
    "Предпраздничный день",
}


def clear_default_notes(apps, schema_editor):  # type: ignore[no-untyped-def]
    CalendarException = apps.get_model("calendars", "CalendarException")
    CalendarException.objects.filter(note__in=DEFAULT_NOTES).update(note="")


class Migration(migrations.Migration):
    dependencies = [("calendars", "0002_calendarfeed_reminder")]

    operations = [migrations.RunPython(clear_default_notes, migrations.RunPython.noop)]
