"""PostgreSQL: a trigram index on the request's task texts (values ->> 'texts'), so the
list's find box (`trgm_icontains`) is served by indexes on every branch it searches.

Without the right to create pg_trgm, search falls back to a plain scan.
"""

from django.db import DatabaseError, migrations, transaction


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS item_texts_trgm"
        " ON work_item USING gin ((values ->> 'texts') gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS item_texts_trgm")


class Migration(migrations.Migration):
    dependencies = [("work", "0006_visibilitygrant")]

    operations = [migrations.RunPython(create, drop)]
