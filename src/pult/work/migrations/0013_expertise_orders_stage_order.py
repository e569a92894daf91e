"""Expertise-orders workspaces loaded before their stages were signed in order (issue 13).

A preset is loaded into a workspace as rows, so the change of the preset's data is made
here for the workspaces that have it: the order type (key "order" with the stages
sales, finance, technical, expertise, state, archive) becomes sequential; its archive
step needs every stage signed (the guard `all_stages_signed` instead of the two stages
it listed); and "act issued", "act signed by the client" and "original contract
received" move from Dept 2's stage to the archive stage, which they are required for
(seed 002): Dept 2 signs once the payment is in, the acts come at the end of the work.
Their field rules move with them, so Dept 2 still fills them in.
"""

import uuid

from django.db import migrations

STAGE_KEYS = {"sales", "finance", "technical", "expertise", "state", "archive"}
ACT_FIELDS = ("act_issued", "act_signed", "original_received")
ACT_HELP = (
    "Filled in by Dept 2; required for the archive",
    "Заполняет отдел 2; обязательно для перевода в архив",
)
GUARD = "all_stages_signed"


def _order_types(apps):  # type: ignore[no-untyped-def]
    ItemType = apps.get_model("work", "ItemType")
    Stage = apps.get_model("work", "Stage")
    for item_type in ItemType.objects.filter(key="order"):
        stages = {s.key: s for s in Stage.objects.filter(item_type=item_type)}
        if set(stages) == STAGE_KEYS:
            yield item_type, stages


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    FieldDef = apps.get_model("work", "FieldDef")
    FieldRule = apps.get_model("work", "FieldRule")
    Transition = apps.get_model("work", "Transition")
    for item_type, stages in _order_types(apps):
        finance, archive = stages["finance"], stages["archive"]
        acts = FieldDef.objects.filter(item_type=item_type, key__in=ACT_FIELDS, stage=finance)
        FieldRule.objects.filter(field__in=acts, stage=finance).update(stage=archive)
        acts.filter(help_en="").update(help_en=ACT_HELP[0], help_ru=ACT_HELP[1])
        acts.update(stage=archive)
        for step in Transition.objects.filter(item_type=item_type, to_status__key="archived"):
            if GUARD not in step.guards:
                step.guards = [*step.guards, GUARD]
            step.requires_stages = []  # the guard names every unsigned stage
            step.save(update_fields=["guards", "requires_stages"])
        # A new version: every process reloads its copy of the pipeline.
        item_type.sequential_stages = True
        item_type.pipeline_version = uuid.uuid4()
        item_type.save(update_fields=["sequential_stages", "pipeline_version"])


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    FieldDef = apps.get_model("work", "FieldDef")
    FieldRule = apps.get_model("work", "FieldRule")
    Transition = apps.get_model("work", "Transition")
    for item_type, stages in _order_types(apps):
        finance, archive = stages["finance"], stages["archive"]
        acts = FieldDef.objects.filter(item_type=item_type, key__in=ACT_FIELDS, stage=archive)
        FieldRule.objects.filter(field__in=acts, stage=archive).update(stage=finance)
        acts.filter(help_en=ACT_HELP[0]).update(help_en="", help_ru="")
        acts.update(stage=finance)
        for step in Transition.objects.filter(item_type=item_type, to_status__key="archived"):
            step.guards = [g for g in step.guards if g != GUARD]
            step.requires_stages = ["finance", "archive"]
            step.save(update_fields=["guards", "requires_stages"])
        item_type.pipeline_version = uuid.uuid4()
        item_type.save(update_fields=["pipeline_version"])


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0012_itemtype_sequential_stages"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
