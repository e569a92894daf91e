from django.db import migrations

# The counts of the statistics page (`fast._SQL`), read from this index alone (an
# index-only scan once VACUUM has marked the pages all-visible): the rows of the counted
# kinds are spread over the heap, about one page a row, and 30k heap visits were most
# of the statement's time. The histograms ("h", "p") have their own indexes (0002).
COUNTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS reports_statscell_counts ON reports_statscell "
    "(workspace_id, item_type_id, kind, day) "
    "INCLUDE (ka, kb, filed, done, done_late, done_with_due, started_with_start, "
    "started_on_time, open, lead_bands) "
    "WHERE kind IN ('o', 'O', 's', 'a', 'A')"
)


def _index_counts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COUNTS_INDEX)


def _drop_index_counts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reports_statscell_counts")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_statscell_lead_histogram"),
    ]

    operations = [
        migrations.RunPython(_index_counts, _drop_index_counts),
    ]
