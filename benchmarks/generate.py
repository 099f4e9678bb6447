"""Benchmark: generating order lines at scale, regenerating the shipped data, and loading it.

Run with ``.venv/bin/python benchmarks/generate.py [--lines N] [--customers K] [--seed S]``.

* ``generate_transactions`` makes N order lines (default 1,000,000 for
  100,000 customers) in memory. Goal: well under 30 s. It is reported with
  its rate (lines per second) and against the cost of simply building a
  DataFrame of the same shape from random numbers, the floor any generator pays.
* ``write_world`` regenerates the shipped data (the default seed and size)
  into a temporary folder: what ``python -m course_lib data`` costs.
* Loading every shipped table with the kit's loaders (schema checks and
  typing included) against plain ``pd.read_csv`` of the same CSV files.
  Goal: under 0.5 s for everything.

Times are CPU seconds of this process (best of a few runs), so other work on a
shared machine does not count; ratios are against baselines measured in the
same run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: numbers do not depend on the neighbours

import numpy as np
import pandas as pd

from course_lib.datasets import (
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    connect_crm,
    data_dir,
    generate_transactions,
    load_customers,
    load_events,
    load_online_retail_sample,
    load_orders,
    load_survey,
    write_world,
)

GOAL_GENERATE_SECONDS = 30.0
GOAL_LOAD_SECONDS = 0.5
CSV_FILES = ("customers.csv", "orders.csv", "survey.csv", "events.csv", "online_retail_sample.csv")


def best_cpu_seconds(function: Callable[[], object], *, repeat: int) -> float:
    """The shortest CPU time of this process over `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def random_frame(n_lines: int, *, seed: int) -> pd.DataFrame:
    """The floor: a frame of the orders' shape filled with random values, no simulation."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "order_id": pd.array(np.sort(rng.integers(0, n_lines, n_lines)), dtype="Int64"),
            "line_number": rng.integers(1, 4, n_lines),
            "customer_id": pd.array(rng.integers(1, 100_000, n_lines), dtype="Int64"),
            "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 63_072_000, n_lines), unit="s"),
            "channel": pd.Categorical.from_codes(rng.integers(0, 3, n_lines), categories=["web", "app", "phone"]),
            "quantity": rng.integers(1, 3, n_lines),
            "unit_price": np.round(rng.uniform(3, 30, n_lines), 1),
            "discount": np.zeros(n_lines),
            "status": pd.Categorical.from_codes(
                rng.integers(0, 3, n_lines), categories=["delivered", "cancelled", "refunded"]
            ),
        }
    )


def load_everything() -> None:
    for loader in (load_customers, load_orders, load_survey, load_events, load_online_retail_sample):
        loader()
    connect_crm().close()


def read_plainly() -> None:
    folder = data_dir()
    for name in CSV_FILES:
        pd.read_csv(folder / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()

    print(f"generate_transactions: {arguments.lines:,} lines, {arguments.customers:,} customers")
    wall = time.perf_counter()
    generated = best_cpu_seconds(
        lambda: generate_transactions(arguments.lines, n_customers=arguments.customers, seed=arguments.seed), repeat=1
    )
    wall = time.perf_counter() - wall
    floor = best_cpu_seconds(lambda: random_frame(arguments.lines, seed=arguments.seed), repeat=3)
    print(f"  {generated:6.2f} s CPU ({wall:.2f} s wall), {arguments.lines / generated:,.0f} lines/s")
    print(f"  random frame of the same shape (floor): {floor:.2f} s -> generator = {generated / floor:.1f}x the floor")
    print(f"  goal: under {GOAL_GENERATE_SECONDS:.0f} s -> {'met' if generated < GOAL_GENERATE_SECONDS else 'NOT met'}")

    with tempfile.TemporaryDirectory() as folder:
        regenerate = best_cpu_seconds(
            lambda: write_world(folder, seed=DEFAULT_SEED, n_customers=DEFAULT_CUSTOMERS), repeat=1
        )
    print(f"write_world (seed {DEFAULT_SEED}, {DEFAULT_CUSTOMERS:,} customers): {regenerate:.2f} s CPU")

    load_everything()  # first call pays pandas' lazy imports; measure the steady state
    loaders = best_cpu_seconds(load_everything, repeat=5)
    plain = best_cpu_seconds(read_plainly, repeat=5)
    size = sum((data_dir() / name).stat().st_size for name in (*CSV_FILES, "crm.sqlite")) / 1e6
    print(f"loading the shipped data ({size:.1f} MB in {data_dir()}):")
    print(
        f"  kit loaders (checked, typed): {loaders:.3f} s; plain pd.read_csv: {plain:.3f} s -> ratio {loaders / plain:.1f}x"
    )
    print(f"  goal: under {GOAL_LOAD_SECONDS} s -> {'met' if loaders < GOAL_LOAD_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
