"""Analytics exports (issue 17, point 4): the statuses' rows or the daily rows of a period as
CSV or Parquet. Parquet is written with pyarrow (docs/decisions.md): typed columns a
spreadsheet, pandas, DuckDB or Polars read without guessing."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

STATUS_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", pa.string()),
    ("created_at", pa.string()),
    ("visibility", pa.string()),
    ("url", pa.string()),
    ("impressions", pa.int64()),
    ("reach", pa.int64()),
    ("favourites", pa.int64()),
    ("reblogs", pa.int64()),
    ("replies", pa.int64()),
    ("quotes", pa.int64()),
    ("engagements", pa.int64()),
    ("bookmarks", pa.int64()),
)
DAILY_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("day", pa.string()),
    ("posts", pa.int64()),
    ("impressions", pa.int64()),
    ("reach", pa.int64()),
    ("favourites", pa.int64()),
    ("reblogs", pa.int64()),
    ("replies", pa.int64()),
    ("quotes", pa.int64()),
    ("engagements", pa.int64()),
    ("bookmarks", pa.int64()),
    ("followers_gained", pa.int64()),
    ("followers_lost", pa.int64()),
    ("profile_visits", pa.int64()),
)


def as_csv(columns: Sequence[tuple[str, Any]], rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    for row in rows:
        writer.writerow(["" if row[name] is None else row[name] for name, _ in columns])
    return out.getvalue().encode("utf-8")


def as_parquet(columns: Sequence[tuple[str, Any]], rows: Sequence[dict[str, Any]]) -> bytes:
    schema = pa.schema(list(columns))
    table = pa.Table.from_pylist([dict(row) for row in rows], schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
