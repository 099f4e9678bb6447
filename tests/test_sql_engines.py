"""The SQL twins run on real engines and equal pandas exactly: DuckDB (a pandas frame and Parquet
files) and Spark in local mode (tests marked ``spark``).

The data has what breaks naive SQL: ties in every RFM measure, refunds that net an order to zero or
below, customers with one purchase, guest rows, missing amounts, funnel events out of order and at
the same second. Amounts are quarters of a euro, so every sum is exact whatever the engine's order
of addition: "equal" here means to the last digit.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb
import numpy as np
import pandas as pd
import pytest

from course_lib.journey import funnel
from course_lib.journey_sql import funnel_sql
from course_lib.rfm import assign_segments, default_segment_map, rfm_scores, rfm_table
from course_lib.rfm_sql import rfm_sql

STAGES = ["visit", "view_menu", "add_to_cart", "start_checkout", "pay"]


def order_lines(seed: int = 0, n_orders: int = 1_500, n_customers: int = 250) -> pd.DataFrame:
    """Order lines with ties, refunds, one-purchase customers, guests and missing amounts."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(1, n_customers + 1, n_orders).astype("float64")
    customer[rng.random(n_orders) < 0.06] = np.nan  # guest checkouts
    # Whole days only for a third of the orders: many customers share a last day (recency ties).
    minutes = rng.integers(0, 150, n_orders) * 24 * 60 + np.where(
        rng.random(n_orders) < 0.66, rng.integers(0, 1440, n_orders), 0
    )
    ordered_at = pd.Timestamp("2024-01-01") + pd.to_timedelta(minutes, unit="min")
    n_lines = 1 + rng.poisson(1.2, n_orders)
    order = np.repeat(np.arange(n_orders), n_lines)
    amount = rng.integers(4, 200, len(order)) / 4
    refund = rng.random(len(order)) < 0.04
    amount[refund] *= -1  # refund lines: some orders net to zero or below
    amount[rng.random(len(order)) < 0.01] = np.nan
    lines = pd.DataFrame(
        {
            "order_id": order + 10_000,
            "customer_id": pd.array(customer[order], dtype="Int64"),
            "ordered_at": ordered_at[order],
            "amount": amount,
        }
    )
    # A refund line that cancels its order exactly, and customers who bought once.
    first = lines.groupby("order_id")["amount"].transform("sum")
    lines.loc[lines.index[:3], "amount"] = [12.5, -12.5, 0.0]
    assert (first.notna()).any()
    return lines


def event_log(seed: int = 0, n_sessions: int = 600) -> pd.DataFrame:
    """Sessions walking the funnel with skips, loops, out-of-order events and same-second events."""
    rng = np.random.default_rng(seed)
    rows = []
    for session in range(n_sessions):
        start = pd.Timestamp("2024-03-01") + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 30)))
        depth = int(rng.integers(1, len(STAGES) + 1))
        steps = list(STAGES[:depth])
        if rng.random() < 0.2:
            rng.shuffle(steps)  # out of order: strict and any-order funnels differ
        if rng.random() < 0.2:
            steps.insert(int(rng.integers(0, len(steps) + 1)), "view_menu")  # loops back
        seconds = np.sort(rng.integers(0, 600, len(steps)))
        if rng.random() < 0.15 and len(seconds) > 1:
            seconds[1] = seconds[0]  # two events logged in the same second
        channel = rng.choice(["web", "app"]) if rng.random() > 0.03 else None
        for second, event in zip(seconds, steps, strict=True):
            rows.append((session, start + pd.Timedelta(seconds=int(second)), event, channel))
    log = pd.DataFrame(rows, columns=["session_id", "timestamp", "event", "channel"])
    log = log.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # the log in any order
    return log.assign(sequence=np.arange(len(log)))


def rfm_expected(lines: pd.DataFrame, **kwargs) -> pd.DataFrame:
    options = {key: kwargs[key] for key in ("order", "as_of") if key in kwargs}
    scores = rfm_scores(rfm_table(lines, **options), bins=kwargs.get("bins", 5), ties=kwargs.get("ties", "min"))
    if kwargs.get("segment_map") is not None:
        scores = assign_segments(scores, segment_map=kwargs["segment_map"], bins=kwargs.get("bins", 5))
        scores["segment"] = scores["segment"].astype("str")
    return scores


def as_pandas_result(result: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """An engine's result typed like pandas' (engines return plain int64 ids and float money)."""
    result = result.set_index("customer_id")
    result.index = result.index.astype(like.index.dtype)
    for column in like.columns:
        result[column] = result[column].astype(like[column].dtype)
    return result[list(like.columns)]


RFM_CASES = [
    {"order": "order_id", "bins": 5, "ties": "min"},
    {"order": None, "bins": 5, "ties": "first"},
    {"order": "order_id", "bins": 4, "ties": "first", "as_of": "2024-06-15"},
    {"order": "order_id", "bins": 5, "ties": "min", "segment_map": default_segment_map()},
]


def sql_options(case: dict) -> dict:
    return {key: value for key, value in case.items()}


# --- DuckDB ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return order_lines()


@pytest.fixture(scope="module")
def parquet_folder(lines, tmp_path_factory) -> str:
    """The order lines as Parquet files partitioned by month, written by DuckDB itself."""
    folder = tmp_path_factory.mktemp("lines") / "order_lines"
    with duckdb.connect() as connection:
        connection.register("lines", lines)
        connection.execute(
            f"COPY (SELECT *, strftime(ordered_at, '%Y-%m') AS month FROM lines) TO '{folder}' "
            "(FORMAT PARQUET, PARTITION_BY (month))"
        )
    return str(folder)


@pytest.mark.parametrize(
    "case", RFM_CASES, ids=lambda case: "-".join(f"{k}={v}" for k, v in case.items() if k != "segment_map")
)
def test_rfm_on_duckdb_over_a_pandas_frame_equals_pandas(lines, case):
    expected = rfm_expected(lines, **case)
    with duckdb.connect() as connection:
        connection.register("transactions", lines)
        result = connection.execute(rfm_sql(dialect="duckdb", **sql_options(case))).df()
    assert len(expected) > 200 and (expected["frequency"] == 1).any() and expected["recency"].duplicated().any()
    pd.testing.assert_frame_equal(as_pandas_result(result, expected), expected)


@pytest.mark.parametrize("case", RFM_CASES[:3], ids=["order-min", "days-first", "as_of"])
def test_rfm_on_duckdb_over_parquet_files_equals_pandas(lines, parquet_folder, case):
    expected = rfm_expected(lines, **case)
    with duckdb.connect() as connection:
        connection.execute(
            f"CREATE VIEW transactions AS SELECT * EXCLUDE (month) FROM read_parquet('{parquet_folder}/**/*.parquet', hive_partitioning = true)"
        )
        result = connection.execute(rfm_sql(dialect="duckdb", **sql_options(case))).df()
    pd.testing.assert_frame_equal(as_pandas_result(result, expected), expected)


def funnel_expected(log: pd.DataFrame, **kwargs) -> pd.DataFrame:
    table = funnel(log, stages=STAGES, **kwargs)
    table["stage"] = table["stage"].astype("str")
    return table


def as_funnel_result(result: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    result = result.copy()
    for column in like.columns:
        result[column] = result[column].astype(like[column].dtype)
    return result[list(like.columns)]


@pytest.mark.parametrize("mode", ["strict", "any_order"])
@pytest.mark.parametrize("by", [None, "channel"])
def test_funnel_on_duckdb_equals_pandas(mode, by):
    log = event_log()
    expected = funnel_expected(log, mode=mode, by=by)
    with duckdb.connect() as connection:
        connection.register("events", log)
        result = connection.execute(funnel_sql(stages=STAGES, mode=mode, by=by, sequence="sequence")).df()
    assert expected["reached"].iloc[0] > 100
    pd.testing.assert_frame_equal(as_funnel_result(result, expected), expected)


def test_strict_and_any_order_funnels_differ_on_this_log():
    log = event_log()
    strict, loose = funnel_expected(log, mode="strict"), funnel_expected(log, mode="any_order")
    assert (strict["reached"] < loose["reached"]).any()  # otherwise the strict SQL is not really tested


def test_funnel_sql_rejects_bad_parameters():
    with pytest.raises(ValueError, match="'mode' parameter of funnel_sql"):
        funnel_sql(mode="loose")
    with pytest.raises(ValueError, match="'session' parameter of funnel_sql"):
        funnel_sql(session='a"b')
    with pytest.raises(ValueError, match="'stages' parameter of funnel_sql"):
        funnel_sql(stages=[])


# --- Spark (local mode) ----------------------------------------------------------------------------


def java_problem() -> str | None:
    """Why Spark cannot run here, or None when Java 17 or newer is installed."""
    java = shutil.which(
        "java", path=os.path.join(os.environ["JAVA_HOME"], "bin") if "JAVA_HOME" in os.environ else None
    )
    if java is None:
        return "no Java: install Java 17 (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`) to run the Spark tests"
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    major = version.split('"')[1].split(".")[0] if '"' in version else "0"
    if not major.isdigit() or int(major) < 17:
        return f"Java {major} found; PySpark 4 needs Java 17 or newer (`apt-get install -y openjdk-17-jre-headless`)"
    return None


@pytest.fixture(scope="module")
def spark():
    problem = java_problem()
    if problem:
        pytest.skip(problem)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("course-kit-tests")
        .config("spark.ui.enabled", "false")
        # Small data: one partition, no adaptive planning and no code generation (compiling
        # generated Java costs more than it saves on a few thousand rows).
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def collected(frame) -> pd.DataFrame:
    """A (small) Spark result as pandas, by rows: PySpark's own toPandas warns on pandas 3."""
    return pd.DataFrame.from_records([row.asDict() for row in frame.collect()], columns=frame.columns)


@pytest.mark.spark
@pytest.mark.parametrize(
    "case", RFM_CASES, ids=lambda case: "-".join(f"{k}={v}" for k, v in case.items() if k != "segment_map")
)
def test_rfm_on_spark_equals_pandas(spark, lines, parquet_folder, case):
    expected = rfm_expected(lines, **case)
    spark.read.parquet(parquet_folder).drop("month").createOrReplaceTempView("transactions")
    result = collected(spark.sql(rfm_sql(dialect="spark", **sql_options(case))))
    pd.testing.assert_frame_equal(as_pandas_result(result, expected), expected)


@pytest.mark.spark
@pytest.mark.parametrize("mode", ["strict", "any_order"])
def test_funnel_on_spark_equals_pandas(spark, tmp_path, mode):
    log = event_log(seed=1)
    expected = funnel_expected(log, mode=mode, by="channel")
    with duckdb.connect() as connection:
        connection.register("log", log)
        connection.execute(f"COPY log TO '{tmp_path / 'events.parquet'}' (FORMAT PARQUET)")
    spark.read.parquet(str(tmp_path / "events.parquet")).createOrReplaceTempView("events")
    result = collected(
        spark.sql(funnel_sql(stages=STAGES, mode=mode, by="channel", sequence="sequence", dialect="spark"))
    )
    pd.testing.assert_frame_equal(as_funnel_result(result, expected), expected)
