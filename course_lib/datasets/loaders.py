"""Load the course data: typed DataFrames, checked against the schema, files never changed.

Every loader reads one file of the data folder (:func:`data_dir`), checks
that each column of ``schema.TABLES`` is there and holds what it should, and
returns it typed: datetimes, categoricals for closed vocabularies, ``Int64``
identifiers. A file that does not fit raises an error naming the file and the
column, with an example of the offending value.

Examples
--------
>>> customers = load_customers()
>>> customers["diet"].dtype
CategoricalDtype(categories=['vegan', 'vegetarian', 'flexitarian', 'curious'], ordered=False, categories_dtype=str)
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import course_lib
from course_lib.datasets.schema import CRM_TABLES, DATETIME_DTYPE, TABLES, Column, Table
from course_lib.validation import require_columns, require_in_range, require_non_empty, sample_of

__all__ = [
    "DATA_ENV_VARIABLE",
    "Truth",
    "connect_crm",
    "data_dir",
    "load_customers",
    "load_events",
    "load_online_retail_sample",
    "load_orders",
    "load_survey",
    "load_truth",
]

#: Environment variable that points the loaders at another data folder (a cohort's own data).
DATA_ENV_VARIABLE = "COURSE_KIT_DATA"


def data_dir() -> Path:
    """The folder the loaders read: ``$COURSE_KIT_DATA`` when set, else the kit's ``datasets/``.

    ``python3 kit.py start --data DIR`` sets ``COURSE_KIT_DATA`` for JupyterLab and its kernels.

    Raises
    ------
    FileNotFoundError
        When ``COURSE_KIT_DATA`` names a folder that does not exist (the message says what to do).

    Examples
    --------
    >>> data_dir().name
    'datasets'
    """
    configured = os.environ.get(DATA_ENV_VARIABLE, "").strip()
    if not configured:
        return course_lib.KIT_ROOT / "datasets"
    folder = Path(configured).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{DATA_ENV_VARIABLE} is set to {configured}, which is not a folder here"
            + (f" (a relative path, read from {Path.cwd()})" if not folder.is_absolute() else "")
            + ". Point it at the data folder (the one holding orders.csv) with its full path, "
            "for example `python3 kit.py start --data /full/path/to/cohort-data`, or unset it to use the kit's datasets/."
        )
    return folder


def _folder(folder: str | Path | None) -> Path:
    return data_dir() if folder is None else Path(folder)


def _fail(kind: type[Exception], name: str, column: Column, problem: str, bad: pd.Series) -> None:
    raise kind(
        f"Column {column.name!r} of `{name}` {problem}; found {len(bad)} such value(s), like "
        f"{sample_of(bad.astype(str).tolist())} (row {int(bad.index[0]) + 2} of the file, counting the header as row 1)."
    )


def _typed_column(values: pd.Series, column: Column, name: str) -> pd.Series:
    """Convert one column as read from the CSV to its schema type, or raise naming the file and column."""
    present = values.notna()
    if not column.nullable and not present.all():
        _fail(ValueError, name, column, "may not be missing", pd.Series("<empty>", index=values.index[~present]))
    if column.kind in ("datetime", "date"):
        parsed = pd.to_datetime(values, format=column.file_format, errors="coerce")
        bad = values[present & parsed.isna()]
        if len(bad):
            _fail(TypeError, name, column, f"must hold times written {column.file_format!r}", bad)
        return parsed.astype(DATETIME_DTYPE)
    if column.kind == "category":
        unexpected = values[present & ~values.isin(column.allowed)]
        if len(unexpected):
            _fail(ValueError, name, column, f"must be one of {list(column.allowed)}", unexpected)
        return pd.Series(pd.Categorical(values, categories=column.allowed, ordered=column.ordered), index=values.index)
    if column.kind == "text":
        return values.astype("str").where(present)
    if column.kind == "bool":
        if values.dtype != bool:
            _fail(TypeError, name, column, "must be True or False", values[~values.isin([True, False])])
        return values
    numbers = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_numeric_dtype(values) else values
    not_numbers = values[present & numbers.isna()]
    if len(not_numbers) or pd.api.types.is_bool_dtype(values):
        _fail(TypeError, name, column, "must hold numbers", not_numbers if len(not_numbers) else values)
    if column.kind == "float":
        return numbers.astype(np.float64)
    fractional = numbers[numbers.notna() & (numbers % 1 != 0)]
    if len(fractional):
        _fail(TypeError, name, column, "must hold whole numbers", fractional)
    nullable = column.kind == "id" or column.nullable
    return numbers.astype("Int64" if nullable else np.int64)


def read_table(table: Table, folder: str | Path | None = None) -> pd.DataFrame:
    """Read one CSV file of the schema and return it checked and typed.

    Parameters
    ----------
    table : Table
        Its entry in ``schema.TABLES``.
    folder : str or Path, optional
        The data folder; :func:`data_dir` when omitted.

    Returns
    -------
    DataFrame
        The schema's columns in its order, typed (any extra column follows, as read).

    Raises
    ------
    FileNotFoundError
        The file is not there.
    ValueError, TypeError
        Empty file, missing column, value of the wrong type, missing where it
        may not be, outside its range, or outside its vocabulary; the message
        names the file and the column.
    """
    path = _folder(folder) / table.file
    name = table.file
    if not path.is_file():
        raise FileNotFoundError(
            f"No file {path}. Restore the shipped data with `git checkout -- datasets`, "
            "or generate it with `python -m course_lib data`."
        )
    text = {column.name: "str" for column in table.columns if column.kind not in ("id", "int", "float", "bool")}
    try:
        raw = pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise ValueError(f"`{name}` is empty: no header and no rows. Expected the columns {table.names}.") from None
    require_columns(raw, table.names, name=name)
    require_non_empty(raw, name=name)
    typed = {column.name: _typed_column(raw[column.name], column, name) for column in table.columns}
    frame = pd.DataFrame(typed, index=raw.index).join(raw.drop(columns=table.names))
    for column in table.columns:
        if column.low is not None or column.high is not None:
            low = -np.inf if column.low is None else column.low
            high = np.inf if column.high is None else column.high
            require_in_range(frame, column.name, low=low, high=high, name=name)
    if table.key and frame.duplicated(list(table.key)).any():
        repeated = frame.loc[frame.duplicated(list(table.key)), list(table.key)]
        raise ValueError(
            f"`{name}` must have one row per {list(table.key)}; repeated: {sample_of(map(tuple, repeated.to_numpy().tolist()))}."
        )
    return frame


def load_customers(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``customers.csv``: one row per customer account (see ``datasets/README.md``).

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    DataFrame
        ``customer_id`` (Int64), ``signup_date`` (datetime), categoricals for
        channel, account type, city, zone, age band (ordered), diet; nullable
        ``household_size``; three boolean consent flags.

    Examples
    --------
    >>> customers = load_customers()
    >>> customers["age_band"].cat.ordered, customers["customer_id"].is_unique
    (True, True)
    """
    return read_table(TABLES["customers"], data_dir)


def load_orders(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``orders.csv``: one row per order line, 2024-2025, as exported (duplicates included).

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    DataFrame
        Typed order lines; ``customer_id`` is missing for guest checkouts.
        Net value of a line = quantity × unit_price - discount (EUR).

    Examples
    --------
    >>> orders = load_orders()
    >>> orders["customer_id"].dtype, list(orders["status"].cat.categories)
    (Int64Dtype(), ['delivered', 'cancelled', 'refunded'])
    """
    return read_table(TABLES["orders"], data_dir)


def load_survey(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``survey.csv``: relationship and post-purchase survey responses.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    DataFrame
        One row per response; the eight ``q_*`` Likert items (Int64, 1-5) are
        asked only in the relationship survey; ``nps`` (Int64, 0-10) in both.

    Examples
    --------
    >>> survey = load_survey()
    >>> survey.loc[survey["survey"] == "post_purchase", "q_health"].isna().all()
    np.True_
    """
    return read_table(TABLES["survey"], data_dir)


def load_events(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``events.csv``: the web, app and phone event log of December 2025.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    DataFrame
        One row per event, sorted by time; ``customer_id`` is missing until a
        visitor logs in; ``event`` is a categorical in journey order.

    Examples
    --------
    >>> list(load_events()["event"].cat.categories[:4])
    ['visit', 'view_menu', 'view_dish', 'add_to_cart']
    """
    return read_table(TABLES["events"], data_dir)


def load_online_retail_sample(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``online_retail_sample.csv``, raw (not cleaned), typed like :func:`load_online_retail`.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    DataFrame
        The UCI schema: ``InvoiceNo``, ``StockCode``, ``Description``,
        ``Quantity``, ``InvoiceDate``, ``UnitPrice``, ``CustomerID`` (Int64),
        ``Country``. Clean it with :func:`clean_online_retail`.

    Examples
    --------
    >>> sample = load_online_retail_sample()
    >>> sample["InvoiceNo"].str.startswith("C").any(), sample["CustomerID"].isna().any()
    (np.True_, np.True_)
    """
    return read_table(TABLES["online_retail_sample"], data_dir)


@dataclass(frozen=True)
class Truth:
    """The planted truth, for instructors and tests (never for lessons).

    Attributes
    ----------
    customer_types : DataFrame
        ``truth/customer_types.csv``: each customer's type, planned last
        active day, and whether they churned.
    planted : dict
        ``truth/planted.json``: the types' descriptions and parameters, the
        journey pain points, the data problems, the campaigns' true uplifts.
    """

    customer_types: pd.DataFrame
    planted: dict


def load_truth(*, data_dir: str | Path | None = None) -> Truth:
    """Load the planted truth (``truth/``): for instructors and tests, never for lessons.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    Truth
        ``customer_types`` (DataFrame) and ``planted`` (dict).

    Examples
    --------
    >>> load_truth().planted["pain_points"]["uncovered_zone"]["zone"]
    'Northfield'
    """
    folder = _folder(data_dir)
    path = folder / "truth" / "planted.json"
    if not path.is_file():
        raise FileNotFoundError(f"No file {path}. Generate the data with `python -m course_lib data`.")
    try:
        planted = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"`truth/planted.json` is not valid JSON ({error.msg} at line {error.lineno}).") from None
    return Truth(customer_types=read_table(TABLES["customer_types"], folder), planted=planted)


def connect_crm(*, data_dir: str | Path | None = None) -> sqlite3.Connection:
    """Open ``crm.sqlite`` read-only and check its tables; query it with SQL.

    Parameters
    ----------
    data_dir : str or Path, optional
        The data folder; :func:`course_lib.datasets.data_dir` when omitted.

    Returns
    -------
    sqlite3.Connection
        A read-only connection (SQLite URI ``mode=ro``): a lesson can query
        but never change the file. Close it when done (or use ``with
        contextlib.closing(connect_crm()) as crm:``).

    Raises
    ------
    FileNotFoundError
        The file is not there.
    ValueError
        Not an SQLite database, or a table or column is missing or declared
        with another type; the message names the table and the column.

    Examples
    --------
    >>> crm = connect_crm()
    >>> pd.read_sql("SELECT COUNT(*) AS n FROM campaigns", crm)["n"].item()
    3
    >>> crm.close()
    """
    path = _folder(data_dir) / "crm.sqlite"
    if not path.is_file():
        raise FileNotFoundError(
            f"No file {path}. Restore the shipped data with `git checkout -- datasets`, "
            "or generate it with `python -m course_lib data`."
        )
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _check_crm(connection)
    except (ValueError, sqlite3.DatabaseError) as error:
        connection.close()
        if isinstance(error, ValueError):
            raise
        raise ValueError(f"`crm.sqlite` is not a readable SQLite database ({error}).") from None
    return connection


def _check_crm(connection: sqlite3.Connection) -> None:
    """Raise ValueError unless every table and column of ``schema.CRM_TABLES`` is there, with its declared type."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, table in CRM_TABLES.items():
        if name not in tables:
            raise ValueError(f"`crm.sqlite` has no table {name!r}. Tables found: {sorted(tables)}.")
        declared = {row[1]: row[2].upper() for row in connection.execute(f'PRAGMA table_info("{name}")')}
        for column in table.columns:
            if column.name not in declared:
                raise ValueError(
                    f"Table {name!r} of `crm.sqlite` has no column {column.name!r}. Available columns: {list(declared)}."
                )
            if declared[column.name] != column.sql_type:
                raise ValueError(
                    f"Column {column.name!r} of table {name!r} in `crm.sqlite` must be declared "
                    f"{column.sql_type}; it is declared {declared[column.name] or 'without a type'}."
                )
