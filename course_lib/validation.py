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

import datetime as dt
import functools
import warnings
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "as_name_list",
    "check_scalar",
    "consent_given",
    "customer_ids",
    "id_kind",
    "renamed_parameters",
    "require_bool",
    "require_boolean",
    "require_matching_ids",
    "resolve_as_of",
    "return_flag",
    "with_old_attributes",
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


def customer_ids(data: pd.DataFrame, customer: str, *, name: str = "data") -> pd.Series:
    """Each row's customer id: the `customer` column, or the index when it is named `customer`.

    A table with one row per customer is indexed by the id (``CONTRIBUTING.md``);
    a table of orders or events keeps it as a column. A function that takes
    either reads the ids with this helper instead of ``data[customer]``.

    Returns
    -------
    Series
        Indexed like `data`, named `customer`.

    Examples
    --------
    >>> per_customer = pd.DataFrame({"segment": ["Loyal", "Lost"]}, index=pd.Index([7, 9], name="customer_id"))
    >>> customer_ids(per_customer, "customer_id").tolist()
    [7, 9]
    >>> customer_ids(per_customer.rename_axis("id"), "customer_id", name="segments")
    Traceback (most recent call last):
    ...
    ValueError: `segments` has no column 'customer_id', nor an index of that name (a table with one row per customer is indexed by its ids). Available columns: ['segment']; index name: 'id'.
    """
    require_dataframe(data, name=name)
    if customer in data.columns:
        return data[customer]
    if data.index.name == customer:
        return pd.Series(data.index, index=data.index, name=customer)
    raise ValueError(
        f"`{name}` has no column {customer!r}, nor an index of that name (a table with one row per customer "
        f"is indexed by its ids). Available columns: {list(data.columns)}; index name: {data.index.name!r}."
    )


def require_one_row_per_id(data: pd.DataFrame, column: str, *, name: str = "data", fix: str = "") -> None:
    """Raise ``ValueError`` when an id of `column` (a column, or the index so named) is missing or repeated.

    `fix` says how to get one row per id in the caller's own terms.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 2]})
    >>> require_one_row_per_id(customers, "customer_id", name="customers")
    Traceback (most recent call last):
    ...
    ValueError: `customers` must have one row per id: column 'customer_id' repeats 1 id(s), like 2.
    """
    ids = customer_ids(data, column, name=name)
    where = f"column {column!r}" if column in data.columns else f"the index {column!r}"
    missing = int(ids.isna().sum())
    if missing:
        raise ValueError(
            f"{where[0].upper()}{where[1:]} of `{name}` is missing on {missing} row(s); every row needs an id. "
            f"Drop or fix those rows first."
        )
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise ValueError(
            f"`{name}` must have one row per id: {where} repeats {len(repeated)} id(s), "
            f"like {sample_of(repeated.tolist())}." + (f" {fix}" if fix else "")
        )


# --------------------------------------------------------------------------------------
# Scalars: flags, numbers in a range, lists of names
# --------------------------------------------------------------------------------------


def require_bool(value: Any, *, parameter: str, function: str) -> None:
    """Raise ``TypeError`` unless `value` is True or False (a flag such as ``return_report``).

    Examples
    --------
    >>> require_bool("yes", parameter="return_report", function="rfm_table")
    Traceback (most recent call last):
    ...
    TypeError: The 'return_report' parameter of rfm_table must be True or False. Got 'yes' instead.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"The {parameter!r} parameter of {function} must be True or False. Got {value!r} instead.")


def check_scalar(
    value: Any,
    *,
    parameter: str,
    function: str,
    low: float | None = None,
    high: float | None = None,
    inclusive: str = "both",
    example: Any = None,
) -> float:
    """Return `value` as a float after checking it is a number in a range, like scikit-learn's ``check_scalar``.

    Parameters
    ----------
    value : Any
        The argument to check. A bool is not a number here.
    parameter, function : str
        Named in the message.
    low, high : float or None
        The bounds; None leaves that side open.
    inclusive : {"both", "neither", "low", "high"}, default="both"
        Which bounds the value may equal.
    example : Any, optional
        A valid value shown in the message.

    Examples
    --------
    A confidence level lies strictly between 0 and 1:

    >>> check_scalar(0.9, parameter="confidence", function="nps", low=0, high=1, inclusive="neither")
    0.9
    >>> check_scalar(1, parameter="confidence", function="nps", low=0, high=1, inclusive="neither", example=0.95)
    Traceback (most recent call last):
    ...
    ValueError: The 'confidence' parameter of nps must be a number > 0 and < 1, like 0.95. Got 1 instead.
    """
    require_one_of(inclusive, ("both", "neither", "low", "high"), parameter="inclusive", function="check_scalar")
    closed_low = inclusive in ("both", "low")
    closed_high = inclusive in ("both", "high")
    bounds = []
    if low is not None:
        bounds.append(f"{'>=' if closed_low else '>'} {low:g}")
    if high is not None:
        bounds.append(f"{'<=' if closed_high else '<'} {high:g}")
    expected = "a number" + (" " + " and ".join(bounds) if bounds else "")
    expected += f", like {example!r}" if example is not None else ""
    is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if not is_number:
        raise TypeError(
            f"The {parameter!r} parameter of {function} must be {expected}. "
            f"Got {value!r} of type {type(value).__name__} instead."
        )
    too_low = low is not None and (value < low if closed_low else value <= low)
    too_high = high is not None and (value > high if closed_high else value >= high)
    if np.isnan(value) or too_low or too_high:
        raise ValueError(f"The {parameter!r} parameter of {function} must be {expected}. Got {value!r} instead.")
    return float(value)


def as_name_list(
    names: str | Iterable[str] | None, *, parameter: str, function: str, allow_empty: bool = False
) -> list[str]:
    """One column name or several (None: none), as a list of str.

    Examples
    --------
    >>> as_name_list("channel", parameter="by", function="funnel")
    ['channel']
    >>> as_name_list(["channel", 3], parameter="by", function="funnel")
    Traceback (most recent call last):
    ...
    TypeError: The 'by' parameter of funnel must be a column name or a list of column names. Got ['channel', 3] instead.
    """
    if names is None:
        listed: list[Any] = []
    elif isinstance(names, str):
        listed = [names]
    else:
        try:
            listed = list(names)
        except TypeError:
            listed = [names]
    if not all(isinstance(name, str) for name in listed) or (not listed and not allow_empty and names is not None):
        raise TypeError(
            f"The {parameter!r} parameter of {function} must be a column name or a list of column names. "
            f"Got {names!r} instead."
        )
    return listed


# --------------------------------------------------------------------------------------
# Columns with a meaning: True/False flags, consent, customer ids
# --------------------------------------------------------------------------------------


def require_boolean(data: pd.DataFrame, column: str, *, name: str = "data") -> None:
    """Raise ``TypeError`` unless `column` holds True/False (missing values allowed).

    Examples
    --------
    >>> require_boolean(pd.DataFrame({"consent_email": ["yes", "no"]}), "consent_email", name="customers")
    Traceback (most recent call last):
    ...
    TypeError: Column 'consent_email' of `customers` must hold True/False, got dtype str with values like 'yes', 'no'. ...
    """
    require_columns(data, [column], name=name)
    if not pd.api.types.is_bool_dtype(data[column]):
        raise TypeError(
            f"Column {column!r} of `{name}` must hold True/False, got dtype {data[column].dtype} "
            f"with values like {sample_of(data[column].dropna())}. Convert it first, for example "
            f"with {name}[{column!r}].eq('yes') (or .astype('boolean') for 0/1)."
        )


def consent_given(
    data: pd.DataFrame,
    consent: str | Iterable[str],
    *,
    customer: str | None = None,
    name: str = "data",
) -> pd.Series:
    """Whether each row (or, with `customer`, each customer) may be contacted: the one consent rule.

    Only a recorded yes counts: a missing flag is a no, every flag of
    `consent` must be yes, and a customer with several rows (two sources that
    disagree) must say yes on every row - the stricter answer wins.

    Returns
    -------
    Series of bool
        Indexed like `data`, or by customer id when `customer` is given (the
        ids from that column, or from the index when it carries that name).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 2, 3],
    ...                           "consent_email": pd.array([True, True, False, None], dtype="boolean")})
    >>> consent_given(customers, "consent_email", customer="customer_id", name="customers").to_dict()
    {1: True, 2: False, 3: False}
    """
    flags = as_name_list(consent, parameter="consent", function="consent_given")
    require_columns(data, flags, name=name)
    ids = None if customer is None else customer_ids(data, customer, name=name)
    for flag in flags:
        require_boolean(data, flag, name=name)
    said_yes = data[flags].astype("boolean").fillna(False).all(axis=1).astype(bool)
    if ids is None:
        return said_yes
    return said_yes.groupby(ids).all()


def id_kind(ids: pd.Series) -> str:
    """Classify a column of ids as "number", "text", "empty" or "mixed".

    Numbers held in an ``object`` column (after a concat, say) are numbers:
    the values decide, not the dtype, since the values decide whether a merge
    matches.

    Examples
    --------
    >>> id_kind(pd.Series([1, 2], dtype="object")), id_kind(pd.Series(["a1"])), id_kind(pd.Series([1, "a"]))
    ('number', 'text', 'mixed')
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return id_kind(pd.Series(ids.cat.categories))
    if pd.api.types.is_bool_dtype(ids):
        return "mixed"
    if pd.api.types.is_numeric_dtype(ids):
        return "number"
    inferred = pd.api.types.infer_dtype(ids, skipna=True)
    if inferred in {"integer", "floating", "mixed-integer-float", "decimal"}:
        return "number"
    if inferred == "string":
        return "text"
    if inferred == "empty":
        return "empty"
    return "mixed"


def require_matching_ids(tables: dict[str, pd.DataFrame], customer: str) -> None:
    """Raise unless every table has the ids (a column, or the index so named) and all of one kind (numbers or text).

    Merging text ids ("17") with number ids (17) matches nobody, so the
    mismatch is an error that says how to convert, not an empty merge.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [17]})
    >>> customers = pd.DataFrame({"customer_id": ["17"]})
    >>> require_matching_ids({"orders": orders, "customers": customers}, "customer_id")
    Traceback (most recent call last):
    ...
    TypeError: Column 'customer_id' holds numbers in `orders` (dtype int64) but text in `customers` ...
    """
    kinds = {}
    ids_of = {name: customer_ids(table, customer, name=name) for name, table in tables.items()}
    for name, ids in ids_of.items():
        kind = id_kind(ids)
        if kind == "mixed":
            raise TypeError(
                f"Column {customer!r} of `{name}` mixes kinds of values "
                f"({sample_of(ids.dropna().map(repr).tolist())}); customer ids must be "
                f"all numbers or all text. Convert it first, for example with "
                f"pd.to_numeric({name}[{customer!r}], errors='coerce').astype('Int64')."
            )
        if kind != "empty":
            kinds[name] = kind
    if len(set(kinds.values())) > 1:
        number_table = next(name for name, kind in kinds.items() if kind == "number")
        text_table = next(name for name, kind in kinds.items() if kind == "text")
        raise TypeError(
            f"Column {customer!r} holds numbers in `{number_table}` (dtype "
            f"{ids_of[number_table].dtype}) but text in `{text_table}` (dtype "
            f"{ids_of[text_table].dtype}, values like "
            f"{sample_of(ids_of[text_table].dropna())}), so no id would match. "
            f"Make both the same type before merging, for example "
            f"{text_table}[{customer!r}] = pd.to_numeric({text_table}[{customer!r}], "
            f"errors='coerce').astype('Int64') if the text holds numbers, or "
            f"{number_table}[{customer!r}] = {number_table}[{customer!r}].astype('string') if not."
        )


# --------------------------------------------------------------------------------------
# The day of the analysis, and renamed parameters
# --------------------------------------------------------------------------------------


def resolve_as_of(
    as_of: Any,
    dates: pd.Series,
    *,
    function: str,
    later_rows: str = "error",
    name: str = "data",
) -> pd.Timestamp:
    """The day of the analysis, as a Timestamp: the one meaning of every ``as_of=``.

    Parameters
    ----------
    as_of : str ("YYYY-MM-DD"), date, Timestamp or None
        The day asked for; None means **the day after the last date** of
        `dates`, so that a purchase on the last day is 1 day old. A day
        ("YYYY-MM-DD", a date) means its midnight; a Timestamp with a time of
        day is kept as it is (functions that count whole days use its day).
    dates : Series of datetimes
        The dates of the data (missing values are ignored).
    function : str
        Named in the messages.
    later_rows : {"error", "allowed"}, default="error"
        What a date after `as_of` means. "error": the result would need a
        negative age, so it is an error that says how to filter. "allowed":
        the function itself leaves those rows out (it looks back from a
        past day), and says so in its docstring.
    name : str, default="data"
        The frame `dates` comes from, for the message.

    Returns
    -------
    Timestamp
        Without a time zone: midnight of the day, or the moment given.

    Examples
    --------
    >>> dates = pd.Series(pd.to_datetime(["2024-05-01 10:30", "2024-05-20 18:00"], format="%Y-%m-%d %H:%M"))
    >>> resolve_as_of(None, dates, function="rfm_table")
    Timestamp('2024-05-21 00:00:00')
    >>> resolve_as_of("2024-06-01", dates, function="rfm_table")
    Timestamp('2024-06-01 00:00:00')
    >>> resolve_as_of("2024-05-10", dates, function="rfm_table")
    Traceback (most recent call last):
    ...
    ValueError: The 'as_of' parameter of rfm_table (2024-05-10) lies before the last date (2024-05-20): ...
    """
    require_one_of(later_rows, ("error", "allowed"), parameter="later_rows", function="resolve_as_of")
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)  # count days on the local calendar
    last = dates.max()
    if pd.isna(last):
        raise ValueError(f"The dates passed to {function} hold no date at all (every value is missing).")
    if as_of is None:
        return last.normalize() + pd.Timedelta(days=1)
    if isinstance(as_of, str):
        try:
            day = pd.to_datetime(as_of, format="%Y-%m-%d")
        except ValueError:
            raise ValueError(
                f"The 'as_of' parameter of {function} must be a date written 'YYYY-MM-DD'. Got {as_of!r} instead."
            ) from None
    elif isinstance(as_of, (dt.date, np.datetime64)) and not pd.isna(as_of):
        day = pd.Timestamp(as_of)
    else:
        raise TypeError(
            f"The 'as_of' parameter of {function} must be a 'YYYY-MM-DD' string, a date or None. "
            f"Got {as_of!r} of type {type(as_of).__name__} instead."
        )
    day = day.tz_localize(None) if day.tz is not None else day  # a time of day given is kept
    if later_rows == "error" and day.normalize() < last.normalize():
        column = f"{dates.name!r}" if dates.name is not None else "..."
        raise ValueError(
            f"The 'as_of' parameter of {function} ({day:%Y-%m-%d}) lies before the last date "
            f"({last:%Y-%m-%d}): ages would be negative. Use a later day, or keep only the rows before it "
            f"first, like {name}[{name}[{column}] < '{day:%Y-%m-%d}']."
        )
    return day


F = TypeVar("F", bound=Callable[..., Any])


def renamed_parameters(**new_name_of: str) -> Callable[[F], F]:
    """Let a function take its parameters' old names for one release, with a ``FutureWarning``.

    Use as ``@renamed_parameters(date="ordered_at")``: a call with ``date=``
    warns, names the new parameter and is passed on as ``ordered_at=``. Giving
    both names is an error, since they would disagree.

    Examples
    --------
    >>> import warnings
    >>> @renamed_parameters(date="ordered_at")
    ... def last_day(orders, *, ordered_at="ordered_at"):
    ...     return ordered_at
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     last_day(None, date="placed")
    'placed'
    >>> print(caught[0].category.__name__, caught[0].message)
    FutureWarning The 'date' parameter of last_day is renamed 'ordered_at'; 'date' stops working in the next release. Write last_day(..., ordered_at='placed').
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in new_name_of.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(
                        f"{function.__name__} got both {old!r} (the old name) and {new!r}; pass only {new!r}."
                    )
                value = kwargs.pop(old)
                warnings.warn(
                    f"The {old!r} parameter of {function.__name__} is renamed {new!r}; {old!r} stops working "
                    f"in the next release. Write {function.__name__}(..., {new}={value!r}).",
                    FutureWarning,
                    stacklevel=2,
                )
                kwargs[new] = value
            return function(*args, **kwargs)

        wrapper.renamed_parameters = dict(new_name_of)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def return_flag(value: bool | None, *, parameter: str, function: str, names: tuple[str, str]) -> bool:
    """The value of a ``return_*`` flag whose default becomes False in the next release.

    A function that always returned a tuple now returns its main result, and
    the extra one on request, in scikit-learn's style. For one release its
    flag defaults to None: a call that does not say keeps the old tuple, with
    a ``FutureWarning`` that shows both new calls. Call it just before
    returning, so that bad input fails first.

    Parameters
    ----------
    value : bool or None
        The flag as given; None when the caller left it out.
    parameter, function : str
        The flag's name and the function's, for the message.
    names : tuple of (str, str)
        What to call the main and the extra result in the message.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     return_flag(None, parameter="return_report", function="clean", names=("clean", "report"))
    True
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    clean will return only `clean` from the next release, as scikit-learn's functions do.
    Write `clean, report = clean(..., return_report=True)` to keep `report` too,
    or `clean = clean(..., return_report=False)`.
    >>> return_flag(False, parameter="return_report", function="clean", names=("clean", "report"))
    False
    """
    if value is None:
        main, extra = names
        warnings.warn(
            f"{function} will return only `{main}` from the next release, as scikit-learn's functions do. "
            f"Write `{main}, {extra} = {function}(..., {parameter}=True)` to keep `{extra}` too, or "
            f"`{main} = {function}(..., {parameter}=False)`.",
            FutureWarning,
            stacklevel=3,
        )
        return True
    require_bool(value, parameter=parameter, function=function)
    return value


class _FrameWithOldAttributes(pd.DataFrame):
    """A DataFrame that, for one release, also answers the attributes of the object its function used to return.

    Anything computed from it is a plain DataFrame (``_constructor``), without the old attributes.
    """

    _metadata = ["_old_attributes", "_old_function", "_now_returns"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __getattr__(self, name: str) -> Any:
        old = self.__dict__.get("_old_attributes", {})
        if name in old:
            value, instead = old[name]
            warnings.warn(
                f"{self.__dict__['_old_function']} now returns {self.__dict__['_now_returns']}; `.{name}` stops "
                f"working in the next release. {instead}",
                FutureWarning,
                stacklevel=2,
            )
            return value
        return super().__getattr__(name)


def with_old_attributes(
    result: pd.DataFrame, *, function: str, now_returns: str, attributes: dict[str, tuple[Any, str]]
) -> pd.DataFrame:
    """`result`, still answering for one release the attributes of the object `function` used to return.

    When a function that returned a result object (``.orders``, ``.report``,
    ...) starts returning its main table, in scikit-learn's style, old code
    that reads an attribute keeps working until the next release, with a
    ``FutureWarning`` that says what to write instead.

    Parameters
    ----------
    result : DataFrame
        What the function returns now.
    function, now_returns : str
        The function's name, and what it returns now, for the message.
    attributes : dict
        ``{old attribute: (its value, what to write instead)}``.

    Examples
    --------
    >>> import warnings
    >>> table = pd.DataFrame({"amount": [3.0]})
    >>> tidy = with_old_attributes(table, function="tidy", now_returns="the table itself",
    ...                            attributes={"table": (table, "Use the result directly.")})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     tidy.table.equals(table)
    True
    >>> print(caught[0].message)
    tidy now returns the table itself; `.table` stops working in the next release. Use the result directly.
    >>> type(tidy.head()).__name__  # anything computed from it is a plain DataFrame
    'DataFrame'
    """
    frame = _FrameWithOldAttributes(result)
    frame._old_attributes, frame._old_function, frame._now_returns = dict(attributes), function, now_returns
    return frame
