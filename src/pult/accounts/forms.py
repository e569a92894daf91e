"""Forms of the accounts pages: parse input, the services decide."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pult.access.models import Role
from pult.accounts.models import TIME_ZONES, Department, Workspace
from pult.accounts.vocabulary import (
    MAX_WORD,
    SECTION_KEYS,
    SECTIONS,
    WORD_KEYS,
    WORDS,
    WordDef,
    words_for,
)
from pult.core.forms import Form


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail or password is wrong. Both are case-sensitive for the password."
        ),
        "inactive": _("This account is disabled."),
    }


# The zones of Russia (IANA zone.tab, country RU), west to east: offered first.
RUSSIAN_TIME_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Kirov", "Europe/Volgograd",
    "Europe/Astrakhan", "Europe/Saratov", "Europe/Ulyanovsk", "Europe/Samara",
    "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Barnaul", "Asia/Tomsk",
    "Asia/Novokuznetsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk",
    "Asia/Khandyga", "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan", "Asia/Sakhalin",
    "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr",
)  # fmt: skip
# The regions of the other zones (the part of the name before "/"), in this order;
# the rest (Etc/…, and old names like US/…) go to "Other".
TIME_ZONE_REGIONS = {
    "Europe": _("Europe"),
    "Asia": _("Asia"),
    "America": _("America"),
    "Africa": _("Africa"),
    "Australia": _("Australia"),
    "Pacific": _("Pacific Ocean"),
    "Atlantic": _("Atlantic Ocean"),
    "Indian": _("Indian Ocean"),
    "Antarctica": _("Antarctica"),
}


def _utc_offset(name: str, now: datetime.datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def time_zone_choices(now: datetime.datetime | None = None) -> list[tuple[Any, Any]]:
    """The ~550 time zones grouped by region for a select (optgroups), Russia's first,
    each labelled with its place and its UTC offset today: "Moscow (UTC+03:00)". The
    values are the zone names, as stored."""
    now = now or timezone.now()

    def label(name: str, place: str) -> str:
        return f"{place.replace('_', ' ')} ({_utc_offset(name, now)})"

    russian = [z for z in RUSSIAN_TIME_ZONES if z in TIME_ZONES]
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in TIME_ZONE_REGIONS}
    other: list[tuple[str, str]] = []
    for name in sorted(TIME_ZONES - set(russian)):
        region, _slash, place = name.partition("/")
        if region in groups:
            groups[region].append((name, label(name, place)))
        else:
            other.append((name, label(name, name)))
    return [
        (_("Russia"), [(name, label(name, name.partition("/")[2])) for name in russian]),
        *((TIME_ZONE_REGIONS[region], rows) for region, rows in groups.items() if rows),
        (_("Other"), other),
    ]


class ProfileForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    locale = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As in the browser"))] + [(c, n) for c, n in settings.LANGUAGES],
    )
    # Grouped by region, Russia's first (see time_zone_choices); set per form, so that
    # the offsets shown are today's.
    time_zone = forms.ChoiceField(label=_("Time zone"))
    avatar = forms.FileField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WebP, up to 2 MB.")
    )
    remove_avatar = forms.BooleanField(label=_("Remove the photo"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = time_zone_choices()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        allowed = set("0123456789+-() ")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 5):
            raise forms.ValidationError(_("Enter a phone number, e.g. +7 912 345-67-89."))
        return phone


class _DepartmentAndRolesForm(Form):
    """Department and roles offered from the current workspace only."""

    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["roles"].queryset = Role.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class MemberAddForm(_DepartmentAndRolesForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to let the person set it through “Forgot password”."),
    )
    field_order = ["full_name", "email", "phone", "position", "department", "roles", "password"]


class MemberEditForm(_DepartmentAndRolesForm):
    is_active = forms.BooleanField(label=_("Has access to this workspace"), required=False)


class DepartmentForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class WorkspaceForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_("Latin letters, digits and hyphens; made from the name if empty."),
    )


class WorkspaceWordsForm(Form):
    """The workspace's words (an English and a Russian input per catalogue word) and the
    sections its menu shows. Empty words fall back to the neutral defaults."""

    sections = forms.MultipleChoiceField(
        label=_("Sections the menu shows"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        words = words_for(workspace)
        initial = {
            f"{key}_{code}": (workspace.words.get(key) or {}).get(code, "")
            for key in WORD_KEYS
            for code, _name in settings.LANGUAGES
        }
        initial["sections"] = list(workspace.sections or SECTION_KEYS)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.word_rows: list[tuple[WordDef, list[Any]]] = []
        for word in WORDS:
            names = []
            for code, language in settings.LANGUAGES:
                name = f"{word.key}_{code}"
                self.fields[name] = forms.CharField(
                    label=format_lazy("{} — {}", word.label, language),
                    max_length=MAX_WORD,
                    required=False,
                    widget=forms.TextInput(
                        attrs={
                            "class": "input",
                            "placeholder": getattr(word, code, "") or workspace.name,
                        }
                    ),
                )
                names.append(name)
            self.word_rows.append((word, names))
        self.fields["sections"].choices = [  # type: ignore[attr-defined]
            (s.key, words[s.word] if s.word else s.label) for s in SECTIONS
        ]
        # The section list last, after the words it is named by.
        self.order_fields([n for _w, names in self.word_rows for n in names] + ["sections"])

    def word_fields(self) -> list[tuple[WordDef, list[forms.BoundField]]]:
        return [(word, [self[name] for name in names]) for word, names in self.word_rows]

    def words(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            word.key: {
                code: data.get(f"{word.key}_{code}", "") for code, _name in settings.LANGUAGES
            }
            for word in WORDS
        }


class ResetForm(PasswordResetForm):
    """Password reset through the durable outbox rather than a direct SMTP call."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader
        from django.utils.crypto import get_random_string

        from pult.notifications.services import email_enqueue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(
            to=to_email,
            subject=subject,
            body_text=body,
            dedupe_key=f"password-reset:{context['uid']}:{get_random_string(16)}",
        )
