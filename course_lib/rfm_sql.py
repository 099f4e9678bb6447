"""The same RFM table and scores as one SQL query, for data that has outgrown pandas.

:func:`rfm_sql` writes a query that computes, inside a database, exactly what
``rfm_scores(rfm_table(...))`` computes in pandas (and, given a segment map,
``assign_segments``): the data never has to fit in memory, and the query runs
where the orders already are. It needs common table expressions (``WITH``),
window functions (``ROW_NUMBER``/``RANK`` and ``COUNT(*) OVER ()``) and
``CASE``: SQLite 3.25 or later (Python's ``sqlite3`` has it), DuckDB, Spark
SQL, PostgreSQL and most warehouses. Only dates and integer division are
spelt differently from one engine to the next, so the function takes a
`dialect`.

It does not use SQL's ``NTILE``: ``NTILE`` orders tied rows arbitrarily and
gives its first groups the extra rows, so it agrees neither with pandas nor
with itself from one run to the next. The score rule of
:func:`course_lib.rfm.rfm_scores` - a rank with a stated tie-break, then
``1 + bins * (rank - 1) // n`` - is plain integer arithmetic that every engine
reproduces exactly.

Examples
--------
>>> import sqlite3
>>> import pandas as pd
>>> orders = pd.DataFrame({
...     "customer_id": [1, 1, 2, 3, 3, 3],
...     "ordered_at": ["2024-01-02 12:00:00", "2024-03-01 19:30:00", "2024-02-10 12:00:00",
...                    "2024-01-05 12:00:00", "2024-02-20 12:00:00", "2024-03-02 12:00:00"],
...     "amount": [20.0, 35.0, 18.0, 60.0, 45.0, 45.0],
... })
>>> with sqlite3.connect(":memory:") as connection:
...     _ = orders.to_sql("orders", connection, index=False)
...     result = pd.read_sql_query(rfm_sql(table="orders", bins=3), connection, index_col="customer_id")
>>> result[["recency", "frequency", "monetary", "r_score", "f_score", "m_score"]]
             recency  frequency  monetary  r_score  f_score  m_score
customer_id
1                  2          2      55.0        2        2        2
2                 22          1      18.0        1        1        1
3                  1          3     150.0        3        3        3

The same as pandas, to the last digit:

>>> from course_lib.rfm import rfm_scores, rfm_table
>>> parsed = orders.assign(ordered_at=pd.to_datetime(orders["ordered_at"], format="%Y-%m-%d %H:%M:%S"))
>>> result.equals(rfm_scores(rfm_table(parsed), bins=3))
True

In DuckDB (dates stored as dates or timestamps), over a pandas frame or a folder of
Parquet files, the same in one line::

    duckdb.sql(rfm_sql(table="orders", dialect="duckdb")).df()

and in Spark SQL, with the orders registered as a view ``orders``::

    spark.sql(rfm_sql(table="orders", dialect="spark"))

Lesson 03b runs both on millions of lines.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from course_lib.rfm import check_segment_map
from course_lib.validation import renamed_parameters, require_one_of, require_positive_int

__all__ = ["SQL_DIALECTS", "rfm_sql", "sql_name"]

#: How each engine spells the three things that differ: a date's day number
#: (days since 1970-01-01, or any fixed origin), integer division, and quoted names.
SQL_DIALECTS: dict[str, dict[str, str]] = {
    "sqlite": {
        "day": "CAST(julianday(date({value})) AS INTEGER)",
        "int_div": "{a} / {b}",
        "quote": '"',
    },
    "duckdb": {
        "day": "date_diff('day', DATE '1970-01-01', CAST({value} AS DATE))",
        "int_div": "{a} // {b}",
        "quote": '"',
    },
    "spark": {
        "day": "datediff(CAST({value} AS DATE), DATE '1970-01-01')",
        "int_div": "{a} DIV {b}",
        "quote": "`",
    },
}


@renamed_parameters(date="ordered_at")
def rfm_sql(
    *,
    table: str = "transactions",
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    order: str | None = None,
    as_of: str | dt.date | None = None,
    bins: int = 5,
    ties: str = "min",
    segment_map: pd.DataFrame | None = None,
    dialect: str = "sqlite",
) -> str:
    """Return a SQL query computing the RFM table and scores of :mod:`course_lib.rfm`.

    Parameters
    ----------
    table : str, default="transactions"
        The table (or view) of transactions in the database.
    customer, ordered_at, amount, order : str
        Its columns, with the meaning they have in
        :func:`course_lib.rfm.rfm_table`; `order` None counts days as purchases.
        (`ordered_at` was called `date`; that name still works, with a
        ``FutureWarning``, until the next release.)
    as_of : str ("YYYY-MM-DD"), date or None, default=None
        The snapshot day; None: the day after the last date in `table`.
    bins : int, default=5
        Number of scores, at least 2, as in :func:`course_lib.rfm.rfm_scores`.
    ties : {"min", "first"}, default="min"
        Tie rule of :func:`course_lib.rfm.rfm_scores`: ``"min"`` (its default)
        shares the score (``RANK``), ``"first"`` breaks ties by customer id
        (``ROW_NUMBER``).
    segment_map : DataFrame or None, default=None
        Given, the query adds a ``segment`` column from this map (first match
        wins, as in :func:`course_lib.rfm.assign_segments`).
    dialect : {"sqlite", "duckdb", "spark"}, default="sqlite"
        The SQL engine (see :data:`SQL_DIALECTS`).

    Returns
    -------
    str
        One ``SELECT`` statement whose rows are the customers, sorted by id,
        with the columns `customer`, ``recency``, ``frequency``,
        ``monetary``, ``mean_order_value``, ``tenure``, ``r_score``,
        ``f_score``, ``m_score`` (and ``segment``), equal to
        ``assign_segments(rfm_scores(rfm_table(...)))``.

    Notes
    -----
    The query follows :func:`course_lib.rfm.rfm_table` step by step, one
    common table expression each: keep the rows with a customer id, a date and
    an amount; net each purchase occasion (order or day); keep the occasions
    that add up to more than 0 as purchases; count, date and total them per
    customer; then score with a window function, ranking over all customers:

        score = 1 + bins * (rank - 1) DIV (number of customers)

    The query is tested equal to pandas, to the last digit, on SQLite, on DuckDB
    (over a pandas frame and over Parquet files) and on Spark in local mode
    (``tests/test_rfm_sql.py``, ``tests/test_sql_engines.py``); lesson 03b runs it
    at scale. Two differences from pandas to keep in mind:
    the query does not check its input (run :func:`course_lib.rfm.rfm_table`
    on a sample for the report and the errors), and money sums of decimal
    fractions can differ in the last binary digit between engines because
    they add in another order (store cents as integers for exact sums).
    Dates are read as they are stored: SQLite wants ISO text
    ("YYYY-MM-DD HH:MM:SS", no time zone).

    Examples
    --------
    >>> print(rfm_sql(table="orders", order="order_id").splitlines()[0])
    -- RFM table and scores, as course_lib.rfm computes them: see course_lib.rfm_sql.rfm_sql.
    """
    require_one_of(dialect, SQL_DIALECTS, parameter="dialect", function="rfm_sql")
    require_one_of(ties, ("first", "min"), parameter="ties", function="rfm_sql")
    require_positive_int(bins, parameter="bins", function="rfm_sql", minimum=2)
    spelling = SQL_DIALECTS[dialect]

    def quote(name: str, parameter: str) -> str:
        return sql_name(name, parameter=parameter, dialect=dialect, function="rfm_sql")

    def day(value: str) -> str:
        return spelling["day"].format(value=value)

    source, customer_q, date_q, amount_q = (
        quote(table, "table"),
        quote(customer, "customer"),
        quote(ordered_at, "ordered_at"),
        quote(amount, "amount"),
    )
    order_q = quote(order, "order") if order is not None else None
    snapshot = (
        f"SELECT MAX({day(date_q)}) + 1 AS day_number FROM {source}"
        if as_of is None
        else f"SELECT {day(_date_literal(as_of))} AS day_number"
    )
    required = [customer_q, date_q, amount_q] + ([order_q] if order_q else [])
    rank = "ROW_NUMBER()" if ties == "first" else "RANK()"
    tie_break = f", {customer_q}" if ties == "first" else ""

    def score(order_by: str) -> str:
        position = f"{bins} * ({rank} OVER (ORDER BY {order_by}{tie_break}) - 1)"
        return "1 + " + spelling["int_div"].format(a=f"({position})", b="COUNT(*) OVER ()")

    segment = "" if segment_map is None else f",\n    {_segment_case(segment_map, bins=bins)} AS segment"
    return f"""-- RFM table and scores, as course_lib.rfm computes them: see course_lib.rfm_sql.rfm_sql.
WITH kept_lines AS (
    -- Rows with everything needed (rfm_table leaves the others out), dates as day numbers.
    SELECT {customer_q} AS customer, {order_q or day(date_q)} AS occasion,
           {day(date_q)} AS day_number, {amount_q} AS amount
    FROM {source}
    WHERE {" AND ".join(f"{column} IS NOT NULL" for column in required)}
),
snapshot_day AS (
    -- {"The day after the last date in the data." if as_of is None else "The as_of day."}
    {snapshot}
),
occasions AS (
    -- One row per order (or day): its first day and its net amount.
    SELECT customer, occasion, MIN(day_number) AS day_number, SUM(amount) AS net
    FROM kept_lines
    GROUP BY customer, occasion
),
customers AS (
    -- Purchases are occasions netting to more than 0; every occasion counts in the money.
    SELECT customer,
           CAST(SUM(CASE WHEN net > 0 THEN 1 ELSE 0 END) AS BIGINT) AS frequency,
           MIN(CASE WHEN net > 0 THEN day_number END) AS first_day,
           MAX(CASE WHEN net > 0 THEN day_number END) AS last_day,
           CAST(SUM(net) AS DOUBLE) AS monetary
    FROM occasions
    GROUP BY customer
    HAVING SUM(CASE WHEN net > 0 THEN 1 ELSE 0 END) > 0
),
rfm AS (
    SELECT c.customer AS {customer_q},
           s.day_number - c.last_day AS recency,
           c.frequency AS frequency,
           c.monetary AS monetary,
           c.monetary / c.frequency AS mean_order_value,
           s.day_number - c.first_day AS tenure
    FROM customers AS c CROSS JOIN snapshot_day AS s
),
scored AS (
    -- score = 1 + bins * (rank - 1) DIV n; recency reversed (most recent scores {bins}).
    SELECT rfm.*,
           {score("recency DESC")} AS r_score,
           {score("frequency")} AS f_score,
           {score("monetary")} AS m_score
    FROM rfm
)
SELECT scored.*{segment}
FROM scored
ORDER BY {customer_q}
"""


def sql_name(name: str, *, parameter: str, dialect: str, function: str) -> str:
    """Quote a table or column name the way `dialect` does, refusing names that would break the query.

    Examples
    --------
    >>> sql_name("customer_id", parameter="customer", dialect="spark", function="rfm_sql")
    '`customer_id`'
    """
    mark = SQL_DIALECTS[dialect]["quote"]
    if not isinstance(name, str) or not name or mark in name:
        raise ValueError(
            f"The {parameter!r} parameter of {function} must be a non-empty name without {mark}. Got {name!r} instead."
        )
    return f"{mark}{name}{mark}"


def _date_literal(as_of: str | dt.date) -> str:
    """`as_of` as a quoted 'YYYY-MM-DD' SQL literal (parsed with an explicit format)."""
    if isinstance(as_of, str):
        try:
            as_of = dt.datetime.strptime(as_of, "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(
                f"The 'as_of' parameter of rfm_sql must be a date written 'YYYY-MM-DD'. Got {as_of!r} instead."
            ) from None
    if not isinstance(as_of, dt.date):
        raise TypeError(
            f"The 'as_of' parameter of rfm_sql must be a 'YYYY-MM-DD' string, a date or None. "
            f"Got {as_of!r} of type {type(as_of).__name__} instead."
        )
    return f"'{as_of:%Y-%m-%d}'"


def _segment_case(segment_map: pd.DataFrame, *, bins: int) -> str:
    """The segment map as one CASE expression: its WHEN clauses are tried in order, like the map's rows."""
    check_segment_map(segment_map, bins=bins)  # raises on an invalid map
    axes = [axis for axis in ("r", "f", "m") if f"{axis}_min" in segment_map.columns]
    whens = []
    for rule in segment_map.itertuples(index=False):
        condition = " AND ".join(
            f"{axis}_score BETWEEN {int(getattr(rule, f'{axis}_min'))} AND {int(getattr(rule, f'{axis}_max'))}"
            for axis in axes
        )
        name = rule.segment.replace("'", "''")  # SQL writes a quote inside a string twice
        whens.append(f"WHEN {condition} THEN '{name}'")
    return "CASE\n        " + "\n        ".join(whens) + "\n        ELSE 'Other' END"
