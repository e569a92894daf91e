"""Latency statistics: percentiles and one summary per scenario."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks
    (numpy's default, so figures compare with any other tool's); NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """Latencies of one measured run, in milliseconds, and its throughput."""

    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    rps: float


def summarise(latencies_ms: Sequence[float], wall_seconds: float, errors: int = 0) -> Summary:
    """Percentiles of the successful requests; rps counts them over the wall time of the
    whole measured run (all workers together), so it is throughput, not 1/latency."""
    return Summary(
        count=len(latencies_ms),
        errors=errors,
        p50_ms=percentile(latencies_ms, 50),
        p95_ms=percentile(latencies_ms, 95),
        p99_ms=percentile(latencies_ms, 99),
        max_ms=max(latencies_ms) if latencies_ms else math.nan,
        rps=len(latencies_ms) / wall_seconds if wall_seconds > 0 else math.nan,
    )
