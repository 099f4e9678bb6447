"""Benchmark: the one-page report on a file the size of the full UCI Online Retail data (541,909 lines).

Run with ``.venv/bin/python benchmarks/report.py [--lines N] [--seed S] [--excel]``.

The file is generated here with numpy (seeded) in the UCI schema and written
the way the widely shared CSV copy is (``12/1/2010 8:26``, ``17850.0``), with
its quirks in the real proportions: about a quarter of the lines without
``CustomerID``, 1 % exact duplicates, 2 % cancellation lines (``C``
invoices, negative quantities, each reversing an earlier line of its
customer, whole or in part), some zero prices; about 25,300 invoices from
4,372 customers over 2010-12-01 to 2011-12-09.

Two things are timed in the same run, three times each (the best counts):

* the baseline, ``pd.read_csv`` of the file: the least any report must do;
* :func:`course_lib.report.build_report`: read, guess the columns, net the
  refunds, reconcile, RFM, segments, cohorts, three figures, the HTML page
  and the per-segment lists.

Goal: the report under 5 s of wall time. Wall time is what a shop owner
waits; on a shared machine it includes other people's work, so CPU time of
this process is printed too, and the ratio to the baseline. ``--excel`` also
times the report on the same lines saved as ``.xlsx`` (openpyxl reads about
10,000 rows a second, so expect minutes: saving a big workbook as CSV first
is the advice the kit gives).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from course_lib.datasets.online_retail import format_online_retail
from course_lib.refunds import net_refunds
from course_lib.report import build_report

GOAL_SECONDS = 5.0
UCI_LINES = 541_909


def generate_online_retail(n_lines: int, *, seed: int) -> pd.DataFrame:
    """`n_lines` invoice lines in the UCI schema (typed), with the real data's quirks and proportions.

    About 2 % of the lines are cancellations, as in the UCI file: a later
    ``C`` invoice of its own number that negates an earlier line of the same
    customer (four in five whole, the rest in part, so they match no sale).
    """
    rng = np.random.default_rng(seed)
    n_cancelled = n_lines // 50
    n_sales = n_lines - n_cancelled
    n_invoices = max(n_sales // 21, 1)
    customers = np.arange(12_346, 12_346 + 4_372)
    weight = rng.pareto(1.2, len(customers)) + 0.05  # a few wholesalers buy very often
    buyer = rng.choice(customers, n_invoices, p=weight / weight.sum()).astype("float64")
    buyer[rng.random(n_invoices) < 0.25] = np.nan  # guest invoices: no CustomerID
    start = np.datetime64("2010-12-01T08:00")
    minutes = np.sort(rng.integers(0, 374 * 24 * 60, n_invoices))
    invoice_of_line = np.sort(rng.integers(0, n_invoices, n_sales))
    stock = rng.integers(20_000, 24_000, n_sales)
    quantity = rng.choice([1, 2, 3, 4, 6, 8, 10, 12, 24, 48], n_sales)
    price = np.round(rng.choice([0.42, 0.85, 1.25, 1.65, 2.10, 2.55, 2.95, 3.75, 4.95, 8.50], n_sales), 2)
    price[rng.random(n_sales) < 0.002] = 0.0  # free items and adjustments
    sales = pd.DataFrame(
        {
            "InvoiceNo": (536_365 + 2 * invoice_of_line).astype(str),  # odd numbers are left for cancellations
            "StockCode": stock.astype(str),
            "Description": np.char.add("ITEM ", stock.astype(str)),
            "Quantity": quantity,
            "InvoiceDate": start + minutes[invoice_of_line].astype("timedelta64[m]"),
            "UnitPrice": price,
            "CustomerID": pd.array(buyer[invoice_of_line], dtype="Float64").astype("Int64"),
            "Country": "United Kingdom",
        }
    )
    known = np.flatnonzero(sales["CustomerID"].notna().to_numpy())
    cancelled = sales.iloc[rng.choice(known, n_cancelled, replace=False)].copy()
    whole = rng.random(n_cancelled) < 0.8
    cancelled["Quantity"] = -np.where(whole, cancelled["Quantity"], np.maximum(1, cancelled["Quantity"] // 2))
    cancelled["InvoiceDate"] += pd.to_timedelta(rng.integers(60, 20 * 24 * 60, n_cancelled), unit="m")
    cancelled["InvoiceNo"] = "C" + (536_366 + 2 * np.arange(n_cancelled)).astype(str)
    lines = pd.concat([sales, cancelled], ignore_index=True).sort_values("InvoiceDate", kind="stable")
    twice = rng.random(n_lines) < 0.01  # exact duplicates, right after the original
    lines = lines.iloc[np.repeat(np.arange(n_lines), np.where(twice, 2, 1))].head(n_lines)
    return lines.reset_index(drop=True)


def best_of(function: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """Best wall time and best CPU time (seconds) of `repeat` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=UCI_LINES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--excel", action="store_true", help="also time the report on an .xlsx copy (slow)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        csv_path, out = Path(folder) / "online_retail.csv", Path(folder) / "report.html"
        lines = generate_online_retail(arguments.lines, seed=arguments.seed)
        format_online_retail(lines).to_csv(csv_path, index=False)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"{len(lines):,} lines, {size_mb:.1f} MB CSV (seed {arguments.seed})")

        read_wall, read_cpu = best_of(lambda: pd.read_csv(csv_path))
        report_wall, report_cpu = best_of(lambda: build_report(csv_path, out))
        result = build_report(csv_path, out)
        print(f"baseline pd.read_csv   wall {read_wall:6.2f} s   cpu {read_cpu:6.2f} s")
        print(
            f"build_report           wall {report_wall:6.2f} s   cpu {report_cpu:6.2f} s   "
            f"({report_cpu / read_cpu:.1f}x the baseline's cpu)"
        )
        steps = result.reconciliation
        print(
            f"  {result.headline['customers']:,} customers, {steps.at['analysed', 'rows']:,} lines analysed, "
            f"{steps.at['refunded', 'rows']:,} refunded or cancelled, {steps.at['unmatched', 'rows']:,} unmatched "
            f"refunds; page {out.stat().st_size / 1e3:.0f} kB"
        )
        print(
            "  net_refunds alone: wall {:6.2f} s".format(
                best_of(lambda: net_refunds(result.lines.lines.dropna(subset=["ordered_at", "amount"])))[0]
            )
        )
        verdict = "meets" if report_wall < GOAL_SECONDS else "MISSES"
        print(f"goal: under {GOAL_SECONDS:.0f} s of wall time: {verdict} it ({report_wall:.2f} s)")

        if arguments.excel:
            xlsx_path = Path(folder) / "online_retail.xlsx"
            lines.to_excel(xlsx_path, index=False, engine="openpyxl")
            excel_wall, excel_cpu = best_of(lambda: build_report(xlsx_path, out), repeat=1)
            print(f"build_report on .xlsx  wall {excel_wall:6.2f} s   cpu {excel_cpu:6.2f} s")


if __name__ == "__main__":
    main()
