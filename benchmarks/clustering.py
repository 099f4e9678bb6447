"""Benchmark: what the clustering helpers cost next to plain scikit-learn, on course-sized data.

Run with ``.venv/bin/python benchmarks/clustering.py [--respondents N] [--customers K] [--seed S]``.

Two seeded synthetic frames stand in for the course data: a survey (N
respondents, ten 1-5 answers with some skipped, a skewed spend) and an RFM
table (K customers: recency, frequency, monetary). Each contender runs three
times; the best CPU time of this process counts, so other work on a shared
machine does not. Ratios are against a baseline measured in the same run:

* ``prepare_features`` against the bare ColumnTransformer it builds (the
  script checks both give the same features): the cost of the checks and the report;
* ``k_selection_table`` against a hand-written loop of KMeans and the three
  metrics (same numbers checked), with the share of time the silhouette takes:
  it compares every pair of rows, so it grows with the square of the rows;
* ``cluster_stability`` (20 bootstrap fits) against one ``fit_kmeans``;
* ``k_selection_table`` on a large RFM table (``--large``, default 100,000
  customers), where the silhouette is computed on a 10,000-row sample.

Goals: ``k_selection_table`` adds under 20 % to the bare loop;
``prepare_features`` adds under 0.05 s to the bare pipeline (its checks and
report are a fixed cost of a few passes over the columns); the large table
takes under a minute.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: ratios do not depend on the neighbours

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from course_lib.clustering import (
    cluster_stability,
    fit_kmeans,
    k_selection_table,
    make_preparation_pipeline,
    prepare_features,
)

K_RANGE = range(2, 9)
GOAL_K_RATIO = 1.2
GOAL_PREPARE_EXTRA_SECONDS = 0.05
GOAL_LARGE_SECONDS = 60.0


def make_survey(n_respondents: int, *, seed: int) -> pd.DataFrame:
    """Ten 1-5 answers from three planted types, 3 % skipped, and a log-normal spend."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 3, n_respondents)
    centres = rng.integers(1, 6, size=(3, 10))
    answers = np.clip(np.rint(centres[kind] + rng.normal(0, 0.9, (n_respondents, 10))), 1, 5)
    survey = pd.DataFrame(answers.astype(int), columns=[f"q{item}" for item in range(1, 11)])
    survey = survey.astype("Int64").mask(rng.random(survey.shape) < 0.03)
    survey["spend"] = rng.lognormal(4.0 + 0.5 * kind, 0.7)
    return survey


def make_rfm(n_customers: int, *, seed: int) -> pd.DataFrame:
    """Recency in days, frequency in orders and monetary in euros, all right-skewed."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "recency": rng.exponential(120, n_customers).round() + 1,
            "frequency": rng.geometric(0.25, n_customers),
            "monetary": rng.lognormal(4.5, 0.9, n_customers).round(2),
        }
    )


def best_cpu_seconds(run: Callable[[], object], repeats: int = 3) -> float:
    """The shortest CPU time of this process over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def bare_pipeline(data: pd.DataFrame, log_columns: list[str]) -> pd.DataFrame:
    """The preparation without the kit's checks and report."""
    numeric = list(data.columns)
    pipeline = make_preparation_pipeline(numeric=numeric, log_columns=log_columns)
    return pipeline.fit_transform(data.astype("float64"))


def bare_k_loop(matrix: np.ndarray, *, with_silhouette: bool = True) -> pd.DataFrame:
    """The k table the way one writes it by hand."""
    rows = []
    for k in K_RANGE:
        model = KMeans(n_clusters=k, n_init=10, random_state=0).fit(matrix)
        row = {
            "k": k,
            "inertia": model.inertia_,
            "calinski_harabasz": calinski_harabasz_score(matrix, model.labels_),
            "davies_bouldin": davies_bouldin_score(matrix, model.labels_),
        }
        if with_silhouette:
            row["silhouette"] = silhouette_score(matrix, model.labels_)
        rows.append(row)
    return pd.DataFrame(rows).set_index("k")


def compare(name: str, data: pd.DataFrame) -> tuple[float, float]:
    """Time one frame; return the seconds prepare_features adds and k_selection_table's ratio."""
    print(f"\n{name}: {len(data):,} rows x {data.shape[1]} columns")
    features, report = prepare_features(data, return_report=True)
    log_columns = report.loc[report["transform"].str.contains("log1p"), "column"].tolist()
    pd.testing.assert_frame_equal(features, bare_pipeline(data, log_columns), check_names=False)
    matrix = features.to_numpy()
    table = k_selection_table(features, k_range=K_RANGE)
    pd.testing.assert_frame_equal(table, bare_k_loop(matrix)[table.columns])

    kit_prepare = best_cpu_seconds(lambda: prepare_features(data, return_report=True))
    bare_prepare = best_cpu_seconds(lambda: bare_pipeline(data, log_columns))
    kit_k = best_cpu_seconds(lambda: k_selection_table(features, k_range=K_RANGE), repeats=1)
    bare_k = best_cpu_seconds(lambda: bare_k_loop(matrix), repeats=1)
    no_silhouette = best_cpu_seconds(lambda: bare_k_loop(matrix, with_silhouette=False), repeats=1)
    one_fit = best_cpu_seconds(lambda: fit_kmeans(features, n_clusters=4))
    stability = best_cpu_seconds(lambda: cluster_stability(features, n_clusters=4, n_runs=20), repeats=1)

    print(
        f"  prepare_features     {kit_prepare:7.3f} s   bare pipeline {bare_prepare:7.3f} s"
        f"   ratio {kit_prepare / bare_prepare:5.2f}"
    )
    print(
        f"  k_selection_table    {kit_k:7.3f} s   bare loop     {bare_k:7.3f} s"
        f"   ratio {kit_k / bare_k:5.2f}   silhouette share {1 - no_silhouette / bare_k:4.0%}"
    )
    print(
        f"  cluster_stability    {stability:7.3f} s   one fit       {one_fit:7.3f} s   ratio {stability / one_fit:5.1f}"
    )
    return kit_prepare - bare_prepare, kit_k / bare_k


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    results = [
        compare("survey", make_survey(arguments.respondents, seed=arguments.seed)),
        compare("RFM table", make_rfm(arguments.customers, seed=arguments.seed)),
    ]
    large = prepare_features(make_rfm(arguments.large, seed=arguments.seed), return_report=False)
    large_seconds = best_cpu_seconds(lambda: k_selection_table(large, k_range=K_RANGE), repeats=1)
    print(
        f"\nRFM table, {arguments.large:,} customers: k_selection_table {large_seconds:.1f} s "
        "(silhouette on a 10,000-row sample)"
    )

    extra = max(seconds for seconds, _ in results)
    ratio = max(ratio for _, ratio in results)
    for goal, met in [
        (f"k_selection_table adds under {GOAL_K_RATIO - 1:.0%} (worst ratio {ratio:.2f})", ratio <= GOAL_K_RATIO),
        (
            f"prepare_features adds under {GOAL_PREPARE_EXTRA_SECONDS} s (worst {extra:.3f} s)",
            extra <= GOAL_PREPARE_EXTRA_SECONDS,
        ),
        (
            f"the large table under {GOAL_LARGE_SECONDS:.0f} s ({large_seconds:.1f} s)",
            large_seconds <= GOAL_LARGE_SECONDS,
        ),
    ]:
        print(f"Goal: {goal}: {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
