"""RFM analysis: how recently, how often and how much each customer buys.

RFM describes a customer with three numbers read off the order history:

* **recency** - days since the last purchase (small is good);
* **frequency** - how many purchases (large is good);
* **monetary** - how much money, net of refunds (large is good).

The steps of this module, in the order a lesson uses them:

1. :func:`order_values` turns order lines into money per line (cancelled and
   refunded lines count zero);
2. :func:`rfm_table` summarises the lines to one row per customer (with
   ``tenure``, and a report of the rows it could not use);
3. :func:`rfm_scores` turns each number into a score from 1 to `bins` by
   quantiles (:func:`rfm_threshold_scores` by business rules instead);
4. :func:`assign_segments` names each customer's segment from a **segment map
   held as data** (:func:`default_segment_map`: ten named segments, each with
   a recommended action) - edit the map or replace it, and
   :func:`check_segment_map` shows what each segment covers;
5. :func:`segment_summary` gives each segment's size, revenue share and
   mean R, F and M.

:func:`clv_summary` gives the same history in the convention of CLV models
(lifetimes, pymc-marketing), and :func:`channel_mix` the single-channel and
multichannel shoppers. The same table and scores as one SQL query:
:mod:`course_lib.rfm_sql`.

Examples
--------
>>> import pandas as pd
>>> orders = pd.DataFrame({
...     "customer_id": [1, 1, 2, 3, 3, 3],
...     "ordered_at": pd.to_datetime(["2024-01-02", "2024-03-01", "2024-02-10",
...                                   "2024-01-05", "2024-02-20", "2024-03-02"], format="%Y-%m-%d"),
...     "amount": [20.0, 35.0, 18.0, 60.0, 45.0, 45.0],
... })
>>> table = rfm_table(orders)
>>> table
             recency  frequency  monetary  mean_order_value  tenure
customer_id
1                  2          2      55.0              27.5      61
2                 22          1      18.0              18.0      22
3                  1          3     150.0              50.0      58
>>> rfm_scores(table, bins=3)[["r_score", "f_score", "m_score"]]
             r_score  f_score  m_score
customer_id
1                  2        2        2
2                  1        1        1
3                  3        3        3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from course_lib._engine import rfm as rfm_engine
from course_lib.validation import (
    renamed_parameters,
    require_bool,
    require_columns,
    require_dataframe,
    require_datetime,
    require_non_empty,
    require_numeric,
    require_one_of,
    require_positive_int,
    resolve_as_of,
    sample_of,
)

__all__ = [
    "EXCLUSION_REASONS",
    "SEGMENT_MAP_COLUMNS",
    "assign_segments",
    "channel_mix",
    "check_segment_map",
    "clv_summary",
    "default_segment_map",
    "order_values",
    "purchase_days",
    "rescale_segment_map",
    "rfm_scores",
    "rfm_table",
    "rfm_threshold_scores",
    "segment_summary",
]

#: Why a row of the transactions can be left out of the RFM table, in the order
#: they are checked (a row is counted under the first reason that applies).
EXCLUSION_REASONS = (
    "missing customer id",
    "missing date",
    "missing amount",
    "missing order id",
    "customer without a purchase",
)

#: The columns a segment map may have: the required ones, then the optional ones.
SEGMENT_MAP_COLUMNS = {
    "required": ("segment", "r_min", "r_max", "f_min", "f_max"),
    "optional": ("m_min", "m_max", "action"),
}

#: The name of the segment of customers that no row of a segment map matches.
OTHER = "Other"

_SCORE_OF = {"r": "r_score", "f": "f_score", "m": "m_score"}


# --------------------------------------------------------------------------------------
# From order lines to one row per customer
# --------------------------------------------------------------------------------------


def order_values(
    lines: pd.DataFrame,
    *,
    quantity: str = "quantity",
    unit_price: str = "unit_price",
    discount: str | None = "discount",
    status: str | None = "status",
    counted: Sequence[str] = ("delivered",),
    not_counted: Sequence[str] = ("cancelled", "refunded"),
    amount: str = "amount",
) -> pd.DataFrame:
    """Add the money each order line brought in, as column `amount`.

    Parameters
    ----------
    lines : DataFrame
        One row per order line.
    quantity, unit_price : str, default="quantity", "unit_price"
        Columns with the number of items and the price of one item (euros).
    discount : str or None, default="discount"
        Column with the line's discount in euros; None when there is none.
    status : str or None, default="status"
        Column with the line's status; None when every line counts.
    counted : sequence of str, default=("delivered",)
        Statuses whose lines were paid and kept.
    not_counted : sequence of str, default=("cancelled", "refunded")
        Statuses whose lines bring in nothing. Any other status is an error,
        so that a misspelt status cannot slip through.
    amount : str, default="amount"
        Name of the new column.

    Returns
    -------
    DataFrame
        A copy of `lines` with the column `amount` added (or replaced).

    Notes
    -----
    For a line with a counted status, ``amount = quantity * unit_price -
    discount``; for any other line ``amount = 0``. A cancelled line was never
    paid, and a refunded line was paid and paid back, so both net to zero. The
    lines stay in the frame, so nothing disappears: an order whose lines all
    net to zero is simply not a purchase in :func:`rfm_table`, while an order
    with one refunded line among delivered ones still is, with a smaller value.
    Drop duplicated lines before, or they count twice.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "quantity": [2, 1, 3],
    ...     "unit_price": [10.0, 12.5, 4.0],
    ...     "discount": [2.0, 0.0, 0.0],
    ...     "status": ["delivered", "refunded", "delivered"],
    ... })
    >>> order_values(lines)["amount"].tolist()
    [18.0, 0.0, 12.0]
    """
    numeric = [quantity, unit_price] + ([discount] if discount is not None else [])
    require_columns(lines, numeric + ([status] if status is not None else []), name="lines")
    for column in numeric:
        require_numeric(lines, column, name="lines")
    value = lines[quantity] * lines[unit_price]
    if discount is not None:
        value = value - lines[discount]
    if status is not None:
        known = set(counted) | set(not_counted)
        unknown = lines.loc[~lines[status].isin(known), status]
        if len(unknown):
            raise ValueError(
                f"Column {status!r} of `lines` has {len(unknown)} value(s) that are neither "
                f"counted {list(counted)} nor not_counted {list(not_counted)}, like "
                f"{sample_of(unknown.tolist())}. Add them to one of the two lists."
            )
        value = value.where(lines[status].isin(counted), 0.0)
    return lines.assign(**{amount: value.astype("float64")})


@renamed_parameters(date="ordered_at")
def rfm_table(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    order: str | None = None,
    as_of: str | dt.date | None = None,
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Summarise transactions to one row per customer: recency, frequency, monetary, tenure.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction or order line, with the columns named below.
    customer : str, default="customer_id"
        Column with the customer id; rows where it is missing are left out.
    ordered_at : str, default="ordered_at"
        Column of datetimes: when the line's order was placed. Only the
        calendar day counts. (Called `date` before; that name still works, with
        a ``FutureWarning``, until the next release.)
    amount : str, default="amount"
        Column with the net money of the row in euros (negative for a refund
        or a cancellation row, as in the Online Retail data). For the course's
        order lines, compute it with :func:`order_values`.
    order : str or None, default=None
        Column with the order id. Given, a purchase is an order; None, a
        purchase is a calendar day with purchases.
    as_of : str ("YYYY-MM-DD"), date or None, default=None
        The snapshot day that recency and tenure are counted to. None: the day
        after the last date in `transactions`. It may not lie before that last
        date: filter the rows first to look at the past
        (:func:`course_lib.validation.resolve_as_of`).
    return_report : bool, default=False
        Also return the report of the rows left out (like scikit-learn's
        ``return_X_y``, this changes what is returned).

    Returns
    -------
    table : DataFrame
        One row per customer with at least one purchase, indexed by
        `customer` (sorted), with the columns ``recency``, ``frequency``,
        ``monetary``, ``mean_order_value`` and ``tenure`` (see Notes).
    report : DataFrame, only when `return_report` is True
        Indexed by ``reason`` (:data:`EXCLUSION_REASONS`, then ``"used"``),
        with ``rows`` (its rows add up to ``len(transactions)``) and
        ``amount`` (the euros on those rows; a missing amount counts as 0).

    Raises
    ------
    ValueError
        A column is missing, `transactions` is empty, `as_of` lies before the
        last transaction, an order id belongs to two customers, or no
        customer is left.
    TypeError
        `ordered_at` does not hold datetimes or `amount` is not numeric.

    See Also
    --------
    clv_summary : the same history in the convention of CLV models.
    rfm_scores : scores from 1 to `bins` for each column.

    Notes
    -----
    This is the *marketing* convention of RFM (every purchase counts; money is
    a total). Days are whole calendar days.

    - A **purchase** is an order (with `order`) or a calendar day (without)
      whose amounts add up to more than 0. Its day is its first line's day.
      Occasions that net to 0 or less (a cancelled order, a refund on its own
      day) are not purchases, but their amounts still count in ``monetary``:
      refunds and cancellations are netted into the money.
    - ``recency`` = snapshot day - day of the last purchase, in days
      (>= 1 with the default snapshot).
    - ``frequency`` = number of purchases.
    - ``monetary`` = sum of the customer's amounts over all kept rows (euros;
      negative when refunds outweigh purchases in the window).
    - ``mean_order_value`` = ``monetary / frequency`` (euros).
    - ``tenure`` = snapshot day - day of the first purchase, in days.

    Rows are left out, and counted in the report, under the first reason that
    applies: a missing customer id (a guest checkout), date, amount or (with
    `order`) order id, and last the rows of customers without any purchase.

    The CLV convention of lifetimes and pymc-marketing differs in every
    column; :func:`clv_summary` computes it and explains the difference.

    The rule is written once in pandas, in ``_rfm_table_in_pandas`` below:
    the code of lesson 03. From 50,000 usable rows on, the same rule runs on
    integer codes in :mod:`course_lib._engine.rfm`, several times faster;
    ``tests/test_engine.py`` checks on random tables that both give the same
    table and report.

    Examples
    --------
    Customer 1 ordered twice; customer 2's only order was refunded (amount
    0), and one guest row has no customer id:

    >>> lines = pd.DataFrame({
    ...     "order_id": [1, 1, 2, 3, 4],
    ...     "customer_id": pd.array([1, 1, 1, 2, None], dtype="Int64"),
    ...     "ordered_at": pd.to_datetime(["2024-05-01", "2024-05-01", "2024-05-20",
    ...                                   "2024-05-10", "2024-05-30"], format="%Y-%m-%d"),
    ...     "amount": [12.0, 8.0, 30.0, 0.0, 15.0],
    ... })
    >>> table, report = rfm_table(lines, order="order_id", return_report=True)
    >>> table
                 recency  frequency  monetary  mean_order_value  tenure
    customer_id
    1                 11          2      50.0              25.0      30
    >>> report
                                 rows  amount
    reason
    missing customer id             1    15.0
    missing date                    0     0.0
    missing amount                  0     0.0
    missing order id                0     0.0
    customer without a purchase     1     0.0
    used                            3    50.0
    """
    columns = [customer, ordered_at, amount] + ([order] if order is not None else [])
    require_columns(transactions, columns, name="transactions")
    require_non_empty(transactions, name="transactions")
    require_datetime(transactions, ordered_at, name="transactions")
    require_numeric(transactions, amount, name="transactions")
    require_bool(return_report, parameter="return_report", function="rfm_table")
    snapshot = resolve_as_of(as_of, transactions[ordered_at], function="rfm_table", name="transactions")
    missing = _missing_value_masks(transactions, columns)
    kept = ~np.logical_or.reduce(list(missing.values()))
    if not kept.any():
        raise ValueError(
            "No row of the transactions passed to rfm_table has a customer id, a date and an amount"
            f"{' and an order id' if order is not None else ''} (columns {columns}): there is nothing to summarise."
        )

    if kept.sum() >= _ENGINE_FROM_ROWS:
        # The same table, computed on integer codes: much faster on large tables (tests/test_engine.py).
        table = rfm_engine.rfm_table(
            transactions, kept, customer=customer, ordered_at=ordered_at, amount=amount, order=order, snapshot=snapshot
        )
    else:
        table = _rfm_table_in_pandas(
            transactions.loc[kept, columns],
            customer=customer,
            ordered_at=ordered_at,
            amount=amount,
            order=order,
            snapshot=snapshot,
        )
    if table.empty:
        raise ValueError(
            "No customer has a purchase (an order or day whose amounts add up to more than 0) "
            "in `transactions`; rfm_table(..., return_report=True) on a subset shows why."
        )
    if not return_report:
        return table
    return table, _exclusion_report(transactions, missing, kept, table.index, customer=customer, amount=amount)


#: From this many usable rows on, rfm_table runs on the engine (the pandas below takes ~1 s per million rows).
_ENGINE_FROM_ROWS = 50_000


def _rfm_table_in_pandas(
    lines: pd.DataFrame, *, customer: str, ordered_at: str, amount: str, order: str | None, snapshot: pd.Timestamp
) -> pd.DataFrame:
    """The RFM table as lesson 03 writes it, from rows without missing values; the rule of rfm_table.

    An empty frame when no customer has a purchase.
    """
    if order is not None:
        _require_one_customer_per_order(lines, customer=customer, order=order)
    day = _calendar_day(lines[ordered_at])
    # A purchase occasion is an order, or (without order ids) a customer's calendar day.
    # Fixed names from here on, whatever the caller's columns are called.
    lines = pd.DataFrame(
        {
            "customer": lines[customer],
            "occasion": day if order is None else lines[order],
            "day": day,
            "amount": lines[amount],
        }
    )
    occasions = lines.groupby(["customer", "occasion"], observed=True).agg(day=("day", "min"), net=("amount", "sum"))
    purchases = occasions[occasions["net"] > 0]
    per_customer = purchases.groupby(level="customer", observed=True).agg(
        first_day=("day", "min"), last_day=("day", "max"), frequency=("net", "size")
    )
    # Money counts every occasion, purchases or not: refunds and cancellations are netted in.
    monetary = occasions.groupby(level="customer", observed=True)["net"].sum().reindex(per_customer.index)
    return pd.DataFrame(
        {
            "recency": (snapshot - per_customer["last_day"]).dt.days.astype("int64"),
            "frequency": per_customer["frequency"].astype("int64"),
            "monetary": monetary.astype("float64"),
            "mean_order_value": monetary / per_customer["frequency"],
            "tenure": (snapshot - per_customer["first_day"]).dt.days.astype("int64"),
        }
    ).rename_axis(customer)


def _calendar_day(dates: pd.Series) -> pd.Series:
    """Midnight of each datetime's day, on the local calendar, without a time zone."""
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    return dates.dt.normalize()


def _require_one_customer_per_order(lines: pd.DataFrame, *, customer: str, order: str) -> None:
    customers_per_order = lines.groupby(order, observed=True)[customer].nunique()
    shared = customers_per_order.index[customers_per_order > 1]
    if len(shared):
        raise ValueError(
            f"{len(shared)} order id(s) belong to more than one customer, like {sample_of(shared.tolist())}: "
            "an order has one customer. Fix the ids, or pass order=None to count days as purchases."
        )


def _exclusion_report(
    transactions: pd.DataFrame,
    missing: dict[str, np.ndarray],
    kept: np.ndarray,
    buyers: pd.Index,
    *,
    customer: str,
    amount: str,
) -> pd.DataFrame:
    """Rows and euros under each reason a row is left out (the first that applies), then "used"."""
    reasons = [*missing, "customer without a purchase", "used"]
    code = np.select(list(missing.values()), range(len(missing)), default=len(reasons) - 1)
    without_purchase = kept & ~transactions[customer].isin(buyers).to_numpy()
    code[without_purchase] = len(reasons) - 2
    amounts = transactions[amount].fillna(0).to_numpy(dtype="float64")
    return pd.DataFrame(
        {
            "rows": np.bincount(code, minlength=len(reasons)),
            "amount": np.bincount(code, weights=amounts, minlength=len(reasons)),
        },
        index=pd.Index(reasons, name="reason"),
    )


def purchase_days(
    lines: pd.DataFrame,
    *,
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    zero_amount_days: str = "drop",
) -> pd.DataFrame:
    """One row per customer and purchase day, in order: the days :func:`clv_summary` counts.

    Parameters
    ----------
    lines : DataFrame
        Transactions with a customer, a date and an amount on every row (the
        caller drops the others). Not modified.
    customer, ordered_at, amount : str
        Columns.
    zero_amount_days : {"drop", "count"}, default="drop"
        As in :func:`clv_summary`.

    Returns
    -------
    DataFrame
        ``customer``, ``day`` (midnight of the calendar day) and ``amount``
        (what the day was worth), sorted by customer and day. A day is a
        purchase when it is worth more than 0, or, with ``"count"``, exactly 0
        without a refund line.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2],
    ...     "ordered_at": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 19:00", "2024-05-03 09:00", "2024-05-02 10:00"]),
    ...     "amount": [10.0, 5.0, -8.0, 0.0],
    ... })
    >>> purchase_days(lines)
       customer        day  amount
    0         1 2024-05-01    15.0
    """
    days = (
        pd.DataFrame({"customer": lines[customer], "day": _calendar_day(lines[ordered_at]), "amount": lines[amount]})
        .groupby(["customer", "day"], observed=True)
        .agg(amount=("amount", "sum"), lowest_line=("amount", "min"))
        .reset_index()
    )
    is_purchase = days["amount"] > 0
    if zero_amount_days == "count":
        is_purchase |= (days["amount"] == 0) & (days["lowest_line"] >= 0)
    return days.loc[is_purchase, ["customer", "day", "amount"]].reset_index(drop=True)


@renamed_parameters(date="ordered_at")
def clv_summary(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    as_of: str | dt.date | None = None,
    zero_amount_days: str = "drop",
) -> pd.DataFrame:
    """Summarise transactions in the convention of CLV models (lifetimes, pymc-marketing).

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction or order line.
    customer, ordered_at, amount : str
        Columns, as in :func:`rfm_table` (`ordered_at` was called `date`; that
        name still works, with a ``FutureWarning``, until the next release).
    as_of : str ("YYYY-MM-DD"), date or None, default=None
        The end of the observation period. None: the day of the last date in
        `transactions` (the default of both libraries; :func:`rfm_table`
        takes the day after). It may not lie before that last date.
    zero_amount_days : {"drop", "count"}, default="drop"
        What a day whose amounts add up to exactly 0 is:

        - ``"drop"``: not a purchase. Right when refunds and cancellations are
          recorded as zero amounts, as :func:`order_values` does for Green
          Fork: there a day worth 0 is a refunded day.
        - ``"count"``: a purchase worth 0 (a free order, a $0 sale), unless a
          line of that day is negative: a day that nets to 0 because a refund
          cancels a sale is still not a purchase. Right for data where refunds
          are negative lines or absent, such as CDNOW, whose published fits
          count its $0 purchases.

    Returns
    -------
    DataFrame
        One row per customer, indexed by `customer` (sorted), with the float
        columns ``frequency``, ``recency``, ``T`` and ``monetary_value`` of
        lifetimes' ``summary_data_from_transaction_data`` (pymc-marketing's
        ``rfm_summary`` gives the same with the id as a column
        ``customer_id``: call ``.reset_index()``).

    Notes
    -----
    Time is counted in whole days, and a **purchase** is a calendar day whose
    amounts add up to more than 0 (several orders on one day are one purchase
    worth their sum, as in both libraries); with ``zero_amount_days="count"``,
    also a day whose amounts add up to exactly 0 without a negative line.
    Then

    - ``frequency`` = number of purchase days - 1 (the *repeat* purchases);
    - ``recency`` = last purchase day - first purchase day, in days;
    - ``T`` = end of observation - first purchase day, in days;
    - ``monetary_value`` = mean value of the repeat purchase days (the first
      one left out), 0 for a customer without repeat purchases.

    The two conventions side by side:

    ================  ===============================  ==============================
    quantity          marketing RFM (:func:`rfm_table`)  CLV models (this function)
    ================  ===============================  ==============================
    frequency         all purchases                    repeat purchases (all - 1)
    recency           snapshot - last purchase         last - first purchase
    customer age      ``tenure`` = snapshot - first    ``T`` = snapshot - first
    money             total net spend                  mean of repeat purchases
    default snapshot  day after the last transaction   day of the last transaction
    ================  ===============================  ==============================

    So a customer who bought once has frequency 1 in RFM but 0 here, and a
    customer who bought *recently* has a small RFM recency but a *large* CLV
    recency (the span of their purchases): in the CLV convention a large
    recency is good. Marketing RFM recency is ``T - recency`` here.

    Rows are left out by the rules of :func:`rfm_table` (see its report).
    Days that net to less than 0, or to 0 with a refund among their lines,
    are never purchases and do not enter ``monetary_value``; lifetimes and
    pymc-marketing would count such a day as a purchase, so they agree with
    this function (with ``zero_amount_days="count"``) on data without refunds. They also silently drop transactions after the end of
    observation; here an `as_of` before the data is an error.

    Examples
    --------
    Customer 1 bought twice on 1 May (one purchase worth 30) and on 11 May:

    >>> lines = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2],
    ...     "ordered_at": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 19:00", "2024-05-11 12:00",
    ...                                   "2024-05-21 12:00"], format="%Y-%m-%d %H:%M"),
    ...     "amount": [10.0, 20.0, 40.0, 25.0],
    ... })
    >>> clv_summary(lines)
                 frequency  recency     T  monetary_value
    customer_id
    1                  1.0     10.0  20.0            40.0
    2                  0.0      0.0   0.0             0.0

    A $0 sale is a purchase only when asked for; a refund never is:

    >>> free = pd.DataFrame({
    ...     "customer_id": [3, 3, 4, 4],
    ...     "ordered_at": pd.to_datetime(["2024-05-01", "2024-05-08", "2024-05-01", "2024-05-01"], format="%Y-%m-%d"),
    ...     "amount": [12.0, 0.0, 15.0, -15.0],
    ... })
    >>> clv_summary(free, zero_amount_days="count", as_of="2024-05-21")
                 frequency  recency     T  monetary_value
    customer_id
    3                  1.0      7.0  20.0             0.0
    >>> clv_summary(free, as_of="2024-05-21")
                 frequency  recency     T  monetary_value
    customer_id
    3                  0.0      0.0  20.0             0.0
    """
    require_one_of(zero_amount_days, {"drop", "count"}, parameter="zero_amount_days", function="clv_summary")
    require_columns(transactions, [customer, ordered_at, amount], name="transactions")
    require_non_empty(transactions, name="transactions")
    require_datetime(transactions, ordered_at, name="transactions")
    require_numeric(transactions, amount, name="transactions")

    end = resolve_as_of(as_of, transactions[ordered_at], function="clv_summary", name="transactions")
    if as_of is None:
        end -= pd.Timedelta(days=1)  # the CLV libraries end observation on the last day, not the day after
    lines = transactions[[customer, ordered_at, amount]].dropna()  # rfm_table's rule: a row needs all three
    if lines.empty:
        raise ValueError(
            f"No row of the transactions passed to clv_summary has a customer id, a date and an amount "
            f"(columns {customer!r}, {ordered_at!r}, {amount!r}): there is nothing to summarise."
        )

    # 1-2. One row per customer and purchase day: a day worth more than 0 (see purchase_days).
    purchases = purchase_days(
        lines, customer=customer, ordered_at=ordered_at, amount=amount, zero_amount_days=zero_amount_days
    )
    if purchases.empty:
        worth = "more than 0" if zero_amount_days == "drop" else "0 or more, without a refund"
        raise ValueError(f"No customer has a purchase day (amounts adding up to {worth}) in `transactions`.")
    # 3. Per customer: how many purchase days, the first and the last; money from the repeat days only.
    per_customer = purchases.groupby("customer", observed=True).agg(
        purchases=("day", "size"), first_day=("day", "min"), last_day=("day", "max")
    )
    is_repeat = purchases["day"] > purchases.groupby("customer", observed=True)["day"].transform("min")
    repeat_value = purchases[is_repeat].groupby("customer", observed=True)["amount"].mean()
    summary = pd.DataFrame(
        {
            "frequency": per_customer["purchases"] - 1,
            "recency": (per_customer["last_day"] - per_customer["first_day"]).dt.days,
            "T": (end - per_customer["first_day"]).dt.days,
            "monetary_value": repeat_value.reindex(per_customer.index, fill_value=0.0),
        }
    )
    return summary.astype("float64").rename_axis(customer)


# --------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------


def rfm_scores(table: pd.DataFrame, *, bins: int = 5, ties: str = "min") -> pd.DataFrame:
    """Score recency, frequency and monetary from 1 to `bins` by quantiles.

    Parameters
    ----------
    table : DataFrame
        One row per customer (unique index) with the columns ``recency``,
        ``frequency`` and ``monetary``, as made by :func:`rfm_table`.
    bins : int, default=5
        Number of scores (quantile groups), at least 2.
    ties : {"min", "first"}, default="min"
        How equal values are scored (the names of ``Series.rank`` methods):

        - ``"min"`` (the default): equal values share a score, the score of
          the first of them. Groups can be uneven (many one-time buyers all
          get F = 1), but a score never depends on anything but the value.
        - ``"first"``: ties are broken by customer id (the lower id is ranked
          first), so every score holds the same number of customers (to one),
          but two customers with the same value can get neighbouring scores.
          Ids usually grow with the sign-up date, so this quietly scores
          older customers lower; use it only when equal group sizes matter
          more than fairness, and say so.

    Returns
    -------
    DataFrame
        A copy of `table` with int columns ``r_score``, ``f_score`` and
        ``m_score`` (1 = worst, `bins` = best).

    See Also
    --------
    rfm_threshold_scores : scores from fixed business rules instead.

    Notes
    -----
    With n customers, a customer's rank r (1 = worst value; with
    ``ties="min"`` equal values all take the rank of the first of them) gives

        score = 1 + floor(bins * (r - 1) / n)

    so, without ties, each score holds a fraction 1 / `bins` of the
    customers. Recency is reversed: the *most recent* customers (smallest
    recency) get `bins`. Frequency and monetary score large values high.

    Why ``"min"`` is the default: two customers who did exactly the same
    (same days since the last order, same number of orders) must get the
    same score, or the segment a customer lands in depends on their id.

    This rule is chosen because SQL reproduces it exactly (``RANK()`` or
    ``ROW_NUMBER()`` over the ordered customers, see :mod:`course_lib.rfm_sql`):
    ``pd.qcut`` cuts at interpolated quantiles and fails on repeated edges,
    and SQL's ``NTILE`` splits ties in an arbitrary order and sizes its groups
    differently; neither agrees with the other.

    Examples
    --------
    Customers 2 and 3 have the same recency and the same frequency; by
    default they share both scores, with ``ties="first"`` the lower id gets
    the lower ones:

    >>> table = pd.DataFrame({
    ...     "recency": [5, 40, 40, 200],
    ...     "frequency": [6, 2, 2, 1],
    ...     "monetary": [310.0, 64.0, 80.5, 19.0],
    ... }, index=pd.Index([1, 2, 3, 4], name="customer_id"))
    >>> rfm_scores(table, bins=4)[["r_score", "f_score", "m_score"]]
                 r_score  f_score  m_score
    customer_id
    1                  4        4        4
    2                  2        2        2
    3                  2        2        3
    4                  1        1        1
    >>> rfm_scores(table, bins=4, ties="first")["f_score"].tolist()
    [4, 2, 3, 1]
    """
    _require_rfm_columns(table, function="rfm_scores")
    require_positive_int(bins, parameter="bins", function="rfm_scores", minimum=2)
    require_one_of(ties, ("min", "first"), parameter="ties", function="rfm_scores")

    # Sorting by id first makes rank(method="first") break ties by customer id (min ignores order).
    by_id = table.sort_index(kind="stable")
    goodness = {"r_score": -by_id["recency"], "f_score": by_id["frequency"], "m_score": by_id["monetary"]}
    n_customers = len(table)
    scores = {
        name: (1 + (bins * (values.rank(method=ties) - 1)) // n_customers).astype("int64")
        for name, values in goodness.items()
    }
    return table.assign(**{name: score.reindex(table.index) for name, score in scores.items()})


def rfm_threshold_scores(
    table: pd.DataFrame,
    *,
    recency: Sequence[float] = (14, 30, 60, 120),
    frequency: Sequence[float] = (2, 3, 5, 10),
    monetary: Sequence[float] = (40, 100, 250, 500),
) -> pd.DataFrame:
    """Score recency, frequency and monetary by fixed business-rule thresholds.

    Quantile scores move when the customers change; thresholds stay put, so
    "F = 5" always means the same thing (ten orders or more, say) from one
    month to the next.

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``recency``, ``frequency`` and ``monetary``.
    recency : sequence of float, default=(14, 30, 60, 120)
        Increasing limits in days. Recency up to the first limit scores best.
    frequency : sequence of float, default=(2, 3, 5, 10)
        Increasing purchase counts; reaching a limit raises the score by one.
    monetary : sequence of float, default=(40, 100, 250, 500)
        Increasing amounts in euros, used like `frequency`.

    Returns
    -------
    DataFrame
        A copy of `table` with int columns ``r_score``, ``f_score`` and
        ``m_score`` from 1 to ``len(limits) + 1``. The three sequences must
        have the same length, so the scores share one scale.

    Notes
    -----
    With limits t1 < t2 < ... < tk (so k + 1 scores):

    - f_score (and m_score) = 1 + number of limits with t <= value;
    - r_score = k + 1 - number of limits with t < recency, so with the
      defaults: up to 14 days scores 5, 15-30 days 4, 31-60 days 3,
      61-120 days 2, more than 120 days 1.

    Examples
    --------
    >>> table = pd.DataFrame({"recency": [3, 45, 400], "frequency": [12, 2, 1],
    ...                       "monetary": [620.0, 99.0, 15.0]})
    >>> rfm_threshold_scores(table)[["r_score", "f_score", "m_score"]]
       r_score  f_score  m_score
    0        5        5        5
    1        3        2        2
    2        1        1        1
    """
    _require_rfm_columns(table, function="rfm_threshold_scores")
    limits = {"recency": recency, "frequency": frequency, "monetary": monetary}
    for parameter, values in limits.items():
        values = np.asarray(values, dtype="float64")
        if values.ndim != 1 or len(values) == 0 or np.any(np.diff(values) <= 0) or np.isnan(values).any():
            raise ValueError(
                f"The {parameter!r} parameter of rfm_threshold_scores must be a non-empty "
                f"sequence of strictly increasing numbers. Got {list(limits[parameter])!r} instead."
            )
    lengths = {parameter: len(values) for parameter, values in limits.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(
            f"The limits of rfm_threshold_scores must all have the same length, so the three "
            f"scores share one scale. Got lengths {lengths}."
        )
    top = len(recency) + 1
    return table.assign(
        r_score=top - np.searchsorted(np.asarray(recency, dtype="float64"), table["recency"], side="left"),
        f_score=1 + np.searchsorted(np.asarray(frequency, dtype="float64"), table["frequency"], side="right"),
        m_score=1 + np.searchsorted(np.asarray(monetary, dtype="float64"), table["monetary"], side="right"),
    ).astype({"r_score": "int64", "f_score": "int64", "m_score": "int64"})


# --------------------------------------------------------------------------------------
# The segment map: score ranges -> segment names, held as data
# --------------------------------------------------------------------------------------


def default_segment_map() -> pd.DataFrame:
    """Return the ten classic RFM segments on 5 scores, with a recommended action each.

    Returns
    -------
    DataFrame
        A fresh table (edit it freely) with one row per segment: ``segment``,
        the inclusive ranges ``r_min``-``r_max`` and ``f_min``-``f_max`` of the
        recency and frequency scores (1-5), and ``action``.

    Notes
    -----
    The map reads the R x F grid of scores: recent *and* frequent customers are
    Champions, frequent ones who stopped coming are At risk or Can't lose them,
    and so on. The ten ranges tile the 5 x 5 grid exactly, so with the default
    map nobody falls into "Other"; an edited map may leave gaps (those
    customers become "Other") or overlaps (the first matching row wins).
    :func:`check_segment_map` shows both. A row may also limit the monetary
    score with optional ``m_min``/``m_max`` columns.

    Examples
    --------
    >>> segment_map = default_segment_map()
    >>> segment_map[["segment", "r_min", "r_max", "f_min", "f_max"]].head(3)
                  segment  r_min  r_max  f_min  f_max
    0           Champions      5      5      4      5
    1               Loyal      3      4      4      5
    2  Potential loyalist      4      5      2      3
    """
    rows = [
        ("Champions", 5, 5, 4, 5, "Reward them: early access to new dishes, invite reviews and referrals."),
        ("Loyal", 3, 4, 4, 5, "Offer a subscription or loyalty tier; suggest the chef's premium menus."),
        (
            "Potential loyalist",
            4,
            5,
            2,
            3,
            "Invite them to the loyalty programme; recommend dishes like their favourites.",
        ),
        ("New customers", 5, 5, 1, 1, "Welcome them: a short onboarding series and a thank-you on the second order."),
        ("Promising", 4, 4, 1, 1, "Build the habit: a time-limited offer on the category they tried."),
        ("Need attention", 3, 3, 3, 3, "Send personalised recommendations and a reason to order this week."),
        ("About to sleep", 3, 3, 1, 2, "Reactivate with a popular new dish or a small time-limited discount."),
        ("At risk", 1, 2, 3, 4, "Win them back: a personal message, a meaningful offer, ask what changed."),
        ("Can't lose them", 1, 2, 5, 5, "Call or write personally with a strong win-back offer; learn why they left."),
        ("Lost", 1, 2, 1, 2, "One low-cost reactivation campaign, then stop spending on them."),
    ]
    return pd.DataFrame(rows, columns=["segment", "r_min", "r_max", "f_min", "f_max", "action"])


def check_segment_map(segment_map: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """Check a segment map and show which score cells each segment gets.

    Parameters
    ----------
    segment_map : DataFrame
        A map like :func:`default_segment_map`'s.
    bins : int, default=5
        The scores run from 1 to `bins`.

    Returns
    -------
    DataFrame
        Indexed by ``segment`` (the map's order, then ``"Other"``), with
        ``cells`` (score combinations inside the segment's ranges), ``cells_won``
        (those it gets under the first-match rule) and ``overlaps_with``
        (earlier segments that take some of its cells, "" when none). The
        ``"Other"`` row counts the cells no segment covers.

    Raises
    ------
    ValueError, TypeError
        When the map has a missing or unknown column, a repeated or reserved
        segment name, or a range outside 1..`bins` or upside down.

    Notes
    -----
    A cell is one combination of scores (R, F), or (R, F, M) when the map has
    ``m_min``/``m_max``; there are ``bins**2`` (or ``bins**3``) of them. A
    segment with ``cells_won == 0`` can never hold a customer: an earlier row
    covers all of it.

    Examples
    --------
    >>> segment_map = default_segment_map()
    >>> segment_map.loc[1, "r_max"] = 5          # Loyal now reaches R = 5
    >>> report = check_segment_map(segment_map)
    >>> report.loc[["Champions", "Loyal", "Other"]]
               cells  cells_won overlaps_with
    segment
    Champions      2          2
    Loyal          6          4     Champions
    Other          0          0
    """
    require_positive_int(bins, parameter="bins", function="check_segment_map", minimum=2)
    _validate_segment_map(segment_map, bins=bins)
    axes = ["r", "f", "m"] if "m_min" in segment_map.columns else ["r", "f"]
    grid = pd.MultiIndex.from_product([range(1, bins + 1)] * len(axes), names=[_SCORE_OF[a] for a in axes])
    cells = grid.to_frame(index=False)
    winner = _first_match(cells, segment_map)
    inside = {row.segment: _rule_mask(cells, row, axes) for row in segment_map.itertuples(index=False)}
    names = list(segment_map["segment"])
    overlaps = {
        name: ", ".join(earlier for earlier in names[:i] if (inside[name] & inside[earlier]).any())
        for i, name in enumerate(names)
    }
    report = pd.DataFrame(
        {
            "segment": names + [OTHER],
            "cells": [int(inside[name].sum()) for name in names] + [int((winner == OTHER).sum())],
            "cells_won": [int((winner == name).sum()) for name in names] + [int((winner == OTHER).sum())],
            "overlaps_with": [overlaps[name] for name in names] + [""],
        }
    )
    return report.set_index("segment")


def rescale_segment_map(segment_map: pd.DataFrame, *, bins: int, from_bins: int = 5) -> pd.DataFrame:
    """Translate a segment map from scores 1..`from_bins` to scores 1..`bins`.

    Parameters
    ----------
    segment_map : DataFrame
        A valid map for `from_bins` scores.
    bins : int
        The new number of scores, at least 2.
    from_bins : int, default=5
        The number of scores the map was written for.

    Returns
    -------
    DataFrame
        A new map with the same segments (in the same order) and new ranges.
        A segment whose range holds no score on the new scale is dropped:
        with fewer scores (``bins < from_bins``), some old scores have no
        counterpart. With ``bins >= from_bins`` no segment is dropped.

    Notes
    -----
    Scores stand for equal slices of the customers, so new score k (its
    slice centred at (k - 0.5) / `bins`) belongs to the old score whose slice
    holds that centre: ``old = ceil(from_bins * (k - 0.5) / bins)``. A range
    [lo, hi] becomes the new scores whose old score lies in [lo, hi].

    Examples
    --------
    >>> ten = rescale_segment_map(default_segment_map(), bins=10)
    >>> ten[["segment", "r_min", "r_max", "f_min", "f_max"]].head(2)
         segment  r_min  r_max  f_min  f_max
    0  Champions      9     10      7     10
    1      Loyal      5      8      7     10
    """
    require_positive_int(bins, parameter="bins", function="rescale_segment_map", minimum=2)
    require_positive_int(from_bins, parameter="from_bins", function="rescale_segment_map", minimum=2)
    _validate_segment_map(segment_map, bins=from_bins)
    new_scores = np.arange(1, bins + 1)
    # ceil(a / b) for integers, written -(-a // b) to stay exact.
    old_of_new = -(-(from_bins * (2 * new_scores - 1)) // (2 * bins))
    rescaled = segment_map.copy()
    for axis in ("r", "f", "m"):
        if f"{axis}_min" not in rescaled.columns:
            continue
        rescaled[f"{axis}_min"] = np.searchsorted(old_of_new, rescaled[f"{axis}_min"], side="left") + 1
        rescaled[f"{axis}_max"] = np.searchsorted(old_of_new, rescaled[f"{axis}_max"], side="right")
    holds_a_score = np.logical_and.reduce(
        [
            rescaled[f"{axis}_min"] <= rescaled[f"{axis}_max"]
            for axis in ("r", "f", "m")
            if f"{axis}_min" in rescaled.columns
        ]
    )
    return rescaled[holds_a_score].reset_index(drop=True)


def assign_segments(
    scores: pd.DataFrame,
    *,
    segment_map: pd.DataFrame | None = None,
    bins: int = 5,
) -> pd.DataFrame:
    """Name each customer's segment from their scores and a segment map.

    Parameters
    ----------
    scores : DataFrame
        One row per customer with int columns ``r_score`` and ``f_score`` (and
        ``m_score`` when the map uses it), as made by :func:`rfm_scores`.
    segment_map : DataFrame or None, default=None
        Rows of ``segment``, ``r_min``, ``r_max``, ``f_min``, ``f_max``
        (optional ``m_min``, ``m_max``, ``action``); ranges are inclusive.
        None: :func:`default_segment_map`.
    bins : int, default=5
        The scores run from 1 to `bins` (the `bins` given to
        :func:`rfm_scores`); the map's ranges and the scores must fit in it.

    Returns
    -------
    DataFrame
        A copy of `scores` with a categorical column ``segment`` whose
        categories are the map's segments in order, then ``"Other"``.

    Notes
    -----
    The rows of the map are tried from top to bottom and the **first match
    wins**, so a more specific row belongs above a broader one. A customer no
    row matches is in ``"Other"``.

    Examples
    --------
    >>> scores = pd.DataFrame({"r_score": [5, 5, 1, 3], "f_score": [5, 1, 5, 3]},
    ...                       index=pd.Index([7, 8, 9, 10], name="customer_id"))
    >>> assign_segments(scores)["segment"].tolist()
    ['Champions', 'New customers', "Can't lose them", 'Need attention']
    """
    require_positive_int(bins, parameter="bins", function="assign_segments", minimum=2)
    segment_map = default_segment_map() if segment_map is None else segment_map
    _validate_segment_map(segment_map, bins=bins)
    used = ["r_score", "f_score"] + (["m_score"] if "m_min" in segment_map.columns else [])
    require_columns(scores, used, name="scores")
    for column in used:
        require_numeric(scores, column, name="scores")
        outside = scores.loc[~scores[column].between(1, bins), column]
        if len(outside):
            raise ValueError(
                f"Column {column!r} of `scores` must hold scores from 1 to bins={bins}; found "
                f"{len(outside)} value(s) outside, like {sample_of(outside.tolist())}. Pass the "
                f"`bins` used by rfm_scores, and a map for that many scores (rescale_segment_map)."
            )
    segment = pd.Categorical(_first_match(scores, segment_map), categories=[*segment_map["segment"], OTHER])
    return scores.assign(segment=segment)


def segment_summary(segmented: pd.DataFrame, *, segment_map: pd.DataFrame | None = None) -> pd.DataFrame:
    """Size, revenue share and mean recency, frequency and monetary of each segment.

    Parameters
    ----------
    segmented : DataFrame
        One row per customer with ``segment``, ``recency``, ``frequency`` and
        ``monetary``, as made by :func:`assign_segments`.
    segment_map : DataFrame or None, default=None
        The map the segments came from: it gives the order of the rows and the
        ``action`` column. None: :func:`default_segment_map`.

    Returns
    -------
    DataFrame
        One row per segment of the map, then ``"Other"`` (segments without
        customers included, with 0 customers), with ``customers``,
        ``customer_share``, ``revenue`` (euros), ``revenue_share``,
        ``recency_mean`` (days), ``frequency_mean``, ``monetary_mean`` (euros)
        and, when the map has it, ``action``.

    Notes
    -----
    ``customer_share`` = customers in the segment / all customers;
    ``revenue`` = sum of ``monetary``; ``revenue_share`` = revenue / total
    revenue of all customers (both shares are fractions that add up to 1).
    The means are missing for an empty segment.

    Examples
    --------
    >>> segmented = pd.DataFrame({
    ...     "segment": ["Champions", "Champions", "Lost"],
    ...     "recency": [2, 4, 300], "frequency": [9, 7, 1], "monetary": [400.0, 500.0, 100.0],
    ... })
    >>> summary = segment_summary(segmented)
    >>> summary.loc[["Champions", "Lost", "Other"], ["customers", "customer_share", "revenue_share"]].round(2)
               customers  customer_share  revenue_share
    segment
    Champions          2            0.67            0.9
    Lost               1            0.33            0.1
    Other              0            0.00            0.0
    """
    require_columns(segmented, ["segment", "recency", "frequency", "monetary"], name="segmented")
    require_non_empty(segmented, name="segmented")
    for column in ("recency", "frequency", "monetary"):
        require_numeric(segmented, column, name="segmented")
    segment_map = default_segment_map() if segment_map is None else segment_map
    _validate_segment_map(segment_map, bins=None)
    order = [*segment_map["segment"], OTHER]
    unknown = segmented.loc[~segmented["segment"].isin(order), "segment"]
    if len(unknown):
        raise ValueError(
            f"Column 'segment' of `segmented` has {len(unknown)} value(s) that are not in the "
            f"segment map, like {sample_of(unknown.astype(str).tolist())}. Pass the `segment_map` "
            "the segments were assigned with."
        )
    summary = (
        segmented.assign(segment=segmented["segment"].astype("str"))
        .groupby("segment", observed=True)
        .agg(
            customers=("monetary", "size"),
            revenue=("monetary", "sum"),
            recency_mean=("recency", "mean"),
            frequency_mean=("frequency", "mean"),
            monetary_mean=("monetary", "mean"),
        )
        .reindex(order)
    )
    summary["customers"] = summary["customers"].fillna(0).astype("int64")
    summary["revenue"] = summary["revenue"].fillna(0.0)
    summary.insert(1, "customer_share", summary["customers"] / summary["customers"].sum())
    summary.insert(3, "revenue_share", summary["revenue"] / summary["revenue"].sum())
    if "action" in segment_map.columns:
        summary["action"] = segment_map.set_index("segment")["action"].reindex(order).fillna("")
    summary.index.name = "segment"
    return summary


# --------------------------------------------------------------------------------------
# Beyond RFM: channel mix
# --------------------------------------------------------------------------------------


def channel_mix(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    channel: str = "channel",
) -> pd.DataFrame:
    """Which channels each customer buys through: single-channel or multichannel shoppers.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction or order line; pass the rows that count as
        purchases (delivered orders, say).
    customer : str, default="customer_id"
        Column with the customer id; rows where it is missing are left out.
    channel : str, default="channel"
        Column with the channel (web, app, phone, ...); missing values are
        left out.

    Returns
    -------
    DataFrame
        One row per customer, indexed by `customer` (sorted), with
        ``channels`` (number of distinct channels), ``channel_list`` (the
        channels, sorted, joined by " + ") and ``shopper``:
        ``"single-channel"`` (1 channel), ``"multichannel"`` (2 or more) or
        ``"unknown"`` (no channel recorded).

    Notes
    -----
    Multichannel shoppers tend to be more loyal; single-channel shoppers are a
    target for an invitation to try another channel (the app, say).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
    ...                        "channel": ["app", "web", "app", "app", None]})
    >>> channel_mix(orders)
                 channels channel_list         shopper
    customer_id
    1                   2    app + web    multichannel
    2                   1          app  single-channel
    3                   0                      unknown
    """
    require_columns(transactions, [customer, channel], name="transactions")
    require_non_empty(transactions, name="transactions")
    known = transactions.loc[transactions[customer].notna(), [customer, channel]]
    customers = known[customer].drop_duplicates().sort_values()
    pairs = (
        known.dropna(subset=[channel])
        .assign(**{channel: lambda frame: frame[channel].astype("str")})
        .drop_duplicates()
        .sort_values([customer, channel])
    )
    per_customer = pairs.groupby(customer).agg(channels=(channel, "size"), channel_list=(channel, " + ".join))
    mix = per_customer.reindex(pd.Index(customers, name=customer))
    mix["channels"] = mix["channels"].fillna(0).astype("int64")
    mix["channel_list"] = mix["channel_list"].fillna("")
    mix["shopper"] = np.select(
        [mix["channels"] >= 2, mix["channels"] == 1], ["multichannel", "single-channel"], default="unknown"
    )
    return mix


# --------------------------------------------------------------------------------------
# Private helpers
# --------------------------------------------------------------------------------------


def _missing_value_masks(transactions: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """{reason: rows it applies to} for each missing-value check, in the order of EXCLUSION_REASONS."""
    reasons = [reason for reason in EXCLUSION_REASONS if reason.startswith("missing")]
    return {reason: transactions[column].isna().to_numpy() for reason, column in zip(reasons, columns, strict=False)}


def _kept_lines(
    transactions: pd.DataFrame, kept: np.ndarray, *, customer: str, date: str, amount: str, function: str
) -> pd.DataFrame:
    """The kept rows as a new frame: customer, day number, amount (fixed names, whatever the caller's)."""
    if not kept.any():
        raise ValueError(
            f"No row of the transactions passed to {function} has a customer id, a date and an amount "
            f"(columns {customer!r}, {date!r}, {amount!r}): there is nothing to summarise."
        )
    return pd.DataFrame(
        {
            "customer": transactions[customer].array[kept],
            "day": rfm_engine.day_numbers(transactions[date])[kept],
            "amount": transactions[amount].to_numpy(dtype="float64", na_value=np.nan)[kept],
        }
    )


def _require_rfm_columns(table: pd.DataFrame, *, function: str) -> None:
    """`table` has numeric recency, frequency and monetary, no missing value, one row per customer."""
    require_columns(table, ["recency", "frequency", "monetary"], name="table")
    require_non_empty(table, name="table")
    for column in ("recency", "frequency", "monetary"):
        require_numeric(table, column, name="table")
        if table[column].isna().any():
            raise ValueError(
                f"Column {column!r} of `table` has {int(table[column].isna().sum())} missing "
                f"value(s); {function} needs a value for every customer."
            )
    if not table.index.is_unique:
        repeated = table.index[table.index.duplicated()]
        raise ValueError(
            f"`table` must have one row per customer, but its index repeats {sample_of(repeated.tolist())}."
        )


def _validate_segment_map(segment_map: pd.DataFrame, *, bins: int | None) -> None:
    """Raise a clear error for anything in `segment_map` that is not a valid map."""
    require_dataframe(segment_map, name="segment_map")
    require_columns(segment_map, SEGMENT_MAP_COLUMNS["required"], name="segment_map")
    require_non_empty(segment_map, name="segment_map")
    allowed = SEGMENT_MAP_COLUMNS["required"] + SEGMENT_MAP_COLUMNS["optional"]
    unknown = [column for column in segment_map.columns if column not in allowed]
    if unknown:
        raise ValueError(
            f"`segment_map` has unknown column(s) {sample_of(unknown, limit=len(unknown))}. "
            f"Allowed columns: {list(allowed)}."
        )
    if ("m_min" in segment_map.columns) != ("m_max" in segment_map.columns):
        raise ValueError("`segment_map` must have both 'm_min' and 'm_max', or neither.")
    names = segment_map["segment"]
    if names.isna().any() or not all(isinstance(name, str) for name in names):
        raise TypeError(f"Column 'segment' of `segment_map` must hold names (str); got {sample_of(names.tolist())}.")
    if names.duplicated().any():
        raise ValueError(
            f"Column 'segment' of `segment_map` repeats {sample_of(names[names.duplicated()].tolist())}; "
            "each segment must appear once (give a segment one row with its whole range)."
        )
    if (names == OTHER).any():
        raise ValueError(f"{OTHER!r} is reserved for customers no row matches; rename that segment.")
    for axis in ("r", "f", "m"):
        if f"{axis}_min" not in segment_map.columns:
            continue
        for column in (f"{axis}_min", f"{axis}_max"):
            require_numeric(segment_map, column, name="segment_map")
            values = segment_map[column]
            if values.isna().any() or (values != values.round()).any():
                raise ValueError(
                    f"Column {column!r} of `segment_map` must hold whole scores; got {sample_of(values.tolist())}."
                )
            if bins is not None and not values.between(1, bins).all():
                raise ValueError(
                    f"Column {column!r} of `segment_map` must lie between 1 and bins={bins}; found "
                    f"{sample_of(values[~values.between(1, bins)].tolist())}. For another number "
                    "of scores, see rescale_segment_map."
                )
        upside_down = segment_map[segment_map[f"{axis}_min"] > segment_map[f"{axis}_max"]]
        if len(upside_down):
            raise ValueError(
                f"In `segment_map`, {axis}_min is above {axis}_max for segment(s) "
                f"{sample_of(upside_down['segment'].tolist())}."
            )


def _rule_mask(scores: pd.DataFrame, rule: object, axes: Sequence[str]) -> np.ndarray:
    """Rows of `scores` inside every range of one row (`rule`) of a segment map."""
    inside = np.ones(len(scores), dtype=bool)
    for axis in axes:
        score = scores[_SCORE_OF[axis]].to_numpy()
        inside &= (score >= getattr(rule, f"{axis}_min")) & (score <= getattr(rule, f"{axis}_max"))
    return inside


def _first_match(scores: pd.DataFrame, segment_map: pd.DataFrame) -> np.ndarray:
    """The segment of each row of `scores`: the first matching row of the map, else "Other"."""
    axes = ["r", "f", "m"] if "m_min" in segment_map.columns else ["r", "f"]
    rules = list(segment_map.itertuples(index=False))
    # np.select takes the first condition that holds: exactly the first-match rule.
    return np.select(
        [_rule_mask(scores, rule, axes) for rule in rules],
        [rule.segment for rule in rules],
        default=OTHER,
    )
