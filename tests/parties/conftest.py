"""The design desk of tests/work, with the marketing head allowed to manage parties."""

from __future__ import annotations

import pytest

from pult.access.models import Role, RolePermission
from pult.access.policies import forget_permissions
from pult.parties.permissions import MANAGE
from tests.parties.clients_fixtures import base  # noqa: F401
from tests.work.conftest import Desk, desk  # noqa: F401


@pytest.fixture
def parties_desk(desk: Desk) -> Desk:  # noqa: F811
    """`desk`, with `parties.manage` in the "Marketing head" role (a no-op once the
    preset grants it)."""
    role = Role.objects.get(workspace=desk.workspace, name="Marketing head")
    RolePermission.objects.get_or_create(role=role, code=MANAGE)
    forget_permissions(desk.head)
    return desk
