"""What `pult seed` promises to create and `pult bench` relies on: the workspaces and the
people a benchmark logs in as. Data beyond these names is deterministic but unnamed."""

from __future__ import annotations

DESK_SLUG = "seed-desk"  # preset design-desk: requests, outlets, applicants, materials
ORDERS_SLUG = "seed-orders"  # preset expertise-orders: clients, contracts, staged orders

# Every seeded person shares this password; a seeded database is for measuring, not for use.
PASSWORD = "seed-bench-2026"  # noqa: S105

DESK_HEAD = "head@seed.pult"  # marketing head of the design desk: queue, statistics
DESK_DESIGNER = "designer-1@seed.pult"
DESK_APPLICANT = "applicant-1@seed.pult"  # has open requests in the queue (track list)
ORDERS_MANAGER = "manager-1@seed.pult"  # manages orders and clients
ORDERS_EXPERT = "expert-1@seed.pult"

# Items per unit of scale: scale 1 ≈ 10,000 work items, scale 100 ≈ 1,000,000.
ITEMS_PER_SCALE = 10_000
