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


class StageOutOfOrder(TransitionBlocked):
    """A sign-off was refused: the pipeline signs its stages in order and the earlier
    stages named in `missing` are not signed yet."""

    code = "stage_out_of_order"

    def __init__(self, missing: list[str]):
        super().__init__(missing)
        self.message = _("Sign %(stages)s first.") % {"stages": quoted(missing)}
        self.args = (self.message,)


class StageSignedLater(TransitionBlocked):
    """A withdrawal was refused: in a pipeline signed in order, the later stages named in
    `missing` are still signed (they were signed on top of this one)."""

    code = "stage_signed_later"

    def __init__(self, missing: list[str]):
        super().__init__(missing)
        self.message = _("First withdraw the sign-offs of the later stages: %(stages)s.") % {
            "stages": quoted(missing)
        }
        self.args = (self.message,)


class ItemClosed(DomainError):
    """The item is in a closed status: nothing in it changes until a step reopens it."""

    code = "item_closed"


def quoted(names: list[str]) -> str:
    """Stage names as a sentence lists them: “Dept 1 · Sales”, “Dept 2 · Finance”."""
    return ", ".join(_("“%(name)s”") % {"name": name} for name in names)


class QueueEmpty(DomainError):
    code = "queue_empty"
