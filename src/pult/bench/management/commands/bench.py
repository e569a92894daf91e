"""`pult bench [--scale N] [--concurrency C] [--json FILE]`: measure Pult the production way.

Checks that the database holds the seed of that scale (else runs `pult seed --scale N
--replace`), starts uvicorn with 2 workers and DEBUG off on loopback, and for every
scenario prints p50/p95/p99 latency, requests/s, SQL queries per request and the floor
(the same SQL alone), with the budgets of the issue marked ✓/✗. Budgets are reported,
never asserted: see pult.bench.report.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pult.bench import report, runner
from pult.bench import scenarios as scenario_defs
from pult.presets import seed_contract as contract


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # django-stubs: str only
        "Measure latency, throughput and SQL of the main pages, the API and the chat "
        "on seed data, against the performance budgets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("Seed scale: 1 ≈ 10,000 work items (default 1)."),
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help=_("Parallel clients per scenario (default 1)."),
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=200,
            help=_(
                "Timed requests per scenario (default 200; the chat sends at most 50 messages)."
            ),
        )
        parser.add_argument(
            "--sockets",
            type=int,
            default=report.CHAT_SOCKETS,
            help=_("Open WebSockets in the chat scenario (default 200)."),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=600.0,
            help=_("Time limit of the measurement in seconds (default 600); seeding is extra."),
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("REDIS_URL") or runner.DEFAULT_REDIS_URL,
            help=_("Redis for the server's channel layer (default: REDIS_URL, else %(url)s).")
            % {"url": runner.DEFAULT_REDIS_URL},
        )
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help=_("Measure the seed workspaces as they are; never run pult seed."),
        )
        parser.add_argument(
            "--floor-runs",
            type=int,
            default=5,
            help=_("Replays of the SQL for the floor; the best counts (default 5)."),
        )
        parser.add_argument(
            "--only",
            metavar="NAMES",
            default="",
            help=_("Measure only these scenarios, comma-separated (e.g. api_item_list,chat)."),
        )
        parser.add_argument("--json", metavar="FILE", help=_("Also write the results to FILE."))

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("concurrency", "requests", "sockets", "floor_runs"):
            if options[name] < 1:
                raise CommandError(_("--%(name)s must be at least 1.") % {"name": name})
        if options["scale"] <= 0 or options["timeout"] <= 0:
            raise CommandError(_("--scale and --timeout must be positive."))
        if not options["no_seed"]:
            self._ensure_seed(options["scale"])
        bench_options = runner.BenchOptions(
            scale=options["scale"],
            concurrency=options["concurrency"],
            requests=options["requests"],
            sockets=options["sockets"],
            timeout=options["timeout"],
            redis_url=options["redis_url"] or "",
            floor_runs=options["floor_runs"],
            only=tuple(name.strip() for name in options["only"].split(",") if name.strip()),
        )
        try:
            run = runner.run(bench_options, say=self.stdout.write)
        except scenario_defs.SeedMissing as error:
            raise CommandError(
                _("The seed data is incomplete: %(error)s") % {"error": error}
            ) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        self._print(run, options["scale"])
        if options["json"]:
            data = report.bench_json(run.results, run.budgets, run.meta)
            Path(options["json"]).write_text(json.dumps(data, ensure_ascii=False, indent=2))
            self.stdout.write(_("Results written to %(file)s") % {"file": options["json"]})
        if run.timed_out:
            raise CommandError(_("The time limit was reached; the figures above are partial."))

    def _ensure_seed(self, scale: float) -> None:
        count = scenario_defs.seed_item_count()
        if scenario_defs.seed_matches(count, scale):
            return
        if "seed" not in get_commands():
            raise CommandError(
                _(
                    "The database holds no seed of scale %(scale)s and `pult seed` is not "
                    "available; seed it or pass --no-seed."
                )
                % {"scale": f"{scale:g}"}
            )
        self.stdout.write(
            _("Seeding scale %(scale)s (found %(found)s work items, want about %(want)s)…")
            % {
                "scale": f"{scale:g}",
                "found": count if count is not None else 0,
                "want": int(scale * contract.ITEMS_PER_SCALE),
            }
        )
        started = time.monotonic()
        call_command("seed", "--scale", f"{scale:g}", "--replace", stdout=self.stdout)
        self.stdout.write(_("Seeded in %(s).0f s.") % {"s": time.monotonic() - started})

    def _print(self, run: runner.BenchRun, scale: float) -> None:
        meta = run.meta
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _(
                    "Pult bench — scale %(scale)s (%(items)s seed items), %(requests)s "
                    "requests per scenario, concurrency %(concurrency)s"
                )
                % {
                    "scale": f"{scale:g}",
                    "items": meta.get("seed_items"),
                    "requests": meta["requests"],
                    "concurrency": meta["concurrency"],
                }
            )
        )
        self.stdout.write(report.format_table(run.results, run.budgets))
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _("Budgets (set for scale %(scale)s):") % {"scale": report.BUDGET_SCALE}
            )
        )
        self.stdout.write(report.format_budgets(run.budgets))
        errors = report.format_errors(run.results)
        if errors:
            self.stdout.write(self.style.WARNING(_("Errors:")))
            self.stdout.write(errors)
        for warning in run.warnings:
            self.stdout.write(self.style.WARNING(warning))
        chat = next((r for r in run.results if r.kind == report.CHAT and r.summary), None)
        if chat is not None:
            self.stdout.write(
                _("Chat fan-out to all %(n)s sockets: p50 %(p50)s ms, p95 %(p95)s ms.")
                % {
                    "n": chat.extra.get("sockets"),
                    "p50": chat.extra.get("fanout_p50_ms"),
                    "p95": chat.extra.get("fanout_p95_ms"),
                }
            )
        self.stdout.write(
            _("Load average at start: %(load)s on %(cpus)s CPUs.")
            % {"load": " ".join(str(x) for x in meta["load_average"]), "cpus": meta["cpus"]}
        )
        start, end = meta["cpu_reference_ms"]
        self.stdout.write(
            _(
                "Machine speed: a fixed loop of plain Python took %(start)s ms at the start "
                "and %(end)s ms at the end (lower is faster; compare runs by it)."
            )
            % {"start": start, "end": end}
        )
