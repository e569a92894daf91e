"""A workspace with a client manager, a read-only manager, an outsider and a second
workspace, for the client base tests (pages, services and API)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pult.accounts.models import User, Workspace
from pult.parties.permissions import MANAGE_CLIENTS, VIEW_CLIENTS
from tests.factories import make_member, make_workspace


@dataclass
class Base:
    workspace: Workspace
    manager: User  # view + manage
    viewer: User  # view only
    outsider: User  # a member without client permissions
    other_workspace: Workspace
    other_manager: User


@pytest.fixture
def base(db: None) -> Base:
    workspace, _admin = make_workspace("Expertise")
    other, _other_admin = make_workspace("Other")
    return Base(
        workspace=workspace,
        manager=make_member(workspace, [VIEW_CLIENTS, MANAGE_CLIENTS], full_name="Мария Менеджер"),
        viewer=make_member(workspace, [VIEW_CLIENTS], full_name="Виктор Читатель"),
        outsider=make_member(workspace, [], full_name="Outsider Person"),
        other_workspace=other,
        other_manager=make_member(other, [VIEW_CLIENTS, MANAGE_CLIENTS]),
    )
