"""`pult seed --scale N [--seed S] [--replace] [--quiet]`: data to measure Pult on.

Creates the workspaces and logins of `presets.seed_contract` filled with deterministic,
realistic data (see presets/seed.py); refuses when they exist unless --replace.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pult.core.exceptions import DomainError
from pult.presets import seed_contract as contract
from pult.presets.seed import seed_delete, seed_exists, seed_run


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property: argparse needs a real string, translated when the parser is made.
        return _(
            "Fill the seed workspaces with deterministic, realistic data for benchmarks "
            "(scale 1 ≈ 10,000 work items)."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            required=True,
            help=_("Size: 1 ≈ 10,000 work items, 100 ≈ 1,000,000; fractions work."),
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed (default 1)."))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("Delete the seed workspaces and logins first, if they exist."),
        )
        parser.add_argument("--quiet", action="store_true", help=_("No progress bar."))

    def handle(self, *args: Any, **options: Any) -> None:
        scale: float = options["scale"]
        if not 0 < scale <= 1_000:
            raise CommandError(_("--scale must be above 0 and at most 1000."))
        if options["replace"] and seed_exists():
            rows = seed_delete()
            self.stderr.write(
                _("Deleted the seed workspaces: %(rows)s rows.") % {"rows": f"{rows:,}"}
            )
        elif options["replace"]:
            seed_delete()  # seeded logins left behind by an interrupted run
        try:
            summary = seed_run(
                scale=scale,
                seed=options["seed"],
                progress=not options["quiet"] and options["verbosity"] > 0,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        width = max(len(label) for label in summary.counts)
        for label, count in sorted(summary.counts.items()):
            self.stdout.write(f"  {label:<{width}} {count:>12,}")
        self.stdout.write(
            _(
                "Seeded %(desk)s and %(orders)s (scale %(scale)s, seed %(seed)s): "
                "%(rows)s rows in %(seconds).1f s, %(rate)s rows/s."
            )
            % {
                "desk": contract.DESK_SLUG,
                "orders": contract.ORDERS_SLUG,
                "scale": f"{scale:g}",
                "seed": options["seed"],
                "rows": f"{summary.total:,}",
                "seconds": summary.seconds,
                "rate": f"{summary.rate:,.0f}",
            }
        )
