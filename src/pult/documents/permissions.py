from django.utils.translation import gettext_lazy as _

from pult.access.catalogue import Permission

MANAGE_KNOWLEDGE = "documents.manage_knowledge"
MANAGE_MATERIALS = "documents.manage_materials"

PERMISSIONS = [
    Permission(MANAGE_KNOWLEDGE, _("Write and edit knowledge-base articles")),
    Permission(
        MANAGE_MATERIALS, _("Upload and remove ready materials, create material categories")
    ),
]
