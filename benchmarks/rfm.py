"""Benchmark: the RFM table on two shapes of 1,000,000 order lines (100,000 customers, two years).

Run with ``.venv/bin/python benchmarks/rfm.py [--lines N] [--customers K] [--seed S]``.

The two shapes, generated here with numpy (seeded):

* **orders** - the course's schema: about three lines per order, guest orders
  without a customer id, cancelled and refunded lines, a few lines without a
  price; ``rfm_table(lines, order="order_id")``;
* **customer-days** - one line per customer and day (no two lines share an
  order or a day), the shape of many real exports where most of the work is
  the grouping itself; ``rfm_table(lines)``.

Contenders, on the same frame, three times each; the best CPU time of this
process counts, so other work on a shared machine does not:

* ``rfm_table`` (its engine on this size) and its readable pandas path (what
  lesson 03 teaches; ``rfm_table`` uses it below 50,000 rows); ``clv_summary``
  (plain pandas at every size: an engine path saved 0.07-0.2 s per million
  lines, measured on 2 December 2026, and was not kept);
* DuckDB, one SQL query computing the same table from the same pandas frame
  (one thread; CPU time counts every thread anyway);
* lifetimes' ``summary_data_from_transaction_data`` and pymc-marketing's
  ``rfm_summary`` when they are installed (they are not course dependencies:
  a line says when one is skipped), on the purchase lines of customers (their
  documented input). ``clv_summary`` gives their table; checked first.

Every contender's table is checked equal to ``rfm_table``'s (or to
``clv_summary``'s) before it is timed. Goal: on both shapes, ``rfm_table`` at
least 3x faster than both libraries and within 2x of DuckDB.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from collections.abc import Callable
from unittest import mock

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal says

import numpy as np
import pandas as pd

from course_lib import rfm
from course_lib.rfm import clv_summary, order_values, rfm_table

GOALS = {"lifetimes": 3.0, "pymc-marketing": 3.0, "DuckDB": 0.5}  # minimum (their time / ours)


def generate_order_lines(n_lines: int, *, n_customers: int, seed: int) -> pd.DataFrame:
    """`n_lines` order lines over two years, in the course's schema, with what real exports have."""
    rng = np.random.default_rng(seed)
    n_orders = max(n_lines // 3, 1)
    # Every customer orders at least once; beyond that some order much more than others.
    appetite = rng.gamma(1.5, 1.0, n_customers)
    repeat_orders = rng.choice(n_customers, max(n_orders - n_customers, 0), p=appetite / appetite.sum())
    order_customer = rng.permutation(np.concatenate([np.arange(n_customers), repeat_orders]))[:n_orders] + 1
    customer = pd.array(order_customer, dtype="Int64")
    customer[rng.random(n_orders) < 0.05] = pd.NA  # guest checkouts
    seconds = rng.integers(0, 730 * 24 * 3600, n_orders)
    line_order = np.sort(rng.integers(0, n_orders, n_lines))
    status = rng.choice(np.array(["delivered", "cancelled", "refunded"]), n_orders, p=[0.92, 0.05, 0.03])
    unit_price = rng.choice(np.array([3.5, 6.0, 9.5, 11.0, 12.5, 14.0]), n_lines)
    unit_price[rng.random(n_lines) < 0.001] = np.nan  # a price lost in the export
    return pd.DataFrame(
        {
            "order_id": line_order + 1,
            "customer_id": customer[line_order],
            "ordered_at": pd.Timestamp("2023-01-01") + pd.to_timedelta(seconds[line_order], unit="s"),
            "channel": rng.choice(np.array(["web", "app", "phone"]), n_orders, p=[0.45, 0.45, 0.1])[line_order],
            "quantity": rng.integers(1, 4, n_lines),
            "unit_price": unit_price,
            "discount": np.where(rng.random(n_lines) < 0.1, 2.0, 0.0),
            "status": status[line_order],
        }
    )


def generate_customer_days(n_lines: int, *, n_customers: int, seed: int) -> pd.DataFrame:
    """`n_lines` purchases, one per customer and day (distinct pairs), over two years, in random order."""
    rng = np.random.default_rng(seed)
    n_days = 730
    if n_lines > n_customers * n_days:
        raise ValueError(f"At most {n_customers * n_days:,} distinct customer-days; asked for {n_lines:,}.")
    pairs = np.unique(rng.integers(0, n_customers * n_days, int(n_lines * 1.05)))
    pairs = rng.permutation(rng.permutation(pairs)[:n_lines])
    seconds = (pairs % n_days) * 86_400 + rng.integers(0, 86_400, len(pairs))
    return pd.DataFrame(
        {
            "customer_id": pairs // n_days + 1,
            "ordered_at": pd.Timestamp("2023-01-01") + pd.to_timedelta(seconds, unit="s"),
            "amount": rng.choice(np.array([8.5, 12.0, 19.5, 24.0, 31.5, 46.0]), len(pairs)),
        }
    )


def best_cpu_seconds(function: Callable[[], object], *, repeat: int = 3) -> float:
    """The shortest CPU time of this process over `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def rfm_table_in_pandas(lines: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    """rfm_table through its readable pandas path, whatever the size."""
    with mock.patch.object(rfm, "_ENGINE_FROM_ROWS", 10**18):
        return rfm_table(lines, **kwargs)


def duckdb_rfm_table(lines: pd.DataFrame, *, order: str | None) -> Callable[[], pd.DataFrame] | None:
    """The same RFM table as one DuckDB query on the pandas frame, or None without duckdb."""
    if importlib.util.find_spec("duckdb") is None:
        print("duckdb is not installed: skipped")
        return None
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET threads = 1")
    connection.register("lines", lines)
    snapshot = (lines["ordered_at"].max().normalize() + pd.Timedelta(days=1)).date()
    occasion = "order_id" if order is not None else "CAST(ordered_at AS DATE)"
    not_missing = "customer_id IS NOT NULL AND ordered_at IS NOT NULL AND amount IS NOT NULL" + (
        " AND order_id IS NOT NULL" if order is not None else ""
    )
    query = f"""
        WITH occasions AS (
            SELECT customer_id, MIN(CAST(ordered_at AS DATE)) AS day, SUM(amount) AS net
            FROM lines WHERE {not_missing}
            GROUP BY customer_id, {occasion}
        )
        SELECT customer_id,
               DATE '{snapshot}' - MAX(day) FILTER (WHERE net > 0) AS recency,
               COUNT(*) FILTER (WHERE net > 0) AS frequency,
               SUM(net) AS monetary,
               SUM(net) / COUNT(*) FILTER (WHERE net > 0) AS mean_order_value,
               DATE '{snapshot}' - MIN(day) FILTER (WHERE net > 0) AS tenure
        FROM occasions
        GROUP BY customer_id
        HAVING COUNT(*) FILTER (WHERE net > 0) > 0
        ORDER BY customer_id
    """

    def run() -> pd.DataFrame:
        return connection.execute(query).df().set_index("customer_id")

    return run


def library_contenders(lines: pd.DataFrame) -> dict[str, Callable[[], object]]:
    """lifetimes and pymc-marketing, when installed, on the purchase lines of customers.

    Both libraries count every row as a purchase, so they get the lines with a
    customer id and an amount above 0 (their documented input). On those rows
    their summary must equal :func:`course_lib.rfm.clv_summary`'s: checked here.
    """
    rows = lines.loc[lines["customer_id"].notna() & (lines["amount"] > 0), ["customer_id", "ordered_at", "amount"]]
    rows = rows.astype({"customer_id": "int64"})
    ours = clv_summary(rows)
    contenders: dict[str, Callable[[], object]] = {}
    if importlib.util.find_spec("lifetimes") is not None:
        from lifetimes.utils import summary_data_from_transaction_data

        def lifetimes_summary() -> pd.DataFrame:
            return summary_data_from_transaction_data(rows, "customer_id", "ordered_at", monetary_value_col="amount")

        pd.testing.assert_frame_equal(lifetimes_summary().sort_index(), ours, check_names=False, rtol=1e-9)
        print(f"  clv_summary and lifetimes agree on all {len(ours):,} customers")
        contenders["lifetimes"] = lifetimes_summary
    else:
        print("  lifetimes is not installed: skipped (pip install lifetimes 'setuptools<81' to compare)")
    if importlib.util.find_spec("pymc_marketing") is not None:
        from pymc_marketing.clv.utils import rfm_summary

        def pymc_summary() -> pd.DataFrame:
            return rfm_summary(rows, "customer_id", "ordered_at", monetary_value_col="amount")

        pd.testing.assert_frame_equal(
            pymc_summary().set_index("customer_id").sort_index(), ours, check_names=False, rtol=1e-9
        )
        print(f"  clv_summary and pymc-marketing agree on all {len(ours):,} customers")
        contenders["pymc-marketing"] = pymc_summary
    else:
        print("  pymc-marketing is not installed: skipped (pip install pymc-marketing to compare)")
    return contenders


def benchmark_shape(name: str, lines: pd.DataFrame, *, order: str | None) -> dict[str, float]:
    """Time every contender on one frame, after checking that each computes the same table."""
    print(f"\n== {name}: {len(lines):,} lines, {lines['customer_id'].nunique():,} customers ==")
    ours = rfm_table(lines, order=order)
    pd.testing.assert_frame_equal(rfm_table_in_pandas(lines, order=order), ours, rtol=1e-9)
    print(f"  rfm_table's engine and its pandas path agree on all {len(ours):,} customers")
    contenders: dict[str, Callable[[], object]] = {
        "rfm_table": lambda: rfm_table(lines, order=order),
        "rfm_table, pandas path": lambda: rfm_table_in_pandas(lines, order=order),
        "clv_summary": lambda: clv_summary(lines),
    }
    duckdb_run = duckdb_rfm_table(lines, order=order)
    if duckdb_run is not None:
        pd.testing.assert_frame_equal(
            duckdb_run(), ours, check_dtype=False, check_index_type=False, check_names=False, rtol=1e-9
        )
        print(f"  DuckDB agrees on all {len(ours):,} customers")
        contenders["DuckDB"] = duckdb_run
    contenders.update(library_contenders(lines))
    timings = {label: best_cpu_seconds(run) for label, run in contenders.items()}
    ours_seconds = timings["rfm_table"]
    print(f"  {'contender':<28}{'CPU s':>8}{'their time / rfm_table':>25}")
    for label, seconds in timings.items():
        print(f"  {label:<28}{seconds:>8.3f}{seconds / ours_seconds:>25.2f}")
    return {label: seconds / ours_seconds for label, seconds in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    size = {"n_customers": arguments.customers, "seed": arguments.seed}

    ratios = {
        "orders": benchmark_shape(
            "orders (lines share orders; order=order_id)",
            order_values(generate_order_lines(arguments.lines, **size)),
            order="order_id",
        ),
        "customer-days": benchmark_shape(
            "customer-days (one line per customer and day; order=None)",
            generate_customer_days(arguments.lines, **size),
            order=None,
        ),
    }
    print("\ngoals (their time / rfm_table's):")
    for contender, minimum in GOALS.items():
        for shape, by_contender in ratios.items():
            if contender in by_contender:
                ratio = by_contender[contender]
                verdict = "met" if ratio >= minimum else "NOT met"
                print(f"  {contender:<16}{shape:<15} {ratio:6.2f} (goal >= {minimum:g}): {verdict}")


if __name__ == "__main__":
    main()
