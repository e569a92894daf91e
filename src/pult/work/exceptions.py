"""Domain errors of the work engine, mapped once to forms and HTTP."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pult.core.exceptions import DomainError


class TransitionBlocked(DomainError):
    """A move was refused; `missing` names exactly what it needs."""

    code = "transition_blocked"

    def __init__(self, missing: list[str], field_errors: dict[str, list[str]] | None = None):
        super().__init__(
            _("This step needs: %(missing)s.") % {"missing": "; ".join(missing)},
            field_errors=field_errors,
        )
        self.missing = missing


class StageIncomplete(TransitionBlocked):
    """A sign-off was refused: the stage's required fields named in `missing` are empty."""

    code = "stage_incomplete"

    def __init__(
        self, stage: str, missing: list[str], field_errors: dict[str, list[str]] | None = None
    ):
        super().__init__(missing, field_errors)
        self.message = _("To sign off “%(stage)s”, fill in: %(missing)s.") % {
            "stage": stage,
            "missing": ", ".join(missing),
        }
        self.args = (self.message,)


class QueueEmpty(DomainError):
    code = "queue_empty"
