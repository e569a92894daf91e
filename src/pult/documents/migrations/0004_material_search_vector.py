"""PostgreSQL: a GIN index on the materials' full-text vector, the very expression
`selectors._search` matches (`SearchVector("search_text", config="russian")`), so word
forms are found without computing every material's vector per search."""

from django.db import migrations

EXPRESSION = "to_tsvector('russian'::regconfig, COALESCE(search_text, ''))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS material_search_vector"
            f" ON documents_material USING gin (({EXPRESSION}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS material_search_vector")


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_document_versions")]

    operations = [migrations.RunPython(create, drop)]
