"""The profile's time-zone picker: grouped by region with Russia's zones first; the
stored value is still the zone's name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from pult.accounts.forms import ProfileForm, time_zone_choices
from pult.accounts.models import TIME_ZONES
from tests.conftest import login
from tests.factories import make_workspace

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)


def test_zones_are_grouped_by_region_russia_first() -> None:
    groups = time_zone_choices(WINTER)
    names = [str(group) for group, _rows in groups]
    assert names[:4] == ["Russia", "Europe", "Asia", "America"]
    assert names[-1] == "Other"
    russia = dict(groups[0][1])
    assert russia["Europe/Moscow"] == "Moscow (UTC+03:00)"
    assert russia["Asia/Kamchatka"] == "Kamchatka (UTC+12:00)"
    assert list(russia)[:2] == ["Europe/Kaliningrad", "Europe/Moscow"]  # west to east
    europe = dict(groups[1][1])
    assert "Europe/Moscow" not in europe
    assert europe["Europe/Berlin"] == "Berlin (UTC+01:00)"
    assert dict(groups[3][1])["America/Argentina/Buenos_Aires"] == (
        "Argentina/Buenos Aires (UTC-03:00)"
    )
    # Every zone is offered exactly once, by its own name.
    values = [value for _group, rows in groups for value, _label in rows]
    assert len(values) == len(set(values)) == len(TIME_ZONES)
    assert set(values) == set(TIME_ZONES)


def test_the_form_takes_the_zone_name() -> None:
    form = ProfileForm({"full_name": "A", "time_zone": "Asia/Yekaterinburg"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["time_zone"] == "Asia/Yekaterinburg"
    assert not ProfileForm({"full_name": "A", "time_zone": "Mars/Base"}).is_valid()


@pytest.mark.django_db
def test_the_profile_page_shows_optgroups(client: Client) -> None:
    _workspace, admin = make_workspace()
    login(client, admin)
    html = client.get("/accounts/profile/").content.decode()
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S)
    assert select is not None
    groups = re.findall(r'<optgroup label="([^"]+)"', select.group(0))
    assert groups[0] == "Russia" and "Europe" in groups and len(groups) >= 10
    assert '<option value="Europe/Moscow" selected>Moscow (UTC+03:00)</option>' in select.group(0)
