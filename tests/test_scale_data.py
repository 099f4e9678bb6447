"""`data --lines N`: Green Fork's order lines at any size, exact in count, partitioned by month,
reproducible, and read back by DuckDB into the same RFM table as pandas."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from course_lib import KIT_ROOT
from course_lib.datasets._generator.scale import CUSTOMER_STRIDE, write_order_lines
from course_lib.datasets._generator.world import END, START
from course_lib.rfm import rfm_table


def read_all(folder, file_format="parquet") -> pd.DataFrame:
    reader = "read_parquet" if file_format == "parquet" else "read_csv"
    return duckdb.sql(f"SELECT * FROM {reader}('{folder}/**/*.{file_format}', hive_partitioning = false)").df()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale")
    write_order_lines(out, n_lines=5_300, block_lines=2_000, seed=3)
    return out


def test_exactly_n_lines_in_one_folder_per_month(folder):
    lines = read_all(folder)
    assert len(lines) == 5_300
    months = {path.parent.name for path in folder.rglob("*.parquet")}
    assert months == {f"month={month}" for month in lines["ordered_at"].dt.strftime("%Y-%m").unique()}
    for path in folder.rglob("*.parquet"):
        in_file = duckdb.sql(f"SELECT DISTINCT strftime(ordered_at, '%Y-%m') FROM read_parquet('{path}')").fetchall()
        assert in_file == [(path.parent.name.removeprefix("month="),)]


def test_copies_are_new_customers_inside_the_course_period(folder):
    lines = read_all(folder)
    copy = lines["customer_id"] // CUSTOMER_STRIDE
    assert set(copy.dropna().astype(int)) == {0, 1, 2}  # three blocks of 2,000, 2,000 and 1,300 lines
    assert lines["ordered_at"].min() >= START and lines["ordered_at"].max() < END + pd.Timedelta(days=1)
    first, second = (lines.loc[copy == k] for k in (0, 1))
    # A copy is not the block again: the same orders moved to other days.
    assert not first["ordered_at"].reset_index(drop=True).equals(second["ordered_at"].reset_index(drop=True))
    assert lines["order_id"].nunique() == lines.drop_duplicates(["order_id", "customer_id"])["order_id"].nunique()


def test_same_seed_same_lines_and_csv_agrees(folder, tmp_path):
    write_order_lines(tmp_path / "again", n_lines=5_300, block_lines=2_000, seed=3)
    write_order_lines(tmp_path / "csv", n_lines=5_300, block_lines=2_000, seed=3, file_format="csv")
    key = ["order_id", "line_number"]
    parquet = read_all(folder).sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(read_all(tmp_path / "again").sort_values(key, ignore_index=True), parquet)
    csv = read_all(tmp_path / "csv", "csv").sort_values(key, ignore_index=True)
    assert csv["discount"].sum() == pytest.approx(parquet["discount"].sum())
    assert len(csv) == len(parquet) and (csv["order_id"].to_numpy() == parquet["order_id"].to_numpy()).all()


def test_rfm_on_the_parquet_files_equals_pandas(folder):
    lines = read_all(folder)
    lines = lines.assign(amount=lines["quantity"] * lines["unit_price"] - lines["discount"])
    expected = rfm_table(lines, order="order_id")
    in_duckdb = duckdb.sql(
        f"""SELECT customer_id, COUNT(DISTINCT order_id) AS orders FROM (
               SELECT customer_id, order_id, SUM(quantity * unit_price - discount) AS net
               FROM read_parquet('{folder}/**/*.parquet') WHERE customer_id IS NOT NULL GROUP BY ALL)
            WHERE net > 0 GROUP BY customer_id ORDER BY customer_id"""
    ).df()
    assert (in_duckdb["orders"].to_numpy() == expected["frequency"].to_numpy()).all()


def test_command_line_needs_an_out_folder_outside_datasets(tmp_path):
    command = [sys.executable, "-m", "course_lib", "data", "--lines", "1000"]
    refused = subprocess.run(command, cwd=KIT_ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "--out" in refused.stdout
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "big"), "--format", "csv"],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Wrote 1,000 order lines" in done.stdout and len(read_all(tmp_path / "big", "csv")) == 1_000
