"""Benchmark: the RFM table on 1,000,000 generated order lines (100,000 customers).

Run with ``.venv/bin/python benchmarks/rfm.py [--lines N] [--customers K] [--seed S]``.

The order lines are generated here with numpy (seeded), in the course's
schema: several lines per order, guest orders without a customer id,
cancelled and refunded lines, a few lines without a price. Each contender
runs on the same frame, three times; the best CPU time of this process
counts, so other work on a shared machine does not. Contenders:

* ``rfm_table`` (orders and days as purchases) and ``clv_summary`` of
  :mod:`course_lib.rfm`;
* a straightforward pandas version a learner would write first (datetimes
  normalised to days, ``nunique`` for the orders) - the script checks that it
  gives the same table before printing the ratio;
* lifetimes' ``summary_data_from_transaction_data`` and pymc-marketing's
  ``rfm_summary`` when they are installed (they are not course dependencies:
  a line says when one is skipped), on the purchase lines of customers; the
  script first checks that they equal ``clv_summary`` there.

Goal: ``rfm_table`` under 0.5 s on one core, and at least 3x faster than both
libraries.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal says

import numpy as np
import pandas as pd

from course_lib.rfm import clv_summary, order_values, rfm_table

GOAL_SECONDS = 0.5


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


def baseline_rfm_table(lines: pd.DataFrame) -> pd.DataFrame:
    """The same table, the way a learner writes it first: datetimes, normalize(), nunique()."""
    valid = lines.dropna(subset=["customer_id", "ordered_at", "amount", "order_id"]).copy()
    snapshot = lines["ordered_at"].max().normalize() + pd.Timedelta(days=1)
    valid["day"] = valid["ordered_at"].dt.normalize()
    orders = valid.groupby(["customer_id", "order_id"], as_index=False).agg(day=("day", "min"), net=("amount", "sum"))
    purchases = orders[orders["net"] > 0]
    per_customer = purchases.groupby("customer_id").agg(
        first=("day", "min"), last=("day", "max"), frequency=("order_id", "nunique")
    )
    monetary = orders.groupby("customer_id")["net"].sum().reindex(per_customer.index)
    return pd.DataFrame(
        {
            "recency": (snapshot - per_customer["last"]).dt.days.astype("int64"),
            "frequency": per_customer["frequency"].astype("int64"),
            "monetary": monetary,
            "mean_order_value": monetary / per_customer["frequency"],
            "tenure": (snapshot - per_customer["first"]).dt.days.astype("int64"),
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
        print(f"clv_summary and lifetimes agree on all {len(ours):,} customers")
        contenders["lifetimes summary_data_from_transaction_data"] = lifetimes_summary
    else:
        print("lifetimes is not installed: skipped (pip install lifetimes 'setuptools<81' to compare)")
    if importlib.util.find_spec("pymc_marketing") is not None:
        from pymc_marketing.clv.utils import rfm_summary

        def pymc_summary() -> pd.DataFrame:
            return rfm_summary(rows, "customer_id", "ordered_at", monetary_value_col="amount")

        pd.testing.assert_frame_equal(
            pymc_summary().set_index("customer_id").sort_index(), ours, check_names=False, rtol=1e-9
        )
        print(f"clv_summary and pymc-marketing agree on all {len(ours):,} customers")
        contenders["pymc-marketing rfm_summary"] = pymc_summary
    else:
        print("pymc-marketing is not installed: skipped (pip install pymc-marketing to compare)")
    return contenders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()

    start = time.perf_counter()
    lines = order_values(generate_order_lines(arguments.lines, n_customers=arguments.customers, seed=arguments.seed))
    print(
        f"generated {len(lines):,} order lines, {lines['customer_id'].nunique():,} customers "
        f"in {time.perf_counter() - start:.1f} s"
    )

    table = rfm_table(lines, order="order_id")
    pd.testing.assert_frame_equal(table, baseline_rfm_table(lines), check_index_type=False)
    print(f"rfm_table and the pandas baseline agree on all {len(table):,} customers")

    timings = {
        "rfm_table (orders)": best_cpu_seconds(lambda: rfm_table(lines, order="order_id")),
        "rfm_table (days)": best_cpu_seconds(lambda: rfm_table(lines)),
        "clv_summary": best_cpu_seconds(lambda: clv_summary(lines)),
        "pandas baseline": best_cpu_seconds(lambda: baseline_rfm_table(lines)),
    }
    for name, contender in library_contenders(lines).items():
        timings[name] = best_cpu_seconds(contender)

    ours = timings["rfm_table (orders)"]
    print(f"\n{'contender':<48}{'CPU s':>8}{'x rfm_table':>13}")
    for name, seconds in timings.items():
        print(f"{name:<48}{seconds:>8.3f}{seconds / ours:>13.2f}")
    verdict = "met" if ours < GOAL_SECONDS else "NOT met"
    print(f"\ngoal: rfm_table under {GOAL_SECONDS} s on one core: {verdict} ({ours:.3f} s)")


if __name__ == "__main__":
    main()
