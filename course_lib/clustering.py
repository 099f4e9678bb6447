"""Clustering customers: prepare features, choose k, fit, profile, compare, describe personas.

The steps of a segmentation by clustering, each a small function that takes
and returns DataFrames:

1. **prepare** the features (:func:`prepare_features`): log1p of skewed
   amounts, standardisation, one-hot encoding of categories, with a report of
   what was done to which column and why;
2. **choose k** (:func:`k_selection_table`, :func:`cluster_stability`): the
   usual metrics often disagree, and stability shows whether a solution is
   real or an accident of the seed;
3. **fit** (:func:`fit_kmeans`, :func:`fit_clusters`): labels aligned with the
   rows of the data, clusters numbered by size, largest first;
4. **profile** (:func:`cluster_profile`, :func:`relative_importance`,
   :func:`standardised_means`, :func:`cluster_summary`);
5. **compare** partitions whatever their label numbers
   (:func:`same_partition`, :func:`partition_agreement`, :func:`match_labels`);
6. **describe** each cluster as a persona (:func:`persona_table`).

Nothing here reads files, draws or prints: the figures are in
:mod:`course_lib.plots.clustering`.

Examples
--------
>>> import pandas as pd
>>> customers = pd.DataFrame(
...     {"orders": [1, 2, 1, 9, 10, 8], "spend": [12.0, 20.0, 15.0, 310.0, 280.0, 250.0]},
...     index=pd.Index([101, 102, 103, 104, 105, 106], name="customer_id"),
... )
>>> features = prepare_features(customers, log_skewed=False, return_report=False)
>>> labels = fit_kmeans(features, n_clusters=2)
>>> labels.tolist()
[0, 0, 0, 1, 1, 1]
>>> cluster_profile(customers, labels).round(1)
         orders  spend
cluster
0           1.3   15.7
1           9.0  280.0
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from itertools import combinations
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from course_lib.validation import (
    require_columns,
    require_dataframe,
    require_non_empty,
    require_numeric,
    require_one_of,
    require_positive_int,
    return_flag,
    sample_of,
)

__all__ = [
    "CLUSTERING_METHODS",
    "STABILITY_METHODS",
    "as_label_series",
    "check_features",
    "cluster_profile",
    "cluster_stability",
    "cluster_summary",
    "fit_clusters",
    "fit_kmeans",
    "k_selection_table",
    "make_preparation_pipeline",
    "match_labels",
    "partition_agreement",
    "persona_table",
    "prepare_features",
    "relative_importance",
    "same_partition",
    "standardised_means",
]

#: The clustering methods :func:`fit_clusters` knows.
CLUSTERING_METHODS = ("kmeans", "gmm", "agglomerative")
#: How :func:`cluster_stability` perturbs the fits.
STABILITY_METHODS = ("bootstrap", "seeds")
#: The name of every label Series this module returns.
LABEL_NAME = "cluster"


# --------------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------------


def check_features(features: Any, *, name: str = "features") -> None:
    """Raise unless `features` is a non-empty DataFrame of finite numbers, ready to cluster.

    Parameters
    ----------
    features : DataFrame
        Prepared features, one row per member, for example from :func:`prepare_features`.
    name : str, default="features"
        The argument's name, used in the error message.

    Raises
    ------
    TypeError
        If `features` is not a DataFrame or a column is not numeric.
    ValueError
        If it has no rows or columns, or a column holds a missing or non-finite value.

    Examples
    --------
    >>> check_features(pd.DataFrame({"spend": [1.0, float("inf")]}))
    Traceback (most recent call last):
    ...
    ValueError: Column 'spend' of `features` has 1 missing or non-finite value(s), like inf. ...
    """
    require_non_empty(features, name=name)
    if features.shape[1] == 0:
        raise ValueError(f"`{name}` has no columns; at least 1 feature column is required.")
    for column in features.columns:
        require_numeric(features, column, name=name)
        values = features[column].to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(values)
        if bad.any():
            raise ValueError(
                f"Column {column!r} of `{name}` has {int(bad.sum())} missing or non-finite "
                f"value(s), like {sample_of(values[bad].tolist())}. Clustering needs finite "
                "numbers: prepare the data with prepare_features() first."
            )


def as_label_series(labels: Any, data: pd.DataFrame, *, name: str = "labels") -> pd.Series:
    """Return `labels` as a Series named ``"cluster"`` aligned with the rows of `data`.

    Parameters
    ----------
    labels : Series or array-like of shape (n_rows,)
        One cluster label per row of `data`. A Series is matched on the index
        (its order may differ); anything else is matched on position.
    data : DataFrame
        The rows the labels belong to.
    name : str, default="labels"
        The argument's name, used in error messages.

    Returns
    -------
    Series
        The labels, indexed like `data`.

    Raises
    ------
    ValueError
        If the lengths or indexes differ, or a label is missing.

    Examples
    --------
    >>> data = pd.DataFrame({"spend": [5.0, 7.0, 9.0]}, index=["a", "b", "c"])
    >>> as_label_series([1, 1, 0], data).to_dict()
    {'a': 1, 'b': 1, 'c': 0}
    """
    require_dataframe(data)
    if isinstance(labels, pd.Series):
        if not labels.index.equals(data.index):
            if len(labels) != len(data) or not labels.index.is_unique or set(labels.index) != set(data.index):
                unlabelled = data.index.difference(labels.index)
                raise ValueError(
                    f"The index of `{name}` does not match the index of the data: "
                    f"{len(labels)} label(s) for {len(data)} row(s); rows without a label "
                    f"look like {sample_of(unlabelled) or 'none'}. Pass one label per row."
                )
            labels = labels.reindex(data.index)
        series = labels.rename(LABEL_NAME)
    else:
        values = np.asarray(labels)
        if values.ndim != 1 or len(values) != len(data):
            raise ValueError(
                f"`{name}` must hold one label per row of the data ({len(data)}), got shape {values.shape} instead."
            )
        series = pd.Series(values, index=data.index, name=LABEL_NAME)
    if series.isna().any():
        raise ValueError(
            f"`{name}` has {int(series.isna().sum())} missing label(s), at rows like "
            f"{sample_of(series.index[series.isna()])}. Every row needs a cluster."
        )
    return series


def _profile_columns(data: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    """Return `columns` (checked numeric) or, when None, every numeric column of `data`."""
    if columns is None:
        columns = [
            column
            for column in data.columns
            if pd.api.types.is_numeric_dtype(data[column]) and not pd.api.types.is_bool_dtype(data[column])
        ]
        if not columns:
            raise ValueError(
                f"The data has no numeric column to profile. Available columns: "
                f"{list(data.columns)}; pass columns= explicitly."
            )
    columns = list(columns)
    require_columns(data, columns)
    for column in columns:
        require_numeric(data, column)
    return columns


def _number_by_size(raw_labels: np.ndarray) -> np.ndarray:
    """Renumber cluster labels 0, 1, ... by cluster size, largest first.

    Ties go to the cluster whose first member comes first, so the numbering
    is deterministic.
    """
    sizes = np.bincount(raw_labels)
    first_row = np.full(len(sizes), len(raw_labels))
    np.minimum.at(first_row, raw_labels, np.arange(len(raw_labels)))
    order = np.lexsort((first_row, -sizes))  # old labels, in their new order
    new_number = np.empty(len(sizes), dtype="int64")
    new_number[order] = np.arange(len(sizes))
    return new_number[raw_labels]


def _require_fittable(features: pd.DataFrame, n_clusters: int, *, function: str) -> np.ndarray:
    """Check that `features` can form `n_clusters` clusters; return them as a float array."""
    check_features(features)
    require_positive_int(n_clusters, parameter="n_clusters", function=function, minimum=2)
    matrix = features.to_numpy(dtype="float64")
    n_distinct = len(np.unique(matrix, axis=0))
    if n_distinct < n_clusters:
        raise ValueError(
            f"`features` has {len(matrix)} row(s) but only {n_distinct} distinct one(s): "
            f"too few to form {n_clusters} clusters. Use a smaller n_clusters or more rows."
        )
    return matrix


# --------------------------------------------------------------------------------------------
# 1. Preparing features
# --------------------------------------------------------------------------------------------


def _check_column_lists(numeric: Sequence[str], categorical: Sequence[str]) -> None:
    """Refuse an empty selection and a column named twice."""
    for kind, columns in (("numeric", numeric), ("categorical", categorical)):
        repeated = pd.Index(columns)[pd.Index(columns).duplicated()].tolist()
        if repeated:
            raise ValueError(f"Column(s) {sample_of(repeated)} appear twice in `{kind}`.")
    both = sorted(set(numeric) & set(categorical), key=str)
    if both:
        raise ValueError(
            f"Column(s) {sample_of(both, limit=len(both))} are listed as both numeric and "
            "categorical; name each column once."
        )
    if not numeric and not categorical:
        raise ValueError("No feature column given: name at least one numeric or categorical column.")


def make_preparation_pipeline(
    *,
    numeric: Sequence[str] = (),
    categorical: Sequence[str] = (),
    log_columns: Sequence[str] = (),
) -> ColumnTransformer:
    """Build the (unfitted) scikit-learn transformer that prepares features for clustering.

    Three branches, each a :class:`~sklearn.pipeline.Pipeline`:

    - ``"log_scaled"`` for `log_columns`: median imputation, ``log1p``, standardisation;
    - ``"scaled"`` for the other `numeric` columns: median imputation, standardisation;
    - ``"one_hot"`` for `categorical` columns: most-frequent imputation, one-hot encoding.

    Parameters
    ----------
    numeric : sequence of str, default=()
        Numeric columns, standardised. Must include every column of `log_columns`.
    categorical : sequence of str, default=()
        Categorical columns, one-hot encoded (one 0/1 column per category).
    log_columns : sequence of str, default=()
        Numeric columns to pass through ``log1p`` before standardising.

    Returns
    -------
    ColumnTransformer
        Unfitted; its output is a DataFrame (``set_output(transform="pandas")``) whose
        columns keep the input names, plus ``column_category`` for indicator columns.

    See Also
    --------
    prepare_features : chooses the log columns from the data and explains every choice.

    Notes
    -----
    - ``log1p(x) = ln(1 + x)`` is defined at 0, so customers with no spend stay finite.
    - Standardisation: ``z = (x - mean) / std`` with the population standard
      deviation (``ddof=0``), as :class:`~sklearn.preprocessing.StandardScaler`.
    - Indicator columns are left as 0/1, not standardised.
    - Categories not seen in ``fit`` are encoded as all zeros by ``transform``.

    Examples
    --------
    >>> pipeline = make_preparation_pipeline(numeric=["spend", "orders"], log_columns=["spend"])
    >>> [name for name, _, _ in pipeline.transformers]
    ['log_scaled', 'scaled']
    >>> customers = pd.DataFrame({"spend": [0.0, 1.0, 3.0], "orders": [1, 2, 3]})
    >>> pipeline.fit_transform(customers).round(2)  # log1p makes 0, 1, 3 evenly spaced
       spend  orders
    0  -1.22   -1.22
    1   0.00    0.00
    2   1.22    1.22
    """
    numeric, categorical, log_columns = list(numeric), list(categorical), list(log_columns)
    _check_column_lists(numeric, categorical)
    not_numeric = [column for column in log_columns if column not in numeric]
    if not_numeric:
        raise ValueError(
            f"log_columns {sample_of(not_numeric, limit=len(not_numeric))} must also be listed "
            f"in numeric. numeric={numeric}."
        )
    scaled = [column for column in numeric if column not in log_columns]
    branches = [
        (
            "log_scaled",
            Pipeline(
                [
                    ("impute", SimpleImputer(strategy="median")),
                    ("log1p", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
                    ("scale", StandardScaler()),
                ]
            ),
            log_columns,
        ),
        (
            "scaled",
            Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]),
            scaled,
        ),
        (
            "one_hot",
            Pipeline(
                [
                    ("impute", SimpleImputer(strategy="most_frequent")),
                    ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                ]
            ),
            categorical,
        ),
    ]
    transformer = ColumnTransformer([branch for branch in branches if branch[2]], verbose_feature_names_out=False)
    return transformer.set_output(transform="pandas")


def _split_by_dtype(data: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Numeric (not bool) columns and categorical (str, object, category, bool) columns."""
    numeric, categorical = [], []
    for column in data.columns:
        dtype = data[column].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            raise TypeError(
                f"Column {column!r} holds {dtype} values, which cannot be clustered as they "
                "are. Derive a number from it (days since, for example) or name the columns "
                "to use with numeric= and categorical=."
            )
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            categorical.append(column)
        else:
            numeric.append(column)
    return numeric, categorical


def _require_informative(data: pd.DataFrame, column: str) -> None:
    """Refuse a column with no observed value or only one distinct value."""
    observed = data[column].dropna()
    if observed.empty:
        raise ValueError(f"Column {column!r} has no value at all (every row is missing); drop it.")
    if observed.nunique() == 1:
        raise ValueError(
            f"Column {column!r} is constant (every value is {observed.tolist()[0]!r}): it cannot "
            "separate customers and cannot be standardised. Drop it from the features."
        )


def _require_finite(data: pd.DataFrame, column: str) -> None:
    values = data[column].to_numpy(dtype="float64", na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        raise ValueError(
            f"Column {column!r} has {int(infinite.sum())} infinite value(s), like "
            f"{sample_of(values[infinite].tolist())}. Replace them (a division by zero upstream?) "
            "before clustering."
        )


def _numeric_reason(
    skewness: float,
    minimum: float,
    *,
    log_skewed: bool,
    skew_threshold: float,
) -> tuple[bool, str]:
    """Decide whether a column gets log1p, and say why in words."""
    if np.isnan(skewness):
        return False, "too few values to measure skewness: standardised only"
    described = f"skewness {skewness:.2f}"
    if not log_skewed:
        return False, f"{described}; log_skewed=False: standardised only"
    if skewness <= skew_threshold:
        return False, f"{described} <= {skew_threshold:g}: standardised only"
    if minimum < 0:
        return False, (
            f"{described} > {skew_threshold:g}, but it has negative values (min {minimum:g}), "
            "so log1p does not apply: standardised only"
        )
    return True, f"non-negative and right-skewed: {described} > {skew_threshold:g}"


def prepare_features(
    data: pd.DataFrame,
    *,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    log_skewed: bool = True,
    skew_threshold: float = 1.0,
    return_report: bool | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Turn customer columns into clustering features, and report what was done and why.

    k-means measures distances, so every feature must be a number on a
    comparable scale: a long tail of big spenders would otherwise decide the
    clusters alone, and a column in euros would outweigh a 1–5 answer.

    Parameters
    ----------
    data : DataFrame
        One row per customer (or respondent). Not modified.
    numeric : sequence of str, optional
        Numeric columns to standardise (and log1p when skewed).
    categorical : sequence of str, optional
        Categorical columns to one-hot encode.
        If both `numeric` and `categorical` are None, every column is used,
        split by dtype (numbers are numeric; text, category and bool columns
        are categorical). If you name either list, only named columns are used.
    log_skewed : bool, default=True
        Apply ``log1p`` to non-negative numeric columns whose skewness exceeds
        `skew_threshold`.
    skew_threshold : float, default=1.0
        The skewness above which a column counts as right-skewed. 1.0 is the
        common rule of thumb for "highly skewed".
    return_report : bool, optional
        Also return the report of what was done to each column and why. Say
        True or False: until the next release, leaving it out returns both
        (the old behaviour) with a ``FutureWarning``; from then on the
        default is False.

    Returns
    -------
    features : DataFrame
        One row per row of `data` (same index), one column per numeric column
        (same name, in the order given) and then one 0/1 column per category
        (``column_category``).
    report : DataFrame, only when `return_report` is True
        One row per input column: ``column``, ``transform`` (the steps applied,
        in order) and ``reason``.

    Raises
    ------
    TypeError
        If a numeric column is not numeric, or a column's dtype cannot be clustered.
    ValueError
        If a column is missing, has an infinite value, has no value at all or is constant.

    See Also
    --------
    make_preparation_pipeline : the scikit-learn object that does the work.

    Notes
    -----
    - Skewness is the adjusted Fisher–Pearson coefficient ``G1`` of the
      non-missing values (:meth:`pandas.Series.skew`); 0 for a symmetric column,
      positive when a few large values stretch the right tail (spend, order counts).
    - ``log1p(x) = ln(1 + x)``, used only on columns with no negative value.
    - Standardisation: ``z = (x - mean) / std``, population standard deviation (``ddof=0``).
    - Missing values are imputed, and the report says so: the column's median
      for numeric columns (before log1p), the most frequent category for
      categorical ones (ties: the first in sorted order). Nullable ``Int64``
      columns with ``pd.NA`` (survey answers) work.

    Examples
    --------
    >>> customers = pd.DataFrame(
    ...     {
    ...         "spend": [0.0, 1.0, 3.0, 7.0, 63.0],
    ...         "answer": pd.array([1, 2, None, 4, 5], dtype="Int64"),
    ...         "diet": ["vegan", "vegan", "curious", "vegan", "curious"],
    ...     }
    ... )
    >>> features, report = prepare_features(customers, return_report=True)
    >>> features.round(2)
       spend  answer  diet_curious  diet_vegan
    0  -1.17   -1.41           0.0         1.0
    1  -0.68   -0.71           0.0         1.0
    2  -0.19    0.00           1.0         0.0
    3   0.29    0.71           0.0         1.0
    4   1.75    1.41           1.0         0.0
    >>> report[["column", "transform"]]
       column                     transform
    0   spend             log1p, standardise
    1  answer  impute median, standardise
    2    diet                       one-hot
    >>> print(report.loc[0, "reason"])
    non-negative and right-skewed: skewness 2.18 > 1
    >>> prepare_features(customers, return_report=False).shape
    (5, 4)
    """
    require_non_empty(data)
    if not isinstance(log_skewed, bool):
        raise TypeError(f"`log_skewed` must be True or False, got {log_skewed!r} instead.")
    if isinstance(skew_threshold, bool) or not isinstance(skew_threshold, Real):
        raise TypeError(f"`skew_threshold` must be a number, got {skew_threshold!r} instead.")
    if numeric is None and categorical is None:
        numeric, categorical = _split_by_dtype(data)
    numeric, categorical = list(numeric or ()), list(categorical or ())
    _check_column_lists(numeric, categorical)
    require_columns(data, numeric + categorical)
    for column in numeric:
        require_numeric(data, column)
        _require_finite(data, column)
    for column in numeric + categorical:
        _require_informative(data, column)

    # Plain float64 and object columns with NaN for missing: scikit-learn's
    # imputers recognise NaN, not every pandas missing-value marker (pd.NA).
    numbers = data[numeric].astype("float64")
    categories = data[categorical].astype(object).mask(data[categorical].isna(), np.nan)
    skewness = numbers.skew()
    decisions = {
        column: _numeric_reason(
            skewness[column],
            numbers[column].min(),
            log_skewed=log_skewed,
            skew_threshold=float(skew_threshold),
        )
        for column in numeric
    }
    log_columns = [column for column in numeric if decisions[column][0]]
    pipeline = make_preparation_pipeline(numeric=numeric, categorical=categorical, log_columns=log_columns)
    features = pipeline.fit_transform(pd.concat([numbers, categories], axis=1))
    # The pipeline emits its branches in turn (logged columns first); give the numeric
    # columns back in the caller's order, so profiles and snake plots read as asked.
    indicators = [column for column in features.columns if column not in numeric]
    features = features[numeric + indicators]
    features.index = data.index
    if not return_flag(
        return_report, parameter="return_report", function="prepare_features", names=("features", "report")
    ):
        return features
    return features, _preparation_report(pipeline, data, decisions, categorical)


def _imputed_values(pipeline: ColumnTransformer) -> dict[str, Any]:
    """The value each fitted imputer fills in, by column."""
    filled: dict[str, Any] = {}
    for name, branch, columns in pipeline.transformers_:
        if name == "remainder":
            continue
        filled.update(zip(columns, branch.named_steps["impute"].statistics_, strict=True))
    return filled


def _preparation_report(
    pipeline: ColumnTransformer,
    data: pd.DataFrame,
    decisions: dict[str, tuple[bool, str]],
    categorical: list[str],
) -> pd.DataFrame:
    """One row per column of `data` used: the steps the fitted `pipeline` applied, and why."""
    filled = _imputed_values(pipeline)
    n_missing = data[list(decisions) + categorical].isna().sum()
    rows = []
    for column, (logged, reason) in decisions.items():
        steps = ["log1p", "standardise"] if logged else ["standardise"]
        if n_missing[column]:
            steps.insert(0, "impute median")
            reason += f"; {n_missing[column]} missing value(s) set to the median {filled[column]:g}"
        rows.append((column, ", ".join(steps), reason))
    for column in categorical:
        n_categories = data[column].nunique()
        steps = ["one-hot"]
        reason = f"categorical: {n_categories} categories, one 0/1 column each"
        if n_missing[column]:
            steps.insert(0, "impute most frequent")
            reason += f"; {n_missing[column]} missing value(s) set to the most frequent category {filled[column]!r}"
        rows.append((column, ", ".join(steps), reason))
    return pd.DataFrame(rows, columns=["column", "transform", "reason"])


# --------------------------------------------------------------------------------------------
# 2. Choosing k
# --------------------------------------------------------------------------------------------


def k_selection_table(
    features: pd.DataFrame,
    *,
    k_range: Iterable[int] = range(2, 9),
    random_state: int = 0,
    n_init: int = 10,
    silhouette_sample_size: int | None = 10_000,
) -> pd.DataFrame:
    """Fit k-means for each k and tabulate four ways of judging the result.

    Parameters
    ----------
    features : DataFrame
        Prepared features (finite numbers), for example from :func:`prepare_features`.
    k_range : iterable of int, default=range(2, 9)
        The numbers of clusters to try; each between 2 and ``n_rows - 1``.
    random_state : int, default=0
        Seed of k-means' initialisation.
    n_init : int, default=10
        Number of k-means initialisations per k (the best is kept).
    silhouette_sample_size : int or None, default=10_000
        With more rows than this, the silhouette is computed on a random
        sample of this many rows (drawn with `random_state`), because it
        compares every pair of rows: 10,000 rows take about a second per k,
        100,000 rows would take minutes. None: always use every row.

    Returns
    -------
    DataFrame
        Indexed by ``k``, with columns ``inertia``, ``silhouette``,
        ``calinski_harabasz`` and ``davies_bouldin``.

    Notes
    -----
    - ``inertia``: sum over members of the squared distance to their
      centroid. Always falls as k grows; look for the "elbow".
    - ``silhouette``: mean over members of ``(b - a) / max(a, b)``, with ``a``
      the mean distance to the own cluster and ``b`` to the nearest other
      cluster; from -1 to 1, **higher is better**.
    - ``calinski_harabasz``: between-cluster dispersion ÷ within-cluster
      dispersion, each divided by its degrees of freedom (``k - 1`` and
      ``n - k``); **higher is better**.
    - ``davies_bouldin``: mean over clusters of the largest
      ``(s_i + s_j) / d_ij`` (spread of two clusters ÷ distance of their
      centroids); 0 at best, **lower is better**.

    The metrics often disagree; :func:`cluster_stability` helps to decide.
    How high is high? For the silhouette, Kaufman and Rousseeuw, who
    introduced it, read averages above 0.7 as strong structure, 0.5 to 0.7 as
    reasonable, and 0.25 to 0.5 as weak, possibly artificial.

    Examples
    --------
    >>> features = pd.DataFrame(
    ...     {"x": [0.0, 0.1, 0.2, 5.0, 5.1, 5.2], "y": [0.0, 0.2, 0.1, 5.0, 5.2, 5.1]}
    ... )
    >>> k_selection_table(features, k_range=[2, 3])[["silhouette", "davies_bouldin"]].round(2)
       silhouette  davies_bouldin
    k
    2        0.97            0.03
    3        0.61            0.23
    """
    check_features(features)
    require_positive_int(n_init, parameter="n_init", function="k_selection_table")
    ks = list(k_range)
    if not ks:
        raise ValueError("`k_range` is empty; give at least one number of clusters, like range(2, 9).")
    for k in ks:
        require_positive_int(k, parameter="k_range", function="k_selection_table", minimum=2)
    too_big = [k for k in ks if k > len(features) - 1]
    if too_big:
        raise ValueError(
            f"`features` has {len(features)} rows: too few for k = {sample_of(too_big)}. The "
            f"silhouette needs k <= n_rows - 1 = {len(features) - 1}; use a smaller k_range."
        )
    matrix = _require_fittable(features, max(ks), function="k_selection_table")
    if silhouette_sample_size is not None:
        require_positive_int(
            silhouette_sample_size,
            parameter="silhouette_sample_size",
            function="k_selection_table",
            minimum=max(ks) + 1,
        )
    sample_size = (
        silhouette_sample_size if silhouette_sample_size is not None and len(matrix) > silhouette_sample_size else None
    )
    rows = []
    for k in ks:
        model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(matrix)
        rows.append(
            {
                "k": k,
                "inertia": model.inertia_,
                "silhouette": silhouette_score(
                    matrix, model.labels_, sample_size=sample_size, random_state=random_state
                ),
                "calinski_harabasz": calinski_harabasz_score(matrix, model.labels_),
                "davies_bouldin": davies_bouldin_score(matrix, model.labels_),
            }
        )
    return pd.DataFrame(rows).set_index("k")


def cluster_stability(
    features: pd.DataFrame,
    *,
    n_clusters: int,
    n_runs: int = 20,
    random_state: int = 0,
    method: str = "bootstrap",
    n_init: int = 10,
) -> pd.Series:
    """Measure how much a k-means solution changes when the data or the seed change.

    A segmentation worth naming comes back when you fit it again on another
    sample of the same customers. If it does not, the clusters are an accident
    of the sample or of the starting points.

    Parameters
    ----------
    features : DataFrame
        Prepared features (finite numbers).
    n_clusters : int
        The number of clusters k (at least 2).
    n_runs : int, default=20
        Number of fits to compare (at least 2).
    random_state : int, default=0
        Seed of the resamples and of the fits' seeds.
    method : {"bootstrap", "seeds"}, default="bootstrap"
        ``"bootstrap"``: each fit sees a bootstrap sample (``n`` rows drawn
        with replacement), then labels **all** rows by their nearest centroid.
        ``"seeds"``: each fit sees all rows but starts from another seed.
    n_init : int, default=10
        Number of k-means initialisations within each fit.

    Returns
    -------
    Series
        ``mean_ari`` and ``min_ari``, the mean and the smallest adjusted Rand
        index over all ``n_runs * (n_runs - 1) / 2`` pairs of fits; named
        `n_clusters`, so a list of them makes a table indexed by k.

    Notes
    -----
    The adjusted Rand index (ARI) counts the pairs of customers that two
    partitions put together or apart alike, corrected for chance:
    ``ARI = (RI - E[RI]) / (max RI - E[RI])``. 1 means the same partition
    (whatever the label numbers), about 0 means no more agreement than chance.
    This kit reads a mean ARI of 0.85 or more as "the solution comes back".
    That cut-off is the course's own convention, not a published threshold.
    Hennig's well-known cut-offs (``clusterboot`` in R: a cluster "dissolves"
    below 0.5 and is stable from about 0.75 or 0.85) are for another measure,
    the mean Jaccard similarity of *each cluster* with its best match over
    bootstrap samples, and do not carry over to the ARI of whole partitions.

    Stability is necessary, not sufficient: k-means cuts structureless data
    (one round cloud of points, say) into the same pieces again and again, so
    a stable solution can still be no structure at all. Compare with the same
    pipeline on data whose columns were shuffled independently (a
    no-structure baseline), and read the silhouette: averages up to about 0.5
    mean weak structure that may be artificial (Kaufman and Rousseeuw).

    With ``method="seeds"``, the `n_init` restarts inside each fit already
    pick the best of several starts, which hides much of the dependence on the
    seed; ``n_init=1`` shows how much a single start depends on it.

    Examples
    --------
    >>> features = pd.DataFrame(
    ...     {
    ...         "x": [0.0, 0.1, 0.2, 5.0, 5.1, 5.2, 9.0, 9.1],
    ...         "y": [0.0, 0.2, 0.1, 5.0, 5.2, 5.1, 0.0, 0.1],
    ...     }
    ... )
    >>> cluster_stability(features, n_clusters=3, n_runs=5, method="seeds")
    mean_ari    1.0
    min_ari     1.0
    Name: 3, dtype: float64
    """
    matrix = _require_fittable(features, n_clusters, function="cluster_stability")
    require_positive_int(n_runs, parameter="n_runs", function="cluster_stability", minimum=2)
    require_positive_int(n_init, parameter="n_init", function="cluster_stability")
    require_one_of(method, STABILITY_METHODS, parameter="method", function="cluster_stability")
    rng = np.random.default_rng(random_state)
    seeds = rng.integers(np.iinfo(np.int32).max, size=n_runs)
    runs = []
    for run, seed in enumerate(seeds):
        sample = matrix
        if method == "bootstrap":
            sample = matrix[rng.integers(len(matrix), size=len(matrix))]
            if len(np.unique(sample, axis=0)) < n_clusters:
                raise ValueError(
                    f"Bootstrap sample {run} has fewer than {n_clusters} distinct rows: the data "
                    "are too small to resample. Use more rows or method='seeds'."
                )
        model = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=int(seed)).fit(sample)
        runs.append(model.predict(matrix))
    agreements = [adjusted_rand_score(a, b) for a, b in combinations(runs, 2)]
    return pd.Series(
        {"mean_ari": float(np.mean(agreements)), "min_ari": float(np.min(agreements))},
        name=n_clusters,
    )


# --------------------------------------------------------------------------------------------
# 3. Fitting
# --------------------------------------------------------------------------------------------


def fit_clusters(
    features: pd.DataFrame,
    *,
    n_clusters: int,
    method: str = "kmeans",
    random_state: int = 0,
    n_init: int = 10,
) -> pd.Series:
    """Cluster the rows of `features` and return one label per row.

    Parameters
    ----------
    features : DataFrame
        Prepared features (finite numbers).
    n_clusters : int
        The number of clusters (at least 2).
    method : {"kmeans", "gmm", "agglomerative"}, default="kmeans"
        ``"kmeans"``: :class:`~sklearn.cluster.KMeans`, round clusters of similar spread.
        ``"gmm"``: :class:`~sklearn.mixture.GaussianMixture` (full covariance),
        elliptical clusters of different sizes; each row gets its most likely component.
        ``"agglomerative"``: :class:`~sklearn.cluster.AgglomerativeClustering`
        with Ward linkage, deterministic (ignores `random_state` and `n_init`).
    random_state : int, default=0
        Seed of the initialisation (k-means and gmm).
    n_init : int, default=10
        Number of initialisations; the best is kept (k-means and gmm).

    Returns
    -------
    Series
        Named ``"cluster"``, indexed like `features`, with labels 0, 1, ...
        numbered by cluster size, largest first (ties: the cluster whose first
        row comes first). With gmm, a component that wins no row makes one cluster fewer.

    Examples
    --------
    >>> features = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.1, 5.2]}, index=list("abcde"))
    >>> fit_clusters(features, n_clusters=2, method="agglomerative").to_dict()
    {'a': 1, 'b': 1, 'c': 0, 'd': 0, 'e': 0}
    """
    require_one_of(method, CLUSTERING_METHODS, parameter="method", function="fit_clusters")
    matrix = _require_fittable(features, n_clusters, function="fit_clusters")
    require_positive_int(n_init, parameter="n_init", function="fit_clusters")
    if method == "kmeans":
        model = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=random_state)
    elif method == "gmm":
        model = GaussianMixture(n_components=n_clusters, n_init=n_init, random_state=random_state)
    else:
        model = AgglomerativeClustering(n_clusters=n_clusters, linkage="ward")
    raw_labels = model.fit_predict(matrix)
    return pd.Series(_number_by_size(raw_labels), index=features.index, name=LABEL_NAME)


def fit_kmeans(
    features: pd.DataFrame,
    *,
    n_clusters: int,
    random_state: int = 0,
    n_init: int = 10,
) -> pd.Series:
    """Cluster the rows of `features` with k-means; one label per row.

    The same as ``fit_clusters(features, n_clusters=n_clusters, method="kmeans", ...)``.

    Parameters
    ----------
    features : DataFrame
        Prepared features (finite numbers).
    n_clusters : int
        The number of clusters k (at least 2).
    random_state : int, default=0
        Seed of the initialisation.
    n_init : int, default=10
        Number of initialisations; the one with the lowest inertia is kept.

    Returns
    -------
    Series
        Named ``"cluster"``, indexed like `features`, numbered by size, largest first.

    Notes
    -----
    k-means minimises the inertia, the sum over members of the squared
    Euclidean distance to their cluster's centroid (the members' mean).

    Examples
    --------
    >>> features = pd.DataFrame({"x": [0.0, 0.1, 5.0, 5.1, 5.2]}, index=list("abcde"))
    >>> fit_kmeans(features, n_clusters=2).to_dict()
    {'a': 1, 'b': 1, 'c': 0, 'd': 0, 'e': 0}
    """
    return fit_clusters(features, n_clusters=n_clusters, method="kmeans", random_state=random_state, n_init=n_init)


# --------------------------------------------------------------------------------------------
# 4. Profiling
# --------------------------------------------------------------------------------------------


def cluster_profile(
    data: pd.DataFrame,
    labels: Any,
    *,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mean of each column per cluster, in the data's own units.

    Parameters
    ----------
    data : DataFrame
        One row per member, in original units (not the prepared features).
    labels : Series or array-like
        One cluster label per row of `data` (see :func:`as_label_series`).
    columns : sequence of str, optional
        Numeric columns to profile; by default every numeric column.

    Returns
    -------
    DataFrame
        One row per cluster (index ``cluster``), one column per column profiled.

    Notes
    -----
    Missing values are left out of each mean (a respondent who skipped a
    question does not count for that question).

    Examples
    --------
    >>> data = pd.DataFrame({"spend": [10.0, 20.0, 90.0, 110.0], "orders": [1, 3, 8, 12]})
    >>> cluster_profile(data, [1, 1, 0, 0])
             spend  orders
    cluster
    0        100.0    10.0
    1         15.0     2.0
    """
    require_non_empty(data)
    columns = _profile_columns(data, columns)
    labels = as_label_series(labels, data)
    return data[columns].astype("float64").groupby(labels, observed=True).mean()


def relative_importance(
    data: pd.DataFrame,
    labels: Any,
    *,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """How much each cluster's mean differs from the population mean, as a fraction.

    Parameters
    ----------
    data : DataFrame
        One row per member, in original units with positive means (amounts,
        counts, 1–5 answers); not standardised features, whose means are 0.
    labels : Series or array-like
        One cluster label per row of `data`.
    columns : sequence of str, optional
        Numeric columns; by default every numeric column.

    Returns
    -------
    DataFrame
        One row per cluster (index ``cluster``), one column per column:
        ``+0.5`` means 50 % above the average member, ``-0.2`` 20 % below.

    Raises
    ------
    ValueError
        If a column's population mean is 0 (the ratio is undefined).

    Notes
    -----
    ``relative importance = cluster mean / population mean - 1``, where the
    population mean is the mean over all rows of `data` (not the mean of the
    cluster means), missing values left out of both. With a negative
    population mean the sign would flip: use :func:`standardised_means` instead.

    Examples
    --------
    >>> data = pd.DataFrame({"spend": [10.0, 20.0, 90.0, 80.0], "orders": [2, 4, 8, 10]})
    >>> relative_importance(data, [1, 1, 0, 0])  # population means: 50.0 and 6.0
             spend  orders
    cluster
    0          0.7     0.5
    1         -0.7    -0.5
    """
    profile = cluster_profile(data, labels, columns=columns)
    population = data[list(profile.columns)].astype("float64").mean()
    zero = population.index[population == 0].tolist()
    if zero:
        raise ValueError(
            f"Column(s) {sample_of(zero, limit=len(zero))} have a population mean of 0, so "
            "cluster mean / population mean is undefined. Use standardised_means() for them."
        )
    return profile / population - 1


def standardised_means(
    data: pd.DataFrame,
    labels: Any,
    *,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mean z-score of each column per cluster, in long format for a snake plot.

    Parameters
    ----------
    data : DataFrame
        One row per member (original units or prepared features).
    labels : Series or array-like
        One cluster label per row of `data`.
    columns : sequence of str, optional
        Numeric columns; by default every numeric column.

    Returns
    -------
    DataFrame
        Columns ``cluster``, ``feature`` and ``standardised_mean``, one row per
        cluster and feature (features in the order of `columns`).

    Raises
    ------
    ValueError
        If a column is constant (its standard deviation is 0).

    Notes
    -----
    ``z = (x - population mean) / population std`` (``ddof=0``, as
    :class:`~sklearn.preprocessing.StandardScaler`), then the mean of ``z``
    per cluster. 0 is the average member; +1 is one standard deviation above.
    Standardising prepared features again changes nothing.

    Examples
    --------
    >>> data = pd.DataFrame({"spend": [10.0, 20.0, 90.0, 80.0], "orders": [2, 4, 8, 10]})
    >>> standardised_means(data, [1, 1, 0, 0]).round(2)
       cluster feature  standardised_mean
    0        0   spend               0.99
    1        1   spend              -0.99
    2        0  orders               0.95
    3        1  orders              -0.95
    """
    require_non_empty(data)
    columns = _profile_columns(data, columns)
    values = data[columns].astype("float64")
    spread = values.std(ddof=0)
    constant = spread.index[(spread == 0) | spread.isna()].tolist()
    if constant:
        raise ValueError(
            f"Column(s) {sample_of(constant, limit=len(constant))} are constant: a standard "
            "deviation of 0 cannot standardise them. Leave them out with columns=."
        )
    scores = (values - values.mean()) / spread
    return (
        cluster_profile(scores, labels)
        .reset_index()
        .melt(id_vars=LABEL_NAME, var_name="feature", value_name="standardised_mean")
    )


def cluster_summary(
    data: pd.DataFrame,
    labels: Any,
    *,
    value: str | None = None,
) -> pd.DataFrame:
    """Size and share of each cluster and, given a value column, its revenue share.

    Parameters
    ----------
    data : DataFrame
        One row per member.
    labels : Series or array-like
        One cluster label per row of `data`.
    value : str, optional
        A numeric column of value per member (revenue in euros, for example).

    Returns
    -------
    DataFrame
        One row per cluster (index ``cluster``): ``size`` (members), ``share``
        (of all members, 0–1) and, with `value`, ``value_mean``,
        ``value_total`` and ``value_share`` (of the total value, 0–1).

    Notes
    -----
    ``share = size / number of members``;
    ``value_share = cluster's total value / total value of all members``.
    Missing values count as 0 in the totals and are left out of the mean.

    Examples
    --------
    >>> data = pd.DataFrame({"revenue": [10.0, 30.0, 110.0, 50.0]})
    >>> cluster_summary(data, [0, 0, 0, 1], value="revenue")
             size  share  value_mean  value_total  value_share
    cluster
    0           3   0.75        50.0        150.0         0.75
    1           1   0.25        50.0         50.0         0.25
    """
    require_non_empty(data)
    labels = as_label_series(labels, data)
    frame = labels.to_frame()
    aggregations: dict[str, tuple[str, str]] = {"size": (LABEL_NAME, "size")}
    if value is not None:
        require_numeric(data, value)
        frame["value"] = data[value].astype("float64")
        aggregations |= {"value_mean": ("value", "mean"), "value_total": ("value", "sum")}
    summary = frame.groupby(LABEL_NAME, observed=True).agg(**aggregations)
    summary.insert(1, "share", summary["size"] / len(frame))
    if value is not None:
        total = summary["value_total"].sum()
        if total == 0:
            raise ValueError(f"Column {value!r} sums to 0, so no cluster has a share of it.")
        summary["value_share"] = summary["value_total"] / total
    return summary


# --------------------------------------------------------------------------------------------
# 5. Comparing partitions
# --------------------------------------------------------------------------------------------


def _paired_labels(labels_a: Any, labels_b: Any) -> tuple[pd.Series, pd.Series]:
    """Return both labellings as Series over the same rows (matched on a shared index)."""
    if isinstance(labels_a, pd.Series):
        rows = pd.DataFrame(index=labels_a.index)
    elif isinstance(labels_b, pd.Series):
        rows = pd.DataFrame(index=labels_b.index)
    else:
        rows = pd.DataFrame(index=pd.RangeIndex(len(np.asarray(labels_a))))
    return (
        as_label_series(labels_a, rows, name="labels_a"),
        as_label_series(labels_b, rows, name="labels_b"),
    )


def same_partition(labels_a: Any, labels_b: Any) -> bool:
    """Tell whether two labellings split the rows into the same groups, whatever the names.

    Parameters
    ----------
    labels_a, labels_b : Series or array-like
        One label per row each. Series are matched on their index.

    Returns
    -------
    bool
        True when renaming the labels of `labels_a` one to one gives `labels_b`.

    Notes
    -----
    The partitions are the same exactly when every label of `labels_a` meets
    one label of `labels_b` and vice versa, that is when the number of
    distinct pairs ``(a, b)`` equals the number of distinct ``a`` and of distinct ``b``.

    Examples
    --------
    >>> same_partition([0, 0, 1, 2], ["B", "B", "A", "C"])
    True
    >>> same_partition([0, 0, 1, 2], [0, 1, 1, 2])
    False
    """
    a, b = _paired_labels(labels_a, labels_b)
    n_pairs = len(pd.DataFrame({"a": a, "b": b}).drop_duplicates())
    return n_pairs == a.nunique() == b.nunique()


def partition_agreement(labels_a: Any, labels_b: Any) -> float:
    """Adjusted Rand index between two labellings of the same rows (1 = same partition).

    Parameters
    ----------
    labels_a, labels_b : Series or array-like
        One label per row each. Series are matched on their index.

    Returns
    -------
    float
        The adjusted Rand index: 1 for the same partition whatever the label
        names, about 0 for agreement no better than chance (it can be negative).

    Notes
    -----
    ``ARI = (RI - E[RI]) / (max RI - E[RI])``, where the Rand index ``RI`` is the
    share of pairs of rows that both labellings put together, or both apart
    (Hubert and Arabie's adjustment, :func:`sklearn.metrics.adjusted_rand_score`).

    Examples
    --------
    >>> partition_agreement([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> round(partition_agreement([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2]), 3)
    0.444
    """
    a, b = _paired_labels(labels_a, labels_b)
    return float(adjusted_rand_score(a, b))


def match_labels(labels: Any, reference: Any) -> pd.Series:
    """Rename cluster labels after the reference labels they overlap most.

    Parameters
    ----------
    labels : Series or array-like
        Cluster labels (numbers from a fit, for example).
    reference : Series or array-like
        The labels to compare with (the drafted types, for example), one per row.

    Returns
    -------
    Series
        `labels` with each cluster renamed to its matched reference label,
        indexed like `labels` (or like `reference` when only it is a Series).
        If there are more clusters than reference labels, the unmatched ones
        are named ``"unmatched <label>"``, so two clusters never merge.

    Notes
    -----
    Each cluster gets at most one reference label and each reference label at
    most one cluster, so that the number of rows whose cluster and reference
    agree is as large as possible: the assignment problem on the crosstab,
    solved by the Hungarian method (:func:`scipy.optimize.linear_sum_assignment`).

    Examples
    --------
    >>> match_labels([2, 2, 0, 0, 1], ["A", "A", "B", "B", "B"]).tolist()
    ['A', 'A', 'B', 'B', 'unmatched 1']
    """
    labels, reference = _paired_labels(labels, reference)
    overlap = pd.crosstab(labels, reference)
    clusters, targets = linear_sum_assignment(overlap.to_numpy(), maximize=True)
    renaming: dict[Hashable, Hashable] = dict(zip(overlap.index[clusters], overlap.columns[targets], strict=True))
    return labels.map(lambda label: renaming.get(label, f"unmatched {label}"))


# --------------------------------------------------------------------------------------------
# 6. Personas
# --------------------------------------------------------------------------------------------


def _top_traits(importance: pd.DataFrame, n_traits: int) -> pd.DataFrame:
    """The `n_traits` columns of largest absolute relative importance, per cluster, as text."""
    order = np.argsort(-importance.abs().to_numpy(), axis=1, kind="stable")[:, :n_traits]
    names = importance.columns.to_numpy()[order]
    values = np.take_along_axis(importance.to_numpy(), order, axis=1)
    texts = [
        [f"{name} {value:+.0%}" for name, value in zip(row_names, row_values, strict=True)]
        for row_names, row_values in zip(names, values, strict=True)
    ]
    return pd.DataFrame(
        texts,
        index=importance.index,
        columns=[f"trait_{rank}" for rank in range(1, n_traits + 1)],
    )


def _typical_quotes(data: pd.DataFrame, labels: pd.Series, comment: str, features: pd.DataFrame) -> pd.Series:
    """Per cluster, the comment of the commenting member nearest the cluster's centroid."""
    centroids = features.groupby(labels, observed=True).mean()
    offsets = features.to_numpy() - centroids.loc[labels].to_numpy()
    distance = pd.Series(np.sqrt((offsets**2).sum(axis=1)))  # indexed by row position
    text = data[comment].astype("string").str.strip()
    has_comment = (text.notna() & (text != "")).to_numpy()
    # idxmin keeps the first of equal distances: deterministic.
    nearest = distance[has_comment].groupby(labels.to_numpy()[has_comment]).idxmin()
    return pd.Series(
        data[comment].iloc[nearest.to_numpy()].to_numpy(),
        index=nearest.index.rename(LABEL_NAME),
        name="quote",
    )


def persona_table(
    data: pd.DataFrame,
    labels: Any,
    *,
    columns: Sequence[str] | None = None,
    value: str | None = None,
    comment: str | None = None,
    features: pd.DataFrame | None = None,
    n_traits: int = 3,
) -> pd.DataFrame:
    """One row per cluster with what a persona card shows: size, value, top traits, a quote.

    Parameters
    ----------
    data : DataFrame
        One row per member, in original units (behaviour and survey answers).
    labels : Series or array-like
        One cluster label per row of `data`.
    columns : sequence of str, optional
        Numeric columns the traits are chosen from; by default every numeric column.
    value : str, optional
        A numeric value column (revenue per member, for example) for
        ``value_mean`` and ``value_share``.
    comment : str, optional
        A free-text column; adds ``quote``, the typical comment of each cluster.
    features : DataFrame, optional
        The prepared features the clusters were fitted on, indexed like `data`;
        used to find the member nearest the centroid. By default the z-scores of
        `columns` (a missing answer counts as the average).
    n_traits : int, default=3
        Number of traits per persona.

    Returns
    -------
    DataFrame
        One row per cluster (index ``cluster``): the columns of
        :func:`cluster_summary`, then ``trait_1`` ... ``trait_<n_traits>``
        (``"health +45%"``: the column and its relative importance), then ``quote``
        if `comment` is given (missing when no member of the cluster commented).

    Notes
    -----
    - Traits are the columns with the largest **absolute** relative
      importance (``cluster mean / population mean - 1``, see
      :func:`relative_importance`); ties go to the column listed first.
    - The typical quote is the comment of the member, among those with a
      non-empty comment, at the smallest Euclidean distance from the cluster's
      centroid (the mean of its members' features); ties go to the first row.

    Examples
    --------
    >>> survey = pd.DataFrame(
    ...     {
    ...         "health": [5, 4, 5, 1, 2],
    ...         "budget": [2, 1, 2, 5, 4],
    ...         "comment": ["Fresh!", "Good salads", None, "Too pricey", "Cheaper please"],
    ...     }
    ... )
    >>> personas = persona_table(survey, [0, 0, 0, 1, 1], comment="comment", n_traits=2)
    >>> personas[["size", "trait_1", "trait_2", "quote"]]
             size      trait_1      trait_2       quote
    cluster
    0           3  budget -40%  health +37%      Fresh!
    1           2  budget +61%  health -56%  Too pricey
    """
    require_non_empty(data)
    require_positive_int(n_traits, parameter="n_traits", function="persona_table")
    columns = _profile_columns(data, columns)
    if n_traits > len(columns):
        raise ValueError(
            f"n_traits={n_traits} but only {len(columns)} column(s) to choose traits from: "
            f"{columns}. Use a smaller n_traits or more columns."
        )
    labels = as_label_series(labels, data)
    table = cluster_summary(data, labels, value=value).join(
        _top_traits(relative_importance(data, labels, columns=columns), n_traits)
    )
    if comment is not None:
        require_columns(data, [comment])
        if features is None:
            values = data[columns].astype("float64")
            features = ((values - values.mean()) / values.std(ddof=0)).fillna(0.0)
        else:
            check_features(features)
            if not features.index.equals(data.index):
                raise ValueError(
                    "The index of `features` does not match the index of `data`: pass the "
                    "features prepared from these rows, in the same order."
                )
        table["quote"] = _typical_quotes(data, labels, comment, features)
    return table
