"""Compare a learner's answer with the expected one, tolerantly, and say what differs.

Each comparer returns ``None`` when the answer matches and otherwise a short hint
that describes the difference without giving the expected value away. They
accept equivalent answers: numbers within a tolerance (int or float), tables in
any row or column order, cluster labels in any numbering, a Series where a one-column table is expected, ids as
a list, set, array or Series.

Examples
--------
>>> compare_number(4.0, 4) is None
True
>>> compare_number(5, 4)
'Your number is too high.'
>>> import pandas as pd
>>> expected = pd.DataFrame({"diet": ["vegan", "curious"], "customers": [3, 1]})
>>> answer = pd.DataFrame({"customers": [1.0, 3.0], "diet": ["curious", "vegan"]})
>>> compare_table(answer, expected, key="diet") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from course_lib.clustering import as_label_series, partition_agreement, same_partition
from course_lib.validation import sample_of

__all__ = ["compare_ids", "compare_number", "compare_partition", "compare_table", "keys_as_columns", "n_moved"]

#: An answer with at most this many distinct values, each repeated, looks like labels rather than ids.
_FEW_LABELS = 20


def compare_number(answer: Any, expected: float, *, rel_tol: float = 1e-6, abs_tol: float = 1e-9) -> str | None:
    """Compare one number, within ``max(rel_tol * |expected|, abs_tol)``."""
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(answer) == 1:
        answer = np.asarray(answer).item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return f"The answer should be a single number; got a {type(answer).__name__}."
    if np.isnan(answer):
        return "Your number is NaN (missing): check for empty selections or missing values."
    if abs(answer - expected) <= max(rel_tol * abs(expected), abs_tol):
        return None
    return "Your number is too high." if answer > expected else "Your number is too low."


def compare_ids(answer: Any, expected: Iterable[Any], *, what: str = "customer ids") -> str | None:
    """Compare two collections of ids as sets (order and duplicates do not matter)."""
    if isinstance(answer, pd.DataFrame):
        return f"The answer should be a list or Series of {what}, not a whole table: select the id column."
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
        return f"The answer should be a list or Series of {what}; got a {type(answer).__name__}."
    values = pd.Series(list(answer)).dropna()
    given, wanted = set(values.tolist()), set(expected)
    extra, missing = given - wanted, wanted - given
    if not extra and not missing:
        return None
    if len(given) <= _FEW_LABELS and len(values) > 2 * len(given):  # ids do not repeat; labels do
        return (
            f"Your answer holds {len(values)} values but only {len(given)} distinct ones "
            f"({sample_of(sorted(given, key=str), 4)}): these look like cluster numbers or labels, not "
            f"{what}, which appear once each. Give the {what} themselves (for a Series of labels, its "
            "index where the label matches)."
        )
    parts = []
    if extra:
        parts.append(
            f"{len(extra)} of your {what} should not be there (for example {sample_of(sorted(extra, key=str), 2)})"
        )
    if missing:
        parts.append(f"{len(missing)} expected {what} are missing")
    return "; ".join(parts) + "."


def keys_as_columns(answer: Any, keys: list[str]) -> Any:
    """A table whose key columns sit in the index becomes a table with them as columns.

    Anything else is returned as it is, so a check can call it on any answer.

    Examples
    --------
    >>> table = pd.DataFrame({"diet": ["vegan"], "customers": [3]}).set_index("diet")
    >>> keys_as_columns(table, ["diet"]).columns.tolist()
    ['diet', 'customers']
    >>> keys_as_columns([1, 2], ["diet"])
    [1, 2]
    """
    if isinstance(answer, pd.DataFrame) and set(keys) <= set(answer.index.names):
        return answer.reset_index()
    return answer


def _as_frame(
    answer: Any, expected: pd.DataFrame, key: str | None, *, exact_columns: bool = False
) -> pd.DataFrame | str:
    """Bring an equivalent answer into the shape of `expected`, or say why it cannot be."""
    if isinstance(answer, pd.Series):
        value_columns = [column for column in expected.columns if column != key]
        if key is None or len(value_columns) != 1:
            return f"The answer should be a table with columns {list(expected.columns)}, not a Series."
        answer = answer.rename(value_columns[0]).rename_axis(key).reset_index()
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame; got a {type(answer).__name__}."
    if key is not None and key not in answer.columns and key in answer.index.names:
        answer = answer.reset_index()
    missing = [column for column in expected.columns if column not in answer.columns]
    if missing:
        return f"Your table has no column {sample_of(missing, len(missing))}; it has {list(answer.columns)}."
    extra = [column for column in answer.columns if column not in expected.columns]
    if exact_columns and extra:
        return f"Your table has the extra column(s) {sample_of(extra, len(extra))}: keep only {list(expected.columns)}."
    return answer[list(expected.columns)]


def compare_table(
    answer: Any,
    expected: pd.DataFrame,
    *,
    key: str | None = None,
    rel_tol: float = 1e-6,
    exact_columns: bool = False,
) -> str | None:
    """Compare tables by content: row and column order, index and int/float do not matter.

    Parameters
    ----------
    answer : DataFrame or Series
        The learner's table. A Series is accepted when `expected` has `key`
        and one value column (the Series index is the key).
    expected : DataFrame
        The reference table, with the key as a column (not the index).
    key : str, optional
        The column identifying rows. Rows are matched on it; without it they are
        compared after sorting by all columns.
    rel_tol : float, default=1e-6
        Relative tolerance for numeric columns.
    exact_columns : bool, default=False
        When True, a column that `expected` does not have is named as a mistake
        (the key may sit in the index); otherwise extra columns are ignored.

    Examples
    --------
    >>> expected = pd.DataFrame({"diet": ["vegan", "curious"], "customers": [3, 1]})
    >>> compare_table(expected.assign(junk=0), expected, key="diet", exact_columns=True)
    "Your table has the extra column(s) 'junk': keep only ['diet', 'customers']."
    >>> compare_table(expected.iloc[:1], expected, key="diet")
    "Your table has 1 rows; it should have 2. Missing: 'curious'."
    """
    framed = _as_frame(answer, expected, key, exact_columns=exact_columns)
    if isinstance(framed, str):
        return framed
    if key is not None and framed[key].duplicated().any():
        repeated = framed.loc[framed[key].duplicated(), key]
        return f"Some values of {key!r} appear in more than one row, such as {sample_of(repeated, 2)}."
    if len(framed) != len(expected):
        hint = f"Your table has {len(framed)} rows; it should have {len(expected)}."
        if key is not None:
            given, wanted = set(framed[key].astype(str)), set(expected[key].astype(str))
            if wanted - given:
                hint += f" Missing: {sample_of(sorted(wanted - given), 3)}."
            if given - wanted:
                hint += f" Not expected: {sample_of(sorted(given - wanted), 3)}."
        return hint
    order = [key] if key is not None else list(expected.columns)
    try:
        given = framed.sort_values(order, kind="stable").reset_index(drop=True)
        wanted = expected.sort_values(order, kind="stable").reset_index(drop=True)
    except TypeError:
        return f"Column {order[0]!r} mixes types that cannot be sorted; check how you built it."
    if key is not None and not given[key].astype(str).equals(wanted[key].astype(str)):
        return f"The values in {key!r} are not the expected ones; check your filter or grouping."
    for column in expected.columns:
        if column == key:
            continue
        left, right = given[column], wanted[column]
        if pd.api.types.is_numeric_dtype(right) and not pd.api.types.is_bool_dtype(right):
            if not pd.api.types.is_numeric_dtype(left):
                return f"Column {column!r} should hold numbers."
            close = np.isclose(left.astype(float), right.astype(float), rtol=rel_tol, equal_nan=True)
            if not close.all():
                return f"Column {column!r} differs in {int((~close).sum())} row(s)."
        elif not left.astype(str).equals(right.astype(str)):
            return f"Column {column!r} differs in {int((left.astype(str) != right.astype(str)).sum())} row(s)."
    return None


def n_moved(labels: pd.Series, expected: pd.Series) -> int:
    """The fewest rows that must change group for `labels` to split the rows like `expected`.

    Each group of `labels` is matched to the expected group it shares most rows with
    (one to one, by the Hungarian method); the rows outside their match are counted.

    Examples
    --------
    >>> n_moved(pd.Series([0, 0, 1, 1]), pd.Series(["b", "b", "a", "a"]))
    0
    >>> n_moved(pd.Series([0, 0, 1, 1]), pd.Series(["b", "b", "b", "a"]))
    1
    """
    table = pd.crosstab(labels.reindex(expected.index).to_numpy(), expected.to_numpy())
    rows, columns = linear_sum_assignment(-table.to_numpy())
    return int(len(expected) - table.to_numpy()[rows, columns].sum())


def compare_partition(answer: Any, expected: pd.Series, *, n_clusters: int | None = None) -> str | None:
    """Compare a labelling with the expected one as groups, whatever the label numbers.

    Parameters
    ----------
    answer : Series or array-like
        The learner's labels: a Series indexed like `expected` (any order), or
        one label per row of `expected`, in its order.
    expected : Series
        The reference labels, indexed by the rows (customer ids).
    n_clusters : int, optional
        The number of clusters the task asks for, to name that mistake first.

    Returns
    -------
    str or None
        None when both split the rows into the same groups; otherwise a hint.
    """
    if isinstance(answer, pd.DataFrame):
        return "The answer should be one label per customer (a Series or an array), not a whole table."
    rows = pd.DataFrame(index=expected.index)
    try:
        labels = as_label_series(answer, rows, name="your labels")
    except (TypeError, ValueError):
        return (
            f"Give one cluster label per customer: {len(expected)} labels, in the order of the "
            "table you clustered (or a Series indexed by customer id)."
        )
    found = labels.nunique()
    if n_clusters is not None and found != n_clusters:
        return f"Your labels form {found} cluster(s); the task asks for {n_clusters}."
    if same_partition(labels, expected):
        return None
    agreement = partition_agreement(labels, expected)
    moved = n_moved(labels, expected)
    if agreement > 0.9:
        return (
            f"Close, but {moved} of {len(expected)} rows are in another group than expected (adjusted Rand "
            f"index {agreement:.3f}): use exactly the features, k, n_init and random_state the task gives."
        )
    return (
        f"Your groups differ from the expected ones (adjusted Rand index {agreement:.2f}, where "
        "1 means the same groups): check which table you clustered and with which k."
    )
