"""Person fields offer the people of chosen roles (issue 13): FieldDef.roles.

Expertise-orders workspaces loaded before it get the preset's new restriction: the
order's "expert" field offers the members holding the role "Expert" (the preset's data
says so for workspaces loaded from now on).
"""

import uuid

from django.db import migrations, models


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    FieldDef = apps.get_model("work", "FieldDef")
    Role = apps.get_model("access", "Role")
    ItemType = apps.get_model("work", "ItemType")
    fields = FieldDef.objects.filter(
        item_type__key="order",
        item_type__workspace__preset="expertise-orders",
        key="expert",
        kind="user",
    ).select_related("item_type")
    for field in fields:
        expert = Role.objects.filter(workspace_id=field.item_type.workspace_id, name="Expert")
        if expert.exists() and not field.roles.exists():
            field.roles.set(expert)
            # A new version: every process reloads its copy of the pipeline.
            ItemType.objects.filter(pk=field.item_type_id).update(pipeline_version=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_initial"),
        ("work", "0013_expertise_orders_stage_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="fielddef",
            name="roles",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="access.role", verbose_name="people of the roles"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
