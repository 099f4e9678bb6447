"""Tests of course_lib.clustering: numbers checked by hand or against direct scikit-learn calls."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

from course_lib.clustering import (
    as_label_series,
    check_features,
    cluster_profile,
    cluster_stability,
    cluster_summary,
    fit_clusters,
    fit_kmeans,
    k_selection_table,
    make_preparation_pipeline,
    match_labels,
    partition_agreement,
    persona_table,
    prepare_features,
    relative_importance,
    same_partition,
    standardised_means,
)

# ------------------------------------------------------------------------------------------
# Small data sets
# ------------------------------------------------------------------------------------------


@pytest.fixture
def customers() -> pd.DataFrame:
    """Five customers: a skewed spend, a mild order count, a survey answer with pd.NA, a diet."""
    return pd.DataFrame(
        {
            "spend": [0.0, 1.0, 3.0, 7.0, 63.0],
            "orders": [1, 2, 2, 3, 4],
            "answer": pd.array([1, 2, None, 4, 5], dtype="Int64"),
            "diet": pd.array(["vegan", "vegan", None, "curious", "curious"], dtype="str"),
        },
        index=pd.Index([11, 12, 13, 14, 15], name="customer_id"),
    )


def blobs(n_per_blob: int = 30, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three well-separated round groups in 2-D, and the true group of each row."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    truth = np.repeat(np.arange(3), n_per_blob)
    points = centres[truth] + rng.normal(size=(len(truth), 2))
    return pd.DataFrame(points, columns=["x", "y"]), truth


def uniform_noise(n_rows: int = 90, seed: int = 0) -> pd.DataFrame:
    """Points spread evenly over a square: no cluster structure at all."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(size=(n_rows, 2)), columns=["x", "y"])


def sample_skewness(values: list[float]) -> float:
    """Adjusted Fisher-Pearson skewness G1, written out (an independent check of pandas)."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    deviations = x - x.mean()
    g1 = (deviations**3).mean() / (deviations**2).mean() ** 1.5
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


# ------------------------------------------------------------------------------------------
# Preparing features
# ------------------------------------------------------------------------------------------


def test_prepare_features_logs_then_standardises_by_hand(customers):
    features = prepare_features(customers, numeric=["spend", "orders"], return_report=False)

    # log1p(0, 1, 3, 7, 63) = ln 2 * (0, 1, 2, 3, 6); ln 2 cancels when standardising.
    # Mean of (0, 1, 2, 3, 6) is 2.4; population variance is 50/5 - 2.4**2 = 4.24.
    expected_spend = (np.array([0, 1, 2, 3, 6]) - 2.4) / math.sqrt(4.24)
    np.testing.assert_allclose(features["spend"], expected_spend)
    # orders is mildly skewed, so it is only standardised: mean 2.4, variance 34/5 - 5.76 = 1.04.
    expected_orders = (np.array([1, 2, 2, 3, 4]) - 2.4) / math.sqrt(1.04)
    np.testing.assert_allclose(features["orders"], expected_orders)
    assert list(features.index) == [11, 12, 13, 14, 15]


def test_prepare_features_keeps_the_numeric_columns_in_the_order_given(customers):
    # "orders" is not logged and "spend" is: the pipeline emits logged columns first,
    # but the features must come back as asked (R, F, M reads better than F, M, R).
    features = prepare_features(customers, numeric=["orders", "spend"], categorical=["diet"], return_report=False)

    assert list(features.columns) == ["orders", "spend", "diet_curious", "diet_vegan"]
    np.testing.assert_allclose(features["spend"], (np.array([0, 1, 2, 3, 6]) - 2.4) / math.sqrt(4.24))


def test_prepare_features_report_says_what_and_why(customers):
    _, report = prepare_features(customers, numeric=["spend", "orders"], categorical=["diet"], return_report=True)

    assert list(report.columns) == ["column", "transform", "reason"]
    by_column = report.set_index("column")
    assert by_column.loc["spend", "transform"] == "log1p, standardise"
    assert by_column.loc["orders", "transform"] == "standardise"
    assert by_column.loc["diet", "transform"] == "impute most frequent, one-hot"
    spend_skew = sample_skewness([0, 1, 3, 7, 63])
    orders_skew = sample_skewness([1, 2, 2, 3, 4])
    assert spend_skew > 1.0 >= orders_skew
    assert f"skewness {spend_skew:.2f} > 1" in by_column.loc["spend", "reason"]
    assert f"skewness {orders_skew:.2f} <= 1" in by_column.loc["orders", "reason"]
    # 'curious' and 'vegan' tie (2 each): the imputer takes the first in sorted order.
    assert "1 missing value(s) set to the most frequent category 'curious'" in by_column.loc["diet", "reason"]


def test_prepare_features_imputes_nullable_answers_with_the_median(customers):
    features, report = prepare_features(customers, numeric=["answer"], return_report=True)

    # The median of the answered values (1, 2, 4, 5) is 3, so the filled column is 1, 2, 3, 4, 5.
    expected = (np.array([1, 2, 3, 4, 5]) - 3) / math.sqrt(2)
    np.testing.assert_allclose(features["answer"], expected)
    assert report.loc[0, "transform"] == "impute median, standardise"
    assert "1 missing value(s) set to the median 3" in report.loc[0, "reason"]


def test_prepare_features_one_hot_encodes_categories(customers):
    features = prepare_features(customers, categorical=["diet"], return_report=False)

    assert list(features.columns) == ["diet_curious", "diet_vegan"]
    # Row 13 had no diet: it gets the most frequent category, 'curious' (first of the tie).
    assert features["diet_curious"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert features["diet_vegan"].tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]


def test_prepare_features_splits_columns_by_dtype_when_none_are_named(customers):
    features, report = prepare_features(customers, return_report=True)

    assert report["column"].tolist() == ["spend", "orders", "answer", "diet"]
    assert list(features.columns) == ["spend", "orders", "answer", "diet_curious", "diet_vegan"]


def test_prepare_features_without_log_only_standardises(customers):
    features, report = prepare_features(customers, numeric=["spend"], log_skewed=False, return_report=True)

    raw = np.array([0, 1, 3, 7, 63])
    np.testing.assert_allclose(features["spend"], (raw - raw.mean()) / raw.std())
    assert report.loc[0, "transform"] == "standardise"
    assert "log_skewed=False" in report.loc[0, "reason"]


def test_prepare_features_does_not_log_negative_columns():
    data = pd.DataFrame({"change": [-5.0, 0.0, 1.0, 2.0, 80.0]})

    features, report = prepare_features(data, return_report=True)

    raw = data["change"].to_numpy()
    np.testing.assert_allclose(features["change"], (raw - raw.mean()) / raw.std())
    assert "negative values (min -5)" in report.loc[0, "reason"]


def test_prepare_features_threshold_decides_the_log(customers):
    spend_skew = sample_skewness([0, 1, 3, 7, 63])

    _, strict = prepare_features(customers, numeric=["spend"], skew_threshold=spend_skew + 0.1, return_report=True)
    _, loose = prepare_features(customers, numeric=["spend"], skew_threshold=spend_skew - 0.1, return_report=True)

    assert strict.loc[0, "transform"] == "standardise"
    assert loose.loc[0, "transform"] == "log1p, standardise"


def test_make_preparation_pipeline_matches_prepare_features(customers):
    pipeline = make_preparation_pipeline(numeric=["spend", "orders"], categorical=["diet"], log_columns=["spend"])

    from_pipeline = pipeline.fit_transform(customers)
    from_function = prepare_features(customers, numeric=["spend", "orders"], categorical=["diet"], return_report=False)

    assert [name for name, _, _ in pipeline.transformers] == ["log_scaled", "scaled", "one_hot"]
    pd.testing.assert_frame_equal(from_pipeline, from_function)


def test_make_preparation_pipeline_encodes_unseen_categories_as_zeros(customers):
    pipeline = make_preparation_pipeline(categorical=["diet"]).fit(customers)

    new = pipeline.transform(pd.DataFrame({"diet": ["flexitarian", "vegan"]}))

    assert new.to_numpy().tolist() == [[0.0, 0.0], [0.0, 1.0]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"numeric": ["spend"], "log_columns": ["orders"]}, "log_columns 'orders' must also be"),
        ({"numeric": ["spend"], "categorical": ["spend"]}, "'spend' are listed as both"),
        ({}, "No feature column given"),
        ({"numeric": ["spend", "orders", "spend"]}, r"Column\(s\) 'spend' appear twice in `numeric`"),
    ],
)
def test_make_preparation_pipeline_rejects_inconsistent_lists(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_preparation_pipeline(**kwargs)


def test_prepare_features_refuses_infinite_values(customers):
    data = customers.assign(spend=[0.0, np.inf, 3.0, 7.0, 63.0])

    with pytest.raises(ValueError, match=r"Column 'spend' has 1 infinite value\(s\), like inf"):
        prepare_features(data, numeric=["spend"])


def test_prepare_features_refuses_a_constant_column(customers):
    data = customers.assign(city=["Verdale"] * 5, zone=pd.array([2, 2, None, 2, 2], dtype="Int64"))

    with pytest.raises(ValueError, match=r"Column 'city' is constant \(every value is 'Verdale'\)"):
        prepare_features(data, categorical=["city"])
    with pytest.raises(ValueError, match=r"Column 'zone' is constant \(every value is 2\)"):
        prepare_features(data, numeric=["zone"])


def test_prepare_features_refuses_an_empty_column(customers):
    data = customers.assign(skipped=pd.array([None] * 5, dtype="Int64"))

    with pytest.raises(ValueError, match="Column 'skipped' has no value at all"):
        prepare_features(data, numeric=["skipped"])


def test_prepare_features_names_a_missing_column(customers):
    with pytest.raises(ValueError, match=r"`data` has no column 'spnd'. Available columns: \["):
        prepare_features(customers, numeric=["spnd"])


def test_prepare_features_rejects_text_listed_as_numeric(customers):
    with pytest.raises(TypeError, match="Column 'diet' of `data` must be numeric"):
        prepare_features(customers, numeric=["diet"])


def test_prepare_features_asks_for_columns_when_a_date_is_present(customers):
    data = customers.assign(signup=pd.to_datetime(["2024-01-05"] * 5, format="%Y-%m-%d"))

    with pytest.raises(TypeError, match="Column 'signup' holds datetime64"):
        prepare_features(data)


def test_prepare_features_rejects_bad_arguments(customers):
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        prepare_features(customers.to_numpy())
    with pytest.raises(ValueError, match="0 rows"):
        prepare_features(customers.iloc[:0])
    with pytest.raises(TypeError, match="`skew_threshold` must be a number"):
        prepare_features(customers, numeric=["spend"], skew_threshold="1")
    with pytest.raises(TypeError, match="`log_skewed` must be True or False"):
        prepare_features(customers, numeric=["spend"], log_skewed="yes")


def test_prepare_features_leaves_the_input_alone(customers):
    before = customers.copy(deep=True)

    prepare_features(customers, return_report=True)

    pd.testing.assert_frame_equal(customers, before)


def test_prepare_features_returns_the_report_only_on_request_and_warns_on_the_old_call(customers):
    features = prepare_features(customers, return_report=False)
    with_report = prepare_features(customers, return_report=True)
    assert isinstance(features, pd.DataFrame)
    assert isinstance(with_report, tuple) and len(with_report) == 2
    pd.testing.assert_frame_equal(with_report[0], features)
    # The old call (no flag) still returns both, for one release, and says how to write it now.
    with pytest.warns(FutureWarning, match=r"return_report=True\)` to keep `report` too"):
        old_features, old_report = prepare_features(customers)
    pd.testing.assert_frame_equal(old_features, features)
    pd.testing.assert_frame_equal(old_report, with_report[1])
    with pytest.raises(TypeError, match="'return_report' parameter of prepare_features"):
        prepare_features(customers, return_report="yes")


# ------------------------------------------------------------------------------------------
# Checking features and labels
# ------------------------------------------------------------------------------------------


def test_check_features_refuses_missing_values_and_text():
    with pytest.raises(ValueError, match="Column 'y' of `features` has 1 missing or non-finite"):
        check_features(pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, np.nan]}))
    with pytest.raises(TypeError, match="Column 'diet' of `features` must be numeric"):
        check_features(pd.DataFrame({"diet": ["vegan", "curious"]}))
    with pytest.raises(ValueError, match="has no columns"):
        check_features(pd.DataFrame(index=[1, 2]))


def test_as_label_series_aligns_a_shuffled_series_on_the_index():
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    labels = pd.Series([0, 1, 1], index=["c", "a", "b"])

    aligned = as_label_series(labels, data)

    assert aligned.to_dict() == {"a": 1, "b": 1, "c": 0}
    assert aligned.name == "cluster"


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 1], r"one label per row of the data \(3\)"),
        (pd.Series([0, 1, 1], index=["a", "b", "z"]), "rows without a label look like 'c'"),
        ([0, None, 1], "1 missing label"),
    ],
)
def test_as_label_series_rejects_labels_that_do_not_fit(labels, message):
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])

    with pytest.raises(ValueError, match=message):
        as_label_series(labels, data)


# ------------------------------------------------------------------------------------------
# Choosing k
# ------------------------------------------------------------------------------------------


def test_k_selection_table_matches_direct_sklearn_calls():
    features, _ = blobs()

    table = k_selection_table(features, k_range=range(2, 5), random_state=3, n_init=4)

    assert table.index.tolist() == [2, 3, 4]
    assert table.index.name == "k"
    for k in (2, 3, 4):
        model = KMeans(n_clusters=k, n_init=4, random_state=3).fit(features.to_numpy())
        expected = [
            model.inertia_,
            silhouette_score(features, model.labels_),
            calinski_harabasz_score(features, model.labels_),
            davies_bouldin_score(features, model.labels_),
        ]
        np.testing.assert_allclose(table.loc[k].to_numpy(), expected)
    # On three clear blobs every index but the elbow's points at k = 3.
    assert table["silhouette"].idxmax() == 3
    assert table["calinski_harabasz"].idxmax() == 3
    assert table["davies_bouldin"].idxmin() == 3


def test_k_selection_table_samples_the_silhouette_of_large_data():
    features, _ = blobs()

    sampled = k_selection_table(features, k_range=[3], n_init=2, silhouette_sample_size=40)
    exact = k_selection_table(features, k_range=[3], n_init=2, silhouette_sample_size=None)

    labels = KMeans(n_clusters=3, n_init=2, random_state=0).fit_predict(features.to_numpy())
    expected = silhouette_score(features, labels, sample_size=40, random_state=0)
    assert sampled.loc[3, "silhouette"] == pytest.approx(expected)
    assert exact.loc[3, "silhouette"] == pytest.approx(silhouette_score(features, labels))
    assert sampled.loc[3, "silhouette"] != exact.loc[3, "silhouette"]
    # The other columns never sample.
    pd.testing.assert_frame_equal(sampled.drop(columns="silhouette"), exact.drop(columns="silhouette"))
    with pytest.raises(ValueError, match="'silhouette_sample_size' parameter"):
        k_selection_table(features, k_range=[3], silhouette_sample_size=3)


def test_k_selection_table_refuses_too_few_rows_for_k():
    features = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})

    with pytest.raises(ValueError, match=r"4 rows: too few for k = 4, 5.*k <= n_rows - 1 = 3"):
        k_selection_table(features, k_range=[2, 4, 5])


def test_k_selection_table_rejects_bad_k_ranges():
    features, _ = blobs()

    with pytest.raises(ValueError, match="`k_range` is empty"):
        k_selection_table(features, k_range=[])
    with pytest.raises(ValueError, match="'k_range' parameter of k_selection_table must be an int"):
        k_selection_table(features, k_range=[1, 2])


@pytest.mark.parametrize(
    ("method", "n_init"),
    [
        ("bootstrap", 3),
        # With one start per fit, the seed alone decides where k-means ends up on noise.
        ("seeds", 1),
    ],
)
def test_cluster_stability_is_high_on_blobs_and_lower_on_noise(method, n_init):
    features, _ = blobs()
    noise = uniform_noise()

    on_blobs = cluster_stability(features, n_clusters=3, n_runs=8, method=method, n_init=n_init)
    on_noise = cluster_stability(noise, n_clusters=3, n_runs=8, method=method, n_init=n_init)

    assert on_blobs["min_ari"] > 0.95
    assert on_noise["mean_ari"] < 0.8
    assert on_noise["min_ari"] < on_noise["mean_ari"]


def test_cluster_stability_returns_a_row_named_by_k_and_is_reproducible():
    features = uniform_noise(n_rows=40)

    first = cluster_stability(features, n_clusters=4, n_runs=4, random_state=7, n_init=2)
    again = cluster_stability(features, n_clusters=4, n_runs=4, random_state=7, n_init=2)

    pd.testing.assert_series_equal(first, again)
    assert first.name == 4
    assert first.index.tolist() == ["mean_ari", "min_ari"]
    assert first["min_ari"] <= first["mean_ari"]


def test_cluster_stability_rejects_bad_arguments():
    features, _ = blobs()

    with pytest.raises(ValueError, match="'method' parameter of cluster_stability must be one of"):
        cluster_stability(features, n_clusters=3, method="jackknife")
    with pytest.raises(ValueError, match="'n_runs' parameter of cluster_stability must be an int"):
        cluster_stability(features, n_clusters=3, n_runs=1)
    with pytest.raises(ValueError, match="Bootstrap sample 0 has fewer than 3 distinct rows"):
        cluster_stability(pd.DataFrame({"x": [0.0, 1.0, 2.0]}), n_clusters=3, n_runs=2)


# ------------------------------------------------------------------------------------------
# Fitting
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["kmeans", "gmm", "agglomerative"])
def test_fit_clusters_recovers_well_separated_blobs(method):
    features, truth = blobs()
    features.index = [f"c{row}" for row in range(len(features))]

    labels = fit_clusters(features, n_clusters=3, method=method, n_init=3)

    assert labels.index.equals(features.index)
    assert labels.name == "cluster"
    assert same_partition(labels.to_numpy(), truth)


def test_fit_kmeans_numbers_clusters_by_size_largest_first():
    # 1 point far away, 2 in the middle, 4 at the left.
    features = pd.DataFrame({"x": [20.0, 10.0, 0.0, 0.1, 10.1, 0.2, 0.3]})

    labels = fit_kmeans(features, n_clusters=3)

    assert labels.tolist() == [2, 1, 0, 0, 1, 0, 0]


def test_fit_kmeans_equals_a_direct_kmeans_fit_up_to_label_names():
    features = uniform_noise(n_rows=50)

    labels = fit_kmeans(features, n_clusters=4, random_state=5, n_init=3)
    direct = KMeans(n_clusters=4, n_init=3, random_state=5).fit_predict(features.to_numpy())

    assert same_partition(labels, direct)


def test_fit_clusters_rejects_bad_input():
    features = pd.DataFrame({"x": [0.0, 0.0, 1.0, 1.0]})

    with pytest.raises(ValueError, match="only 2 distinct one"):
        fit_kmeans(features, n_clusters=3)
    with pytest.raises(ValueError, match="The 'method' parameter of fit_clusters must be one of"):
        fit_clusters(features, n_clusters=2, method="dbscan")
    with pytest.raises(ValueError, match="'n_clusters' parameter of fit_clusters must be an int"):
        fit_kmeans(features, n_clusters=1)
    with pytest.raises(ValueError, match="Column 'x' of `features` has 1 missing"):
        fit_kmeans(pd.DataFrame({"x": [0.0, np.nan, 1.0]}), n_clusters=2)


def test_fitting_leaves_the_features_alone():
    features, _ = blobs()
    before = features.copy(deep=True)

    fit_kmeans(features, n_clusters=3, n_init=2)
    k_selection_table(features, k_range=[2, 3], n_init=2)
    cluster_stability(features, n_clusters=3, n_runs=3, n_init=2)

    pd.testing.assert_frame_equal(features, before)


# ------------------------------------------------------------------------------------------
# Profiling
# ------------------------------------------------------------------------------------------


@pytest.fixture
def members() -> pd.DataFrame:
    """Six members in two clusters, with a skipped answer."""
    return pd.DataFrame(
        {
            "spend": [10.0, 20.0, 30.0, 100.0, 140.0, 180.0],
            "health": pd.array([5, 4, None, 1, 2, 3], dtype="Int64"),
            "comment": ["Love it", None, "Fresh food", "Too dear", "", "Great value"],
        },
        index=pd.Index(list("abcdef"), name="customer_id"),
    )


LABELS = pd.Series([0, 0, 0, 1, 1, 1], index=list("abcdef"))


def test_cluster_profile_is_the_mean_per_cluster_by_hand(members):
    profile = cluster_profile(members, LABELS)

    assert profile.index.name == "cluster"
    assert list(profile.columns) == ["spend", "health"]
    # spend: (10+20+30)/3 = 20, (100+140+180)/3 = 140; health skips the missing answer: (5+4)/2.
    assert profile.to_numpy().tolist() == [[20.0, 4.5], [140.0, 2.0]]


def test_relative_importance_by_hand(members):
    importance = relative_importance(members, LABELS)

    # Population means: spend 480/6 = 80; health (5+4+1+2+3)/5 = 3.
    expected = pd.DataFrame(
        {"spend": [20 / 80 - 1, 140 / 80 - 1], "health": [4.5 / 3 - 1, 2 / 3 - 1]},
        index=pd.Index([0, 1], name="cluster"),
    )
    pd.testing.assert_frame_equal(importance, expected)


def test_relative_importance_refuses_a_zero_mean():
    data = pd.DataFrame({"balance": [-1.0, 1.0, -2.0, 2.0]})

    with pytest.raises(ValueError, match="'balance' have a population mean of 0"):
        relative_importance(data, [0, 0, 1, 1])


def test_standardised_means_by_hand(members):
    means = standardised_means(members, LABELS, columns=["spend"])

    # spend: mean 80, population std sqrt(mean of squared deviations).
    deviations = np.array([-70, -60, -50, 20, 60, 100])
    std = math.sqrt((deviations**2).mean())
    assert list(means.columns) == ["cluster", "feature", "standardised_mean"]
    assert means["feature"].tolist() == ["spend", "spend"]
    np.testing.assert_allclose(means["standardised_mean"], [-60 / std, 60 / std])


def test_standardised_means_refuses_a_constant_column(members):
    data = members.assign(city_zone=1.0)

    with pytest.raises(ValueError, match="'city_zone' are constant"):
        standardised_means(data, LABELS)


def test_cluster_summary_sizes_and_revenue_shares_by_hand(members):
    summary = cluster_summary(members, LABELS, value="spend")

    assert summary["size"].tolist() == [3, 3]
    assert summary["share"].tolist() == [0.5, 0.5]
    assert summary["value_total"].tolist() == [60.0, 420.0]
    assert summary["value_mean"].tolist() == [20.0, 140.0]
    np.testing.assert_allclose(summary["value_share"], [60 / 480, 420 / 480])


def test_cluster_summary_without_value_has_size_and_share_only(members):
    summary = cluster_summary(members, [0, 1, 1, 1, 1, 2])

    assert list(summary.columns) == ["size", "share"]
    np.testing.assert_allclose(summary["share"], [1 / 6, 4 / 6, 1 / 6])


def test_profiles_reject_bad_input(members):
    with pytest.raises(TypeError, match="Column 'comment' of `data` must be numeric"):
        cluster_profile(members, LABELS, columns=["comment"])
    with pytest.raises(ValueError, match="has no column 'spent'"):
        cluster_summary(members, LABELS, value="spent")
    with pytest.raises(ValueError, match=r"one label per row of the data \(6\)"):
        relative_importance(members, [0, 1])
    with pytest.raises(ValueError, match="no numeric column to profile"):
        cluster_profile(members[["comment"]], LABELS)


def test_profiles_leave_the_input_alone(members):
    before = members.copy(deep=True)
    labels_before = LABELS.copy()

    cluster_profile(members, LABELS)
    relative_importance(members, LABELS)
    standardised_means(members, LABELS)
    cluster_summary(members, LABELS, value="spend")
    persona_table(members, LABELS, value="spend", comment="comment", n_traits=1)

    pd.testing.assert_frame_equal(members, before)
    pd.testing.assert_series_equal(LABELS, labels_before)


# ------------------------------------------------------------------------------------------
# Comparing partitions
# ------------------------------------------------------------------------------------------

ANSWER = [0, 0, 1, 1, 2, 2, 2]


def test_same_partition_accepts_any_relabelling():
    relabelled = ["Type C", "Type C", "Type A", "Type A", "Type B", "Type B", "Type B"]

    assert same_partition(ANSWER, relabelled)
    assert same_partition(relabelled, ANSWER)
    assert partition_agreement(ANSWER, relabelled) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "wrong",
    [
        [0, 0, 1, 1, 2, 2, 1],  # one member moved
        [0, 0, 1, 1, 1, 1, 1],  # two clusters merged
        [0, 3, 1, 1, 2, 2, 2],  # a cluster split
    ],
)
def test_same_partition_rejects_a_different_partition(wrong):
    assert not same_partition(ANSWER, wrong)
    assert not same_partition(wrong, ANSWER)
    assert partition_agreement(ANSWER, wrong) < 1.0


def test_partition_agreement_is_the_adjusted_rand_index():
    other = [1, 0, 1, 1, 2, 0, 2]

    assert partition_agreement(ANSWER, other) == pytest.approx(adjusted_rand_score(ANSWER, other))


def test_partition_comparison_matches_series_on_their_index():
    answer = pd.Series(ANSWER, index=list("abcdefg"))
    renamed = pd.Series([5, 5, 9, 9, 7, 7, 7], index=list("abcdefg"))
    shuffled = renamed.sample(frac=1, random_state=0)

    assert same_partition(answer, shuffled)
    assert partition_agreement(shuffled, answer) == pytest.approx(1.0)


def test_partition_comparison_rejects_different_lengths():
    with pytest.raises(ValueError, match=r"`labels_b` must hold one label per row of the data"):
        same_partition(ANSWER, [0, 1])


def test_match_labels_renames_clusters_after_the_reference():
    clusters = [2, 2, 0, 0, 1, 1, 1]
    types = ["A", "A", "B", "B", "C", "C", "C"]

    assert match_labels(clusters, types).tolist() == types


def test_match_labels_finds_the_best_one_to_one_matching_not_the_greedy_one():
    # Cluster 0 holds 3 of type A and 2 of B; cluster 1 holds 2 of A. Each cluster's majority
    # is A, but A can go to one cluster only: 0 -> B, 1 -> A agrees on 4 rows, 0 -> A, 1 -> B on 3.
    clusters = [0, 0, 0, 0, 0, 1, 1]
    types = ["A", "A", "A", "B", "B", "A", "A"]

    assert match_labels(clusters, types).tolist() == ["B", "B", "B", "B", "B", "A", "A"]


def test_match_labels_keeps_extra_clusters_and_the_index():
    clusters = pd.Series([0, 0, 1, 1, 2], index=list("vwxyz"))
    types = pd.Series(["A", "A", "B", "B", "B"], index=list("vwxyz"))

    matched = match_labels(clusters, types)

    assert matched.to_dict() == {"v": "A", "w": "A", "x": "B", "y": "B", "z": "unmatched 2"}


def test_match_labels_never_merges_clusters():
    # Three clusters, two reference labels that reuse the cluster numbers 0 and 1: an
    # unmatched cluster keeping its own number would fall together with a matched one.
    clusters = [0, 0, 1, 1, 2, 2]
    reference = [1, 1, 0, 0, 0, 0]

    matched = match_labels(clusters, reference)

    assert matched.nunique() == 3
    assert same_partition(matched, clusters)
    assert matched.tolist()[:2] == [1, 1]


# ------------------------------------------------------------------------------------------
# Personas
# ------------------------------------------------------------------------------------------


def test_persona_table_traits_and_values_by_hand(members):
    personas = persona_table(members, LABELS, value="spend", n_traits=2)

    # Relative importance (see test_relative_importance_by_hand):
    # cluster 0: spend 20/80 - 1 = -75 %, health 4.5/3 - 1 = +50 %;
    # cluster 1: spend 140/80 - 1 = +75 %, health 2/3 - 1 = -33 %.
    assert personas["trait_1"].tolist() == ["spend -75%", "spend +75%"]
    assert personas["trait_2"].tolist() == ["health +50%", "health -33%"]
    assert personas["size"].tolist() == [3, 3]
    np.testing.assert_allclose(personas["value_share"], [60 / 480, 420 / 480])
    assert "quote" not in personas.columns


def test_persona_table_quotes_the_commenting_member_nearest_the_centroid(members):
    features = pd.DataFrame({"f": [0.0, 1.0, 3.0, 10.0, 11.0, 30.0]}, index=members.index)

    personas = persona_table(members, LABELS, comment="comment", features=features, n_traits=1)

    # Cluster 0: centroid f = 4/3; 'a' is 4/3 away, 'b' (no comment) 1/3, 'c' 5/3 -> 'a'.
    # Cluster 1: centroid f = 17; 'd' is 7 away, 'e' (empty comment) 6, 'f' 13 -> 'd'.
    assert personas["quote"].tolist() == ["Love it", "Too dear"]


def test_persona_table_quote_is_missing_when_no_member_commented(members):
    data = members.assign(comment=["Love it", None, None, None, "", None])

    personas = persona_table(data, LABELS, comment="comment", n_traits=1)

    assert personas.loc[0, "quote"] == "Love it"
    assert pd.isna(personas.loc[1, "quote"])


def test_persona_table_rejects_bad_input(members):
    with pytest.raises(ValueError, match=r"n_traits=3 but only 2 column\(s\)"):
        persona_table(members, LABELS)
    with pytest.raises(ValueError, match="has no column 'remarks'"):
        persona_table(members, LABELS, comment="remarks", n_traits=1)
    with pytest.raises(ValueError, match="The index of `features` does not match"):
        persona_table(
            members,
            LABELS,
            comment="comment",
            features=pd.DataFrame({"f": np.arange(6.0)}),
            n_traits=1,
        )
