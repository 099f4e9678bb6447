"""The SQL twin: the query's result on SQLite equals the pandas result exactly."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest

from course_lib.rfm import assign_segments, default_segment_map, rescale_segment_map, rfm_scores, rfm_table
from course_lib.rfm_sql import SQL_DIALECTS, rfm_sql


def messy_lines(seed: int = 0, n_lines: int = 3_000, n_customers: int = 300) -> pd.DataFrame:
    """Order lines with what real exports have: guests, missing amounts, cancellations
    (amount 0), refunds (negative rows), several orders a day, many ties in frequency.
    Amounts are quarters of a euro, so every sum is exact whatever the order of addition."""
    rng = np.random.default_rng(seed)
    n_orders = n_lines // 3
    order_customer = rng.integers(1, n_customers + 1, n_orders).astype("float64")
    order_customer[rng.random(n_orders) < 0.08] = np.nan  # guest checkouts
    order_time = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200 * 24 * 60, n_orders), unit="min")
    line_order = np.sort(rng.integers(0, n_orders, n_lines))
    amount = rng.integers(4, 400, n_lines) / 4
    amount[rng.random(n_lines) < 0.05] = 0.0  # cancelled lines
    amount[rng.random(n_lines) < 0.03] *= -1  # refunds
    amount[rng.random(n_lines) < 0.01] = np.nan  # missing amounts
    return pd.DataFrame(
        {
            "order_id": line_order,
            "customer_id": pd.array(order_customer[line_order], dtype="Int64"),
            "ordered_at": order_time[line_order],
            "amount": amount,
        }
    )


def run_on_sqlite(lines: pd.DataFrame, sql: str) -> pd.DataFrame:
    stored = lines.assign(ordered_at=lines["ordered_at"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    with sqlite3.connect(":memory:") as connection:
        stored.to_sql("transactions", connection, index=False)
        result = pd.read_sql_query(sql, connection, index_col="customer_id")
    result.index = result.index.astype(lines["customer_id"].dtype)  # SQLite has no nullable ints
    return result


@pytest.mark.parametrize(
    "order, bins, ties, as_of",
    [
        ("order_id", 5, "first", None),
        (None, 5, "first", None),
        ("order_id", 3, "min", "2024-08-01"),
        (None, 7, "min", None),
        ("order_id", 10, "first", "2024-07-19"),
    ],
)
def test_sql_equals_pandas_exactly(order, bins, ties, as_of):
    lines = messy_lines()
    expected = rfm_scores(rfm_table(lines, order=order, as_of=as_of), bins=bins, ties=ties)
    result = run_on_sqlite(lines, rfm_sql(order=order, as_of=as_of, bins=bins, ties=ties))
    assert len(result) > 250
    pd.testing.assert_frame_equal(result, expected)


def test_sql_segments_equal_pandas_segments():
    lines = messy_lines(seed=1)
    segment_map = default_segment_map()
    expected = assign_segments(rfm_scores(rfm_table(lines, order="order_id")), segment_map=segment_map)
    result = run_on_sqlite(lines, rfm_sql(order="order_id", segment_map=segment_map))
    assert set(result["segment"]) > {"Champions", "Can't lose them", "Lost"}  # a quote in a name survives
    pd.testing.assert_series_equal(result["segment"], expected["segment"].astype("str"))


def test_sql_segments_with_a_rescaled_map_and_other():
    lines = messy_lines(seed=2)
    segment_map = rescale_segment_map(default_segment_map(), bins=4).iloc[:5]  # gaps: some customers are Other
    expected = assign_segments(rfm_scores(rfm_table(lines), bins=4), segment_map=segment_map, bins=4)
    result = run_on_sqlite(lines, rfm_sql(bins=4, segment_map=segment_map))
    assert "Other" in set(result["segment"])
    pd.testing.assert_series_equal(result["segment"], expected["segment"].astype("str"))


def test_dialects_differ_only_in_dates_division_and_quotes():
    queries = {dialect: rfm_sql(order="order_id", dialect=dialect) for dialect in SQL_DIALECTS}
    assert "julianday" in queries["sqlite"] and "date_diff" in queries["duckdb"] and "datediff" in queries["spark"]
    assert " // COUNT(*) OVER ()" in queries["duckdb"] and " DIV COUNT(*) OVER ()" in queries["spark"]
    assert "`customer_id`" in queries["spark"] and "NTILE" not in queries["sqlite"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"dialect": "mysql"}, ValueError, "'dialect' parameter of rfm_sql must be one of"),
        ({"ties": "dense"}, ValueError, "'ties' parameter of rfm_sql"),
        ({"bins": 1}, ValueError, "'bins' parameter of rfm_sql"),
        ({"customer": 'customer"id'}, ValueError, "'customer' parameter of rfm_sql"),
        ({"as_of": "01/08/2024"}, ValueError, "'as_of' parameter of rfm_sql must be a date written"),
        ({"as_of": 20240801}, TypeError, "'as_of' parameter of rfm_sql"),
        ({"segment_map": default_segment_map().assign(colour="green")}, ValueError, "unknown column"),
    ],
)
def test_rfm_sql_rejects_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        rfm_sql(**kwargs)
