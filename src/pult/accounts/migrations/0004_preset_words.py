"""Workspaces made before F-WORDS get their preset's words and sections, and whoever may
edit roles may now edit the workspace's words.

The values are copied here rather than read from presets/data/*.json: a migration is a
snapshot (the kernel must not import presets, and a later edit of a preset file must
not change what this migration did). Workspaces without a known preset keep the neutral
words and every section ([] means all).

The new permission `accounts.configure_workspace` goes to every role that holds
`access.manage_roles`: such a role could grant it to itself anyway, so nobody's power
grows, and each workspace keeps someone who can edit its words.
"""

from django.db import migrations

DESK_FILES = (
    "Pictures, PDF, office documents and layout sources (PSD, AI, EPS, CDR, INDD).",
    "Изображения, PDF, офисные документы и исходники макетов (PSD, AI, EPS, CDR, INDD).",
)

PRESETS = {
    "design-desk": {
        "name": ("Design desk", "Дизайн-бюро"),
        "words": {
            "item": ("Request", "Заявка"),
            "items": ("Requests", "Заявки"),
            "my_items": ("My requests", "Мои заявки"),
            "new_item": ("New request", "Новая заявка"),
            "requester": ("Applicant", "Заявитель"),
            "requesters": ("Applicants", "Заявители"),
            "specialist": ("Designer", "Дизайнер"),
            "specialists": ("Designers", "Дизайнеры"),
            "place": ("Outlet", "Точка"),
            "places": ("Outlets", "Точки"),
            "source_files": ("Source files", "Исходные файлы"),
            "result_files": ("Results", "Результаты"),
            "files_hint": DESK_FILES,
        },
        "sections": [
            "track",
            "new_item",
            "queue",
            "archive",
            "items",
            "places",
            "specialists",
            "materials",
            "kb",
            "agenda",
            "statistics",
            "activity",
        ],
    },
    "expertise-orders": {
        "name": ("Expertise orders", "Заказы на экспертизу"),
        "words": {
            "item": ("Order", "Заказ"),
            "items": ("Orders", "Заказы"),
            "my_items": ("My orders", "Мои заказы"),
            "new_item": ("New order", "Новый заказ"),
            "requester": ("Author", "Автор"),
            "requesters": ("Authors", "Авторы"),
            "specialist": ("Expert", "Эксперт"),
            "specialists": ("Experts", "Эксперты"),
            "source_files": ("Working files", "Рабочие файлы"),
            "result_files": ("Conclusions", "Заключения"),
            "files_hint": (
                "Office documents, PDF, scans and pictures.",
                "Офисные документы, PDF, сканы и изображения.",
            ),
        },
        "sections": ["items", "clients", "newsletters", "agenda", "statistics", "activity"],
    },
}

CONFIGURE = "accounts.configure_workspace"


def fill(apps, schema_editor):
    Workspace = apps.get_model("accounts", "Workspace")
    RolePermission = apps.get_model("access", "RolePermission")
    for workspace in Workspace.objects.filter(preset__in=PRESETS):
        if workspace.words or workspace.sections:
            continue  # already set (a preset loaded by the new code)
        preset = PRESETS[workspace.preset]
        words = {key: {"en": en, "ru": ru} for key, (en, ru) in preset["words"].items()}
        en, ru = preset["name"]
        if workspace.name == en:  # not renamed by the operator: the name in both languages
            words["workspace_name"] = {"en": en, "ru": ru}
        workspace.words = words
        workspace.sections = list(preset["sections"])
        workspace.save(update_fields=["words", "sections"])
    holders = RolePermission.objects.filter(code="access.manage_roles").values_list(
        "role_id", flat=True
    )
    have = set(RolePermission.objects.filter(code=CONFIGURE).values_list("role_id", flat=True))
    RolePermission.objects.bulk_create(
        [
            RolePermission(role_id=role_id, code=CONFIGURE)
            for role_id in holders
            if role_id not in have
        ]
    )


def unfill(apps, schema_editor):
    # The words and sections go with their columns when 0003 is reversed.
    apps.get_model("access", "RolePermission").objects.filter(code=CONFIGURE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_workspace_words_sections"),
        ("access", "0002_initial"),
    ]

    operations = [migrations.RunPython(fill, unfill)]
