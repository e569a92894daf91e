"""Lead times at the page's resolution: the buckets, their SQL twin, the median."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import translation

from pult.reports import leadtime, rollup
from pult.reports.templatetags.reports_format import lead_time

H, D = 3600, 86400


@pytest.mark.parametrize(
    ("lead", "seconds"),
    [
        (timedelta(hours=36), 36 * H),
        (timedelta(hours=10, minutes=7), 101 * 360),  # 10.1 h
        (timedelta(hours=25, minutes=33), 256 * 360),  # 25.55 h: halves go up, 25.6 h
        (timedelta(hours=25, minutes=32, seconds=59), 255 * 360),
        (timedelta(minutes=2, seconds=59), 0),
        (timedelta(minutes=3), 360),
        (timedelta(hours=47, minutes=56), 479 * 360),  # 47.9 h: still in hours
        (timedelta(hours=47, minutes=57), 20 * 8640),  # 47.95 h: the nearest tenth is 48.0
        (timedelta(days=2), 20 * 8640),  # 2.0 days
        (timedelta(days=3, hours=5), 32 * 8640),  # 3.21 days: 3.2 days
        (timedelta(days=3, hours=6), 33 * 8640),  # 3.25 days: 3.3 days
        (timedelta(days=40, minutes=1), 400 * 8640),
        (timedelta(seconds=-1), 0),
        (timedelta(minutes=-4), -360),
    ],
)
def test_a_bucket_is_the_figure_the_page_shows(lead: timedelta, seconds: int) -> None:
    assert leadtime.bucket(lead) == seconds


@pytest.mark.parametrize(
    ("lead", "shown"),
    [
        (timedelta(hours=10, minutes=7), "10.1 h"),
        (timedelta(hours=47, minutes=56), "47.9 h"),
        (timedelta(hours=47, minutes=57), "2.0 days"),
        (timedelta(days=3, hours=5), "3.2 days"),  # not 3.1 (3.1999… truncated)
        (timedelta(hours=76, minutes=48), "3.2 days"),
        (timedelta(days=2, hours=4, minutes=48), "2.2 days"),
        (timedelta(hours=43, minutes=27), "43.5 h"),  # 43.45 h, a median between two
    ],
)
def test_the_page_shows_the_representative(lead: timedelta, shown: str) -> None:
    with translation.override("en"):
        assert lead_time(lead) == shown
        assert lead_time(timedelta(seconds=leadtime.bucket(lead))) == shown


def _leads() -> list[timedelta]:
    """Boundaries of buckets (± a microsecond) and random times up to a year."""
    rng = random.Random(7)
    out = [timedelta(microseconds=rng.randrange(-(10**9), 365 * D * 10**6)) for _ in range(400)]
    for k in (0, 1, 2, 99, 100, 478, 479, 480):
        edge = timedelta(seconds=k * 360 + 180)
        out += [edge - timedelta(microseconds=1), edge, edge + timedelta(microseconds=1)]
    for k in (19, 20, 21, 32, 400):
        edge = timedelta(seconds=k * 8640 + 4320)
        out += [edge - timedelta(microseconds=1), edge, edge + timedelta(microseconds=1)]
    days_from = timedelta(seconds=leadtime.DAYS_FROM)
    out += [days_from - timedelta(microseconds=1), days_from]
    return out


@pytest.mark.django_db
def test_the_sql_twin_gives_the_same_buckets() -> None:
    assert connection.vendor == "postgresql"
    leads = _leads()
    sql = "SELECT {} FROM unnest(%s::interval[]) WITH ORDINALITY AS t(lead, n) ORDER BY n"
    sql = sql.format(leadtime.bucket_sql("EXTRACT(EPOCH FROM lead)"))
    with connection.cursor() as cursor:
        cursor.execute(sql, [leads])
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == [leadtime.bucket(lead) for lead in leads]


@pytest.mark.django_db
def test_bands_are_width_bucket_in_sql() -> None:
    values = sorted({leadtime.bucket(lead) for lead in _leads()} | set(rollup.BAND_EDGES))
    values += [e - 360 for e in rollup.BAND_EDGES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT width_bucket(v, %s::bigint[]) FROM unnest(%s::bigint[]) WITH ORDINALITY "
            "AS t(v, n) ORDER BY n",
            [list(rollup.BAND_EDGES), values],
        )
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == [rollup.band(v) for v in values]
    assert list(rollup.BAND_EDGES) == sorted(set(rollup.BAND_EDGES))


def test_band_counts_unpack_sums_of_packed_counts() -> None:
    counts = [0] * rollup.BANDS_COUNT
    packed = 0
    for b in (0, 3, 3, 17, rollup.BANDS_COUNT - 1):
        counts[b] += 1
        packed += 10 ** (rollup.BAND_DIGITS * b)
    assert rollup.band_counts(packed) == counts
    assert rollup.band_counts(packed * 1000) == [n * 1000 for n in counts]
    low, high = rollup.band_range(3, 17)
    assert low == rollup.BAND_EDGES[2] and high == rollup.BAND_EDGES[17]
    assert rollup.band(low) == 3 and rollup.band(high - 360) == 17 and rollup.band(high) == 18


def test_the_median_is_percentile_cont_of_the_representatives() -> None:
    assert leadtime.median([]) is None
    assert leadtime.median([(100, 1)]) == timedelta(seconds=100)
    # An even count: the mean of the two middle values.
    assert leadtime.median([(36360, 1), (276480, 1)]) == timedelta(hours=43.45)
    assert leadtime.median([(360, 2), (720, 2)]) == timedelta(seconds=540)
    # Order and repeated values do not matter.
    assert leadtime.median([(720, 1), (360, 1), (720, 1)]) == timedelta(seconds=720)
    values = [random.Random(3).randrange(0, 500) * 360 for _ in range(101)]
    histogram = [(v, 1) for v in values]
    assert leadtime.median(histogram) == timedelta(seconds=sorted(values)[50])
    middle = sorted(values[:100])[49:51]
    assert leadtime.median(histogram[:100]) == timedelta(seconds=sum(middle) / 2)


def test_a_part_of_the_histogram_around_the_middle_will_do() -> None:
    values = sorted(random.Random(5).randrange(0, 500) * 360 for _ in range(40))
    whole = leadtime.median([(v, 1) for v in values])
    part = [(v, 1) for v in values[15:25]]
    assert leadtime.median(part, below=15, total=40) == whole
    with pytest.raises(ValueError, match="middle"):
        leadtime.median(part, below=22, total=40)
