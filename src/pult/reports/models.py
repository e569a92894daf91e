"""Statistics rollups: counts per day kept in step with the items (see `rollup`)."""

from __future__ import annotations

from django.db import models


class StatsCell(models.Model):
    """Counts of one kind of work on one day for one group; maintained by `rollup`.

    kind: "o" flows by outlet (brand `ka`, city `kb`; 0 and "" without an outlet),
    "a" done per assignee (`ka`), "s" filed per current status (`ka`), "O" and "A"
    open now by outlet and by assignee, where `day` is the due day (NO_DUE: none),
    "h" and "p" done with lead time `lead` (all items; per assignee `ka`): histograms
    of lead times at the page's resolution (`leadtime`), `lead` 0 for the other kinds.
    Flows are dated by the day (in the rollup's zone) the item was filed, done or
    started. Rows are only ever changed by adding deltas (INSERT … ON CONFLICT).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    item_type = models.ForeignKey("work.ItemType", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=1)
    day = models.DateField()
    ka = models.BigIntegerField(default=0)
    kb = models.CharField(max_length=120, default="", blank=True)
    lead = models.BigIntegerField(default=0)  # seconds: a `leadtime.bucket` representative
    filed = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    done_late = models.IntegerField(default=0)
    done_with_due = models.IntegerField(default=0)
    started_with_start = models.IntegerField(default=0)
    started_on_time = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    # "a" rows: their items per lead-time band, packed (`rollup.band_counts` unpacks).
    lead_bands = models.DecimalField(max_digits=490, decimal_places=0, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "item_type", "kind", "day", "ka", "kb", "lead"],
                name="statscell_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.ka} {self.kb}"


class StatsReady(models.Model):
    """The workspace's rollup is complete (built by `pult stats_rebuild`, then kept in
    step by the work services); without it the page computes live."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    time_zone = models.CharField(max_length=64)
    rebuilt_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.time_zone}"
