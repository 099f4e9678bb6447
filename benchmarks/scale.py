"""Benchmark: the same RFM at 1M, 10M and 100M order lines, in pandas, DuckDB and Spark.

Run with ``.venv/bin/python benchmarks/scale.py [--lines 1000000 10000000 100000000]``
(``--engines pandas duckdb spark``, ``--data DIR`` to keep the generated files between runs).

For each size it writes Green Fork's order lines as Parquet, one folder per month
(``python -m course_lib data --lines N``), once; then each engine computes the RFM table and
scores of :func:`course_lib.rfm_sql.rfm_sql` from those files in **its own process**, so that
the peak memory (resident set) is that engine's alone:

* ``pandas``: read the files (through DuckDB, which needs no pyarrow), then
  ``rfm_scores(rfm_table(...))``; only where the lines fit (``--pandas-max``, default 10M);
* ``duckdb``: the query over the Parquet files, with ``memory_limit = '2GB'`` (it spills to disk
  beyond that: out of core) and two threads;
* ``spark``: the query in Spark local mode (``local[2]``), over the same files; needs Java 17.

Printed per size and engine: wall seconds, peak resident memory, lines per second, and whether
the result equals DuckDB's (number of customers and total money). Goal: DuckDB at 100M lines in
under 60 s on 2 cores. Wall time depends on what else the machine does: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

GOAL_DUCKDB_100M_SECONDS = 60.0
AMOUNT = "CAST(ROUND((quantity * unit_price - discount) * 100) AS BIGINT)"  # whole cents: exact in every engine


def generate(lines: int, folder: Path) -> float:
    """Write the lines once (kept for later runs); return the seconds it took (0 when cached)."""
    done = folder / "_COMPLETE"  # engines skip files whose name starts with "_"
    if done.exists():
        return 0.0
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "course_lib", "data", "--lines", str(lines), "--out", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.write_text("ok\n")
    return time.perf_counter() - started


def run_engine(engine: str, folder: Path) -> dict:
    """Run one engine in a child process and measure its wall time and peak memory."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--data", str(folder)], capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


class PeakMemory:
    """Sample the resident memory of this process and its children (Spark's JVM) every 0.1 s."""

    def __init__(self) -> None:
        import psutil

        self.process, self.peak, self.running = psutil.Process(), 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            try:
                processes = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(each.memory_info().rss for each in processes))
            except Exception:  # a child ended between listing and reading: sample again
                pass
            time.sleep(0.1)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # exact peak of this process
        return max(self.peak, own) / 2**20


def child(engine: str, folder: Path) -> None:
    """Compute RFM with one engine; print the result's size and total as JSON."""
    memory = PeakMemory()
    pattern = f"{folder.as_posix()}/**/*.parquet"
    from course_lib.rfm_sql import rfm_sql

    if engine == "pandas":
        import duckdb

        from course_lib.rfm import rfm_scores, rfm_table

        lines = duckdb.sql(
            f"SELECT customer_id, order_id, ordered_at, {AMOUNT} AS amount FROM read_parquet('{pattern}')"
        ).df()
        result = rfm_scores(rfm_table(lines, order="order_id"))
        customers, money = len(result), float(result["monetary"].sum())
    elif engine == "duckdb":
        import duckdb

        spill = Path(tempfile.gettempdir()) / "course-kit-duckdb-spill"  # not the kit's folder
        connection = duckdb.connect(config={"memory_limit": "2GB", "threads": 2, "temp_directory": str(spill)})
        connection.execute(
            f"CREATE VIEW transactions AS SELECT customer_id, order_id, ordered_at, {AMOUNT} AS amount "
            f"FROM read_parquet('{pattern}')"
        )
        customers, money = connection.execute(
            f"SELECT COUNT(*), SUM(monetary) FROM ({rfm_sql(order='order_id', dialect='duckdb')})"
        ).fetchall()[0]
    else:
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "2g")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        spark.read.parquet(str(folder)).selectExpr(
            "customer_id", "order_id", "ordered_at", f"{AMOUNT} AS amount"
        ).createOrReplaceTempView("transactions")
        row = spark.sql(
            f"SELECT COUNT(*) AS n, SUM(monetary) AS money FROM ({rfm_sql(order='order_id', dialect='spark')})"
        )
        customers, money = row.collect()[0]
        spark.stop()
    peak_mb = memory.stop()
    print(json.dumps({"customers": int(customers), "money": round(float(money), 2), "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000, 10_000_000, 100_000_000])
    parser.add_argument("--engines", nargs="+", default=["pandas", "duckdb", "spark"])
    parser.add_argument("--pandas-max", type=int, default=10_000_000, help="largest size pandas is asked to do")
    parser.add_argument("--data", type=Path, default=None, help="folder for the generated files (kept)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.data)
        return

    root = arguments.data or Path(tempfile.gettempdir()) / "course-kit-scale"
    print(f"{os.cpu_count()} cores; data in {root}")
    print(f"{'lines':>12} {'engine':>7} {'wall s':>8} {'peak MB':>8} {'lines/s':>12}  result")
    for lines in arguments.lines:
        folder = root / f"{lines}"
        seconds = generate(lines, folder)
        if seconds:
            print(f"{lines:>12,} {'(write)':>7} {seconds:>8.1f}")
        reference = None
        for engine in arguments.engines:
            if engine == "pandas" and lines > arguments.pandas_max:
                print(f"{lines:>12,} {engine:>7} {'-':>8} {'-':>8} {'-':>12}  skipped: above --pandas-max")
                continue
            result = run_engine(engine, folder)
            if "error" in result:
                print(f"{lines:>12,} {engine:>7} failed: {result['error']}")
                continue
            reference = reference or (result["customers"], result["money"])
            agrees = (result["customers"], round(result["money"], 0)) == (reference[0], round(reference[1], 0))
            print(
                f"{lines:>12,} {engine:>7} {result['wall']:>8.1f} {result['peak_mb']:>8.0f} "
                f"{lines / result['wall']:>12,.0f}  {result['customers']:,} customers, "
                f"{'same as the first engine' if agrees else 'DIFFERS from the first engine'}"
            )
            if engine == "duckdb" and lines >= 100_000_000:
                verdict = "met" if result["wall"] < GOAL_DUCKDB_100M_SECONDS else "missed"
                print(f"{'':>12} goal: DuckDB at 100M lines under {GOAL_DUCKDB_100M_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
