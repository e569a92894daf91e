"""The parties work is done for: brands and their outlets, and who belongs to them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Brand(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="brand_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Outlet(models.Model):
    """A franchise point: brand, city and its number in the network."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("brand")
    )
    city = models.CharField(_("city"), max_length=120)
    number = models.CharField(_("outlet number"), max_length=30)
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    franchisee = models.CharField(_("franchisee"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="outlets", verbose_name=_("applicants")
    )

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["city", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "brand", "number"], name="outlet_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "city"], name="outlet_ws_city")]

    def __str__(self) -> str:
        return f"{self.brand.name} · {self.city} · №{self.number}"


class SpecialistProfile(models.Model):
    """What automatic assignment needs to know of a specialist in a workspace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist_profiles"
    )
    # Lower-case skill keys separated by commas, e.g. "poster,menu,web".
    skills = models.CharField(_("skills"), max_length=500, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=5, help_text=_("How many requests at once, at most.")
    )
    absent_from = models.DateField(_("absent from"), null=True, blank=True)
    absent_until = models.DateField(_("absent until"), null=True, blank=True)

    class Meta:
        verbose_name = _("specialist profile")
        verbose_name_plural = _("specialist profiles")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="specialist_profile_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.workspace_id}"

    def is_absent_on(self, day: datetime.date) -> bool:
        """Away that day: from `absent_from` until `absent_until` (open-ended if empty)."""
        if self.absent_from is None or day < self.absent_from:
            return False
        return self.absent_until is None or day <= self.absent_until

    @property
    def skill_list(self) -> list[str]:
        return [s for s in (x.strip() for x in self.skills.split(",")) if s]


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refused")


class Client(models.Model):
    """A client company (P2): its card, contacts and contracts; archived, never deleted."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("company name"), max_length=300)
    address = models.CharField(_("address"), max_length=500, blank=True)
    source = models.CharField(_("where they heard of us"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    activity = models.TextField(_("what the company does"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("manager"),
    )
    next_contact_at = models.DateTimeField(_("next contact"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["workspace", "archived_at", "name"], name="client_ws_name"),
            models.Index(fields=["workspace", "manager"], name="client_ws_manager"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactPerson(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phones = models.CharField(_("phones"), max_length=300, blank=True)
    emails = models.CharField(_("e-mails"), max_length=300, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    # Newsletters skip a contact who unsubscribed (kept, so the choice survives imports).
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Contract(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=100)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    amount = models.DecimalField(
        _("contract sum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint("workspace", Lower("number"), name="contract_unique_number"),
        ]
        indexes = [models.Index(fields=["workspace", "valid_until"], name="contract_ws_until")]

    def __str__(self) -> str:
        return self.number
