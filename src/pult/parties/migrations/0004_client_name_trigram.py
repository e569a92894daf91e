"""PostgreSQL: a trigram index on client names serves the fuzzy client search.

Without the right to create pg_trgm, search falls back to substring matching.
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
        "CREATE INDEX IF NOT EXISTS client_name_trgm"
        " ON parties_client USING gin (name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS client_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0003_client_contactperson_contract_client_client_ws_name_and_more")
    ]

    operations = [migrations.RunPython(create, drop)]
