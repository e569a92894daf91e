"""Roles are data: a named set of permission codes, per workspace."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="roles"
    )
    name = models.CharField(_("name"), max_length=120)
    # The Russian name of a role a preset brought ("Менеджер"); shown on Russian pages.
    # `name` stays the role's key for presets and the API.
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        constraints = [models.UniqueConstraint("workspace", Lower("name"), name="role_unique_name")]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """The name in the reader's language."""
        if self.name_ru and (translation.get_language() or "").startswith("ru"):
            return self.name_ru
        return self.name


class RolePermission(models.Model):
    """One ticked cell of the role × permission matrix; codes come from the catalogue."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="grants")
    code = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "code"], name="role_permission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role_id}:{self.code}"
