"""Input checks shared by every public function of the kit.

Each helper checks one thing and raises an error in one shape, after
scikit-learn's: it names the argument or column, says what was expected and
shows (a sample of) what was found, so a learner can fix the call without
reading the traceback. This module uses nothing else of the kit.

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({"customer": [1, 2], "amount": [9.5, 12.0]})
>>> require_columns(orders, ["customer", "date"], name="orders")
Traceback (most recent call last):
...
ValueError: `orders` has no column 'date'. Available columns: ['customer', 'amount'].
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd

__all__ = [
    "require_columns",
    "require_dataframe",
    "require_datetime",
    "require_in_range",
    "require_non_empty",
    "require_numeric",
    "require_one_of",
    "require_one_row_per_id",
    "require_positive_int",
    "sample_of",
]


def sample_of(values: Iterable[Any], limit: int = 3) -> str:
    """Return up to `limit` distinct values, quoted, for an error message.

    Examples
    --------
    >>> sample_of(["a", "b", "a", "c", "d"])
    "'a', 'b', 'c', ..."
    """
    distinct = list(dict.fromkeys(values))
    shown = ", ".join(repr(value) for value in distinct[:limit])
    return shown + (", ..." if len(distinct) > limit else "")


def require_dataframe(data: Any, *, name: str = "data") -> None:
    """Raise ``TypeError`` unless `data` is a pandas DataFrame.

    Examples
    --------
    >>> require_dataframe([1, 2], name="orders")
    Traceback (most recent call last):
    ...
    TypeError: `orders` must be a pandas DataFrame, got list instead.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(data).__name__} instead.")


def require_columns(data: pd.DataFrame, columns: Iterable[str], *, name: str = "data") -> None:
    """Raise ``ValueError`` naming every column of `columns` missing from `data`.

    The message lists the columns that are there, since a misspelt name is
    the usual cause.
    """
    require_dataframe(data, name=name)
    missing = [column for column in columns if column not in data.columns]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise ValueError(
            f"`{name}` has no {noun} {sample_of(missing, limit=len(missing))}. Available columns: {list(data.columns)}."
        )


def require_non_empty(data: pd.DataFrame, *, name: str = "data") -> None:
    """Raise ``ValueError`` when `data` has no rows.

    Examples
    --------
    >>> require_non_empty(pd.DataFrame({"a": []}), name="orders")
    Traceback (most recent call last):
    ...
    ValueError: `orders` has 0 rows; at least 1 row is required.
    """
    require_dataframe(data, name=name)
    if len(data) == 0:
        raise ValueError(f"`{name}` has 0 rows; at least 1 row is required.")


def require_numeric(data: pd.DataFrame, column: str, *, name: str = "data") -> None:
    """Raise ``TypeError`` unless `column` of `data` holds numbers.

    Examples
    --------
    >>> require_numeric(pd.DataFrame({"amount": ["9.50", "x"]}), "amount", name="orders")
    Traceback (most recent call last):
    ...
    TypeError: Column 'amount' of `orders` must be numeric, got dtype str with values like '9.50', 'x'. Convert it first, for example with pd.to_numeric(orders['amount'], errors='coerce').
    """
    require_columns(data, [column], name=name)
    series = data[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise TypeError(
            f"Column {column!r} of `{name}` must be numeric, got dtype {series.dtype} "
            f"with values like {sample_of(series.dropna())}. Convert it first, for example "
            f"with pd.to_numeric({name}[{column!r}], errors='coerce')."
        )


def require_datetime(data: pd.DataFrame, column: str, *, name: str = "data") -> None:
    """Raise ``TypeError`` unless `column` of `data` holds datetimes.

    Examples
    --------
    >>> require_datetime(pd.DataFrame({"date": ["2024-01-05"]}), "date", name="orders")
    Traceback (most recent call last):
    ...
    TypeError: Column 'date' of `orders` must hold datetimes, got dtype str with values like '2024-01-05'. Parse it first, for example with pd.to_datetime(orders['date'], format='%Y-%m-%d').
    """
    require_columns(data, [column], name=name)
    series = data[column]
    if not pd.api.types.is_datetime64_any_dtype(series):
        raise TypeError(
            f"Column {column!r} of `{name}` must hold datetimes, got dtype {series.dtype} "
            f"with values like {sample_of(series.dropna())}. Parse it first, for example "
            f"with pd.to_datetime({name}[{column!r}], format='%Y-%m-%d')."
        )


def require_in_range(
    data: pd.DataFrame,
    column: str,
    *,
    low: float,
    high: float,
    name: str = "data",
) -> None:
    """Raise ``ValueError`` when a non-missing value of `column` lies outside [low, high].

    Examples
    --------
    >>> require_in_range(pd.DataFrame({"nps": [3, 11]}), "nps", low=0, high=10, name="survey")
    Traceback (most recent call last):
    ...
    ValueError: Column 'nps' of `survey` must lie between 0 and 10; found 1 value(s) outside, like 11.
    """
    require_numeric(data, column, name=name)
    values = data[column].dropna()
    outside = values[(values < low) | (values > high)]
    if len(outside):
        raise ValueError(
            f"Column {column!r} of `{name}` must lie between {low} and {high}; "
            f"found {len(outside)} value(s) outside, like {sample_of(outside.tolist())}."
        )


def require_one_of(value: Any, allowed: Collection[Any], *, parameter: str, function: str) -> None:
    """Raise ``ValueError`` unless `value` is one of `allowed`, in scikit-learn's words.

    Examples
    --------
    >>> require_one_of("median", {"mean", "sum"}, parameter="how", function="summarise")
    Traceback (most recent call last):
    ...
    ValueError: The 'how' parameter of summarise must be one of ['mean', 'sum']. Got 'median' instead.
    """
    if value not in allowed:
        raise ValueError(
            f"The {parameter!r} parameter of {function} must be one of "
            f"{sorted(allowed, key=str)}. Got {value!r} instead."
        )


def require_positive_int(value: Any, *, parameter: str, function: str, minimum: int = 1) -> None:
    """Raise ``TypeError``/``ValueError`` unless `value` is an int >= `minimum`.

    Examples
    --------
    >>> require_positive_int(0, parameter="bins", function="rfm_scores", minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: The 'bins' parameter of rfm_scores must be an int >= 2. Got 0 instead.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"The {parameter!r} parameter of {function} must be an int >= {minimum}. "
            f"Got {value!r} of type {type(value).__name__} instead."
        )
    if value < minimum:
        raise ValueError(
            f"The {parameter!r} parameter of {function} must be an int >= {minimum}. Got {value!r} instead."
        )


def require_one_row_per_id(data: pd.DataFrame, column: str, *, name: str = "data", fix: str = "") -> None:
    """Raise ``ValueError`` when an id of `column` is missing or stands on more than one row.

    `fix` says how to get one row per id in the caller's own terms.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 2]})
    >>> require_one_row_per_id(customers, "customer_id", name="customers")
    Traceback (most recent call last):
    ...
    ValueError: `customers` must have one row per id: column 'customer_id' repeats 1 id(s), like 2.
    """
    require_columns(data, [column], name=name)
    missing = int(data[column].isna().sum())
    if missing:
        raise ValueError(
            f"Column {column!r} of `{name}` is missing on {missing} row(s); every row needs an id. "
            f"Drop or fix those rows first."
        )
    repeated = data.loc[data[column].duplicated(), column]
    if len(repeated):
        raise ValueError(
            f"`{name}` must have one row per id: column {column!r} repeats {len(repeated)} id(s), "
            f"like {sample_of(repeated.tolist())}." + (f" {fix}" if fix else "")
        )
