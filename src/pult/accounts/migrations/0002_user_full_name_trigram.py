"""PostgreSQL: a trigram index on people's names serves the request list's find box by
the requester's name (`full_name ILIKE '%…%'` in `work.filters.text_match`).

Built CONCURRENTLY (so the migration is not atomic): the user table of a hosted
installation is big, and a plain CREATE INDEX would block sign-ins while it runs.
Without the right to create pg_trgm, search falls back to a scan of the names.
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
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS user_full_name_trgm"
        " ON accounts_user USING gin (full_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS user_full_name_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
