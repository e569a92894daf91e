"""The design-desk fixture, shared with the work tests."""

from tests.work.conftest import desk  # noqa: F401
