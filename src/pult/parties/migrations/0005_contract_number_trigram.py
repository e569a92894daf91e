"""PostgreSQL: a trigram index on contract numbers serves the order search by contract
number (a substring such as "2026/7" finds "C-2026/7").

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
        "CREATE INDEX IF NOT EXISTS contract_number_trgm"
        " ON parties_contract USING gin (number gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS contract_number_trgm")


class Migration(migrations.Migration):
    dependencies = [("parties", "0004_client_name_trigram")]

    operations = [migrations.RunPython(create, drop)]
