"""The permission catalogue: every code the product checks, declared in code.

Each domain app lists its codes in `<app>/permissions.py` as PERMISSIONS; which roles
hold them is data (RolePermission rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class Permission:
    code: str
    label: str | Promise
    help: str | Promise = ""


@dataclass(frozen=True)
class PermissionGroup:
    app_label: str
    title: str | Promise
    permissions: tuple[Permission, ...]


@cache
def permission_groups() -> tuple[PermissionGroup, ...]:
    groups = []
    for config in apps.get_app_configs():
        if not config.name.startswith("pult."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        groups.append(PermissionGroup(config.label, config.verbose_name, tuple(module.PERMISSIONS)))
    return tuple(groups)


@cache
def all_codes() -> frozenset[str]:
    return frozenset(p.code for group in permission_groups() for p in group.permissions)
