"""Refunds and cancellations, netted against the sales they reverse.

An orders export records a refund as a row of its own: a negative amount
(``-12,50``), a status such as *refunded* or *cancelado*, or, in the UCI
Online Retail convention, a cancellation invoice (``C536379``) with a negative
quantity. Dropping those rows and keeping the sale overstates the revenue and
keeps customers who got all their money back. :func:`net_refunds` matches
each refund to the sale it reverses, with one rule for every convention:

1. **same order id**, when the file has one (``C536379`` also matches order
   ``536379``), and the refund is not another customer's;
2. otherwise the **same customer, the same amount, on or after the sale**
   (the latest such sale not yet refunded);
3. a sale refunded **in full** is not a purchase; a **partial** refund lowers
   its order's value; a refund with **no sale to match** is reported on its own.

Examples
--------
>>> lines = pd.DataFrame({
...     "customer_id": ["ana", "ana", "ben", "ben", "eva", "eva"],
...     "order_id": ["1", "1", "2", "2", "3", None],
...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-01-06", "2024-01-08",
...                                   "2024-01-07", "2024-01-20"], format="%Y-%m-%d"),
...     "amount": [30.0, -30.0, 50.0, -10.0, 20.0, -20.0],
... })
>>> netted = net_refunds(lines)
>>> netted[["order_id", "amount", "fate", "matched_by"]]
  order_id  amount           fate            matched_by
0        1    30.0  refunded sale              order id
1        1   -30.0         refund              order id
2        2    50.0           sale                   NaN
3        2   -10.0  refund netted              order id
4        3    20.0  refunded sale  customer and amount
5      NaN   -20.0         refund  customer and amount
>>> purchases(netted)
  customer_id order_id purchased_at  amount
0         ben        2   2024-01-06    50.0
1         ben        2   2024-01-06   -10.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from course_lib.validation import require_columns, require_dataframe

__all__ = ["COUNTED", "FATES", "net_refunds", "purchases", "shared_orders"]

#: What can happen to a row, and what it means. Only the rows in :data:`COUNTED` are purchases.
FATES: Mapping[str, str] = {
    "sale": "a sale that stands (counted)",
    "refund netted": "a partial refund, subtracted from its order (counted)",
    "refunded sale": "a sale refunded or cancelled in full (left out)",
    "refund": "the refund or cancellation of a sale refunded in full (left out)",
    "cancelled": "a row whose status says cancelled or refunded, with no refund row to match (left out)",
    "unmatched refund": "a refund or negative amount with no sale to match in the file (left out)",
    "zero amount": "no money: neither a sale nor a refund (left out)",
}
#: The fates that make up the revenue analysed.
COUNTED = ("sale", "refund netted")
#: Amounts closer than this (half a cent) are equal: an order refunded to within it is refunded in full.
CENT = 0.005


def net_refunds(
    lines: pd.DataFrame,
    *,
    customer: str = "customer_id",
    order: str | None = "order_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    cancelled: str | None = "cancelled",
) -> pd.DataFrame:
    """Match every refund or cancellation to the sale it reverses, and say what each row is.

    Parameters
    ----------
    lines : DataFrame
        One row per order line (or per order): who, when, how much; a
        missing customer is a guest. Not modified.
    customer, ordered_at, amount : str
        Column names. `amount` and `ordered_at` must have no missing value
        (leave unreadable rows out first).
    order : str or None, default="order_id"
        The order id column; None, or a column absent from `lines`: match by
        customer and amount only.
    cancelled : str or None, default="cancelled"
        A boolean column, True where the file says a row is a cancellation
        (a status like *cancelled*, a ``C`` invoice); None or absent: none is.

    Returns
    -------
    DataFrame
        A copy of `lines` with four more columns:

        ``fate``
            One of :data:`FATES`.
        ``matched_by``
            ``"order id"`` or ``"customer and amount"`` for the rows of a
            match, else missing.
        ``purchase_order``
            For a counted row, the order it counts towards (a netted refund
            counts towards its sale's order); missing otherwise or without
            an order column.
        ``purchased_at``
            For a counted row, the date of its purchase (a netted refund
            takes its sale's date, so a refund never makes a customer look
            recent); NaT otherwise.

    Notes
    -----
    A refund is a row with a negative amount. A row with a positive amount
    and a cancelled status is a cancelled sale (fate ``"cancelled"``).

    *By order id.* Each refund whose order id (or, for an id of ``C`` and
    digits, the id without the ``C``) is the id of sales of the same
    customer (or the refund has no customer) belongs to that order. An order
    whose sales and refunds sum to less than half a cent is refunded in full:
    all its rows are left out. Otherwise its refunds are netted.

    *By customer and amount.* A refund still unmatched is matched to the
    latest sale of the same customer, of exactly its amount (to the cent),
    dated on or before it, not yet matched and not in an order with a netted
    refund. Both rows are left out; the sale's order, if it has other lines,
    stays a purchase of a lower value.

    Examples
    --------
    A refund with no sale to match stays apart, and the input is not changed:

    >>> lines = pd.DataFrame({"customer_id": ["ana", "ana"], "ordered_at": pd.to_datetime(
    ...     ["2024-01-05", "2024-01-09"], format="%Y-%m-%d"), "amount": [30.0, -12.0]})
    >>> net_refunds(lines, order=None)["fate"].tolist()
    ['sale', 'unmatched refund']
    >>> list(lines.columns)
    ['customer_id', 'ordered_at', 'amount']
    """
    require_dataframe(lines, name="lines")
    order = order if order is not None and order in lines.columns else None
    cancelled = cancelled if cancelled is not None and cancelled in lines.columns else None
    require_columns(lines, [customer, ordered_at, amount], name="lines")
    for column in (ordered_at, amount):
        if lines[column].isna().any():
            raise ValueError(
                f"Column {column!r} of `lines` has {int(lines[column].isna().sum()):,} missing value(s); "
                "leave the rows with no date or no amount out before netting refunds."
            )
    money = lines[amount].to_numpy(dtype="float64")
    is_cancelled = lines[cancelled].fillna(False).to_numpy(dtype=bool) if cancelled else np.zeros(len(lines), bool)
    # Fates and matches are small integer codes while working (comparing text on every row is slow).
    fate = np.select([money == 0, money < 0, is_cancelled], [_ZERO, _UNMATCHED, _CANCELLED], _SALE).astype(np.int8)
    matched_by = np.zeros(len(lines), np.int8)
    purchase_order = np.full(len(lines), None, dtype=object)
    if order:
        purchase_order[fate == _SALE] = lines[order].to_numpy(dtype=object)[fate == _SALE]
        _match_by_order(lines[[customer, order]], money, fate, matched_by, purchase_order)
    _match_by_customer_and_amount(lines[[customer, ordered_at]], money, fate, matched_by, purchase_order)

    counted = np.isin(fate, [_SALE, _NETTED])
    dates = lines[ordered_at]
    purchased_at = dates.where(fate == _SALE)
    netted = fate == _NETTED
    if netted.any():  # a netted refund takes the date of its order's first sale
        orders = pd.Series(purchase_order, index=lines.index)
        of_those = (fate == _SALE) & orders.isin(orders[netted].unique()).to_numpy()
        first_sale = dates[of_those].groupby(orders[of_those]).min()
        purchased_at[netted] = orders[netted].map(first_sale)
    return lines.assign(
        fate=_FATE_NAMES[fate],
        matched_by=_MATCH_NAMES[matched_by],
        purchase_order=np.where(counted, purchase_order, np.nan),
        purchased_at=purchased_at.where(counted),
    )


_SALE, _NETTED, _REFUNDED_SALE, _REFUND, _CANCELLED, _UNMATCHED, _ZERO = range(7)
_FATE_NAMES = np.array(list(FATES), dtype=object)
_MATCH_NAMES = np.array([np.nan, "order id", "customer and amount"], dtype=object)
_BY_ORDER, _BY_CUSTOMER = 1, 2


def _match_by_order(
    lines: pd.DataFrame, money: np.ndarray, fate: np.ndarray, matched_by: np.ndarray, purchase_order: np.ndarray
) -> None:
    """Rule 1 (in place on the arrays): refunds that share an order id with sales of the same customer."""
    customer, order = lines.columns
    refunds = np.flatnonzero((fate == _UNMATCHED) & lines[order].notna().to_numpy())
    if not len(refunds):
        return
    ids = lines[order].iloc[refunds]
    stripped = ids.astype("str").str.replace(r"^[Cc](?=\d+$)", "", regex=True)
    # The customer of each order refunded: the first known customer of its sales (an order has one customer).
    sales = (fate == _SALE) & lines[order].isin(pd.concat([ids, stripped]).unique()).to_numpy()
    order_customer = lines[customer][sales].groupby(lines[order][sales]).first()
    target = ids.where(ids.isin(order_customer.index), stripped.where(stripped.isin(order_customer.index)))
    owner = target.map(order_customer)
    who = lines[customer].iloc[refunds]
    keep = (target.notna() & (who.isna() | owner.isna() | (who == owner))).to_numpy()
    refunds, target = refunds[keep], target[keep]
    if not len(refunds):
        return
    purchase_order[refunds] = target.to_numpy(dtype=object)
    in_order = np.zeros(len(fate), bool)
    in_order[refunds] = True
    in_order |= (fate == _SALE) & pd.Series(purchase_order).isin(target.unique()).to_numpy()
    net = pd.Series(money[in_order]).groupby(purchase_order[in_order]).sum()
    in_full = in_order & pd.Series(purchase_order).isin(net.index[net < CENT]).to_numpy()
    matched = np.zeros(len(fate), bool)
    matched[refunds] = True
    is_sale = fate == _SALE
    fate[in_full & is_sale] = _REFUNDED_SALE
    fate[in_full & matched] = _REFUND
    fate[matched & ~in_full] = _NETTED
    matched_by[matched | (in_full & is_sale)] = _BY_ORDER


def _match_by_customer_and_amount(
    lines: pd.DataFrame, money: np.ndarray, fate: np.ndarray, matched_by: np.ndarray, purchase_order: np.ndarray
) -> None:
    """Rule 2 (in place): each unmatched refund takes the latest earlier sale of its customer and amount."""
    customer, ordered_at = lines.columns
    known = lines[customer].notna().to_numpy()
    refunds = (fate == _UNMATCHED) & known
    if not refunds.any():
        return
    who, _ = pd.factorize(lines[customer])  # -1 for a guest
    cents = np.round(np.abs(money) * 100).astype(np.int64)
    sales = (fate == _SALE) & known
    netted_orders = pd.unique(purchase_order[fate == _NETTED])
    if len(netted_orders):
        sales &= ~pd.Series(purchase_order).isin(netted_orders).to_numpy()
    # Only sales of a (customer, amount) that some refund has can be matched.
    amount_codes, amounts = pd.factorize(cents)
    key = who.astype(np.int64) * len(amounts) + amount_codes  # one integer per (customer, amount), no overflow
    sales &= np.isin(key, key[refunds])
    rows = np.flatnonzero(sales | refunds)
    at = lines[ordered_at].to_numpy()[rows]
    is_refund = refunds[rows]
    # Per key in time order; at the same time the sale comes first, then the file's order.
    by_time = np.lexsort((rows, is_refund, at, key[rows]))
    event_key, event_is_refund, event_row = key[rows][by_time], is_refund[by_time], rows[by_time]
    refunds_per_key = pd.Series(event_is_refund).groupby(event_key).transform("sum").to_numpy()
    # A key with one refund: its sale is the event just before it, if that event has the same key.
    alone = np.flatnonzero(event_is_refund & (refunds_per_key == 1))
    alone = alone[(alone > 0) & (event_key[alone - 1] == event_key[alone])]
    pairs = list(zip(event_row[alone - 1].tolist(), event_row[alone].tolist(), strict=True))
    # Keys with several refunds: each refund takes the latest sale not yet taken (a stack).
    several = refunds_per_key > 1
    stack: list[int] = []
    previous = None
    for this_key, this_is_refund, row in zip(
        event_key[several].tolist(), event_is_refund[several].tolist(), event_row[several].tolist(), strict=True
    ):
        if this_key != previous:
            stack, previous = [], this_key
        if not this_is_refund:
            stack.append(row)
        elif stack:
            pairs.append((stack.pop(), row))
    if not pairs:
        return
    sale_rows, refund_rows = (np.array(side) for side in zip(*pairs, strict=True))
    fate[sale_rows] = _REFUNDED_SALE
    fate[refund_rows] = _REFUND
    matched_by[sale_rows] = matched_by[refund_rows] = _BY_CUSTOMER
    purchase_order[sale_rows] = None


def purchases(netted: pd.DataFrame, *, customer: str = "customer_id") -> pd.DataFrame:
    """The counted rows of :func:`net_refunds`, as order lines for the analysis.

    Parameters
    ----------
    netted : DataFrame
        The output of :func:`net_refunds`.
    customer : str, default="customer_id"
        The customer column.

    Returns
    -------
    DataFrame
        The rows whose fate is in :data:`COUNTED` and that have a customer:
        `customer`, ``order_id`` (when the lines had orders), ``purchased_at``
        and ``amount`` (netted refunds negative), a new index from 0. An
        order's amounts sum to its value after partial refunds.
    """
    require_columns(netted, [customer, "fate", "purchase_order", "purchased_at", "amount"], name="netted")
    counted = netted[netted["fate"].isin(COUNTED) & netted[customer].notna()]
    table = pd.DataFrame({customer: counted[customer]})
    if counted["purchase_order"].notna().any():
        table["order_id"] = counted["purchase_order"]
    table["purchased_at"] = counted["purchased_at"]
    table["amount"] = counted["amount"]
    return table.reset_index(drop=True)


def shared_orders(lines: pd.DataFrame, *, customer: str = "customer_id", order: str = "order_id") -> pd.Index:
    """Order ids that belong to more than one customer: then the column is no order id to net refunds by.

    Parameters
    ----------
    lines : DataFrame
        Order lines with `customer` and, optionally, `order` columns. Not modified.
    customer, order : str
        Column names.

    Returns
    -------
    Index
        The ids shared by customers (empty when there is no `order` column or no id is shared).

    Examples
    --------
    >>> lines = pd.DataFrame({"customer_id": ["ana", "ben", "ana"], "order_id": ["1", "1", "2"]})
    >>> shared_orders(lines).tolist()
    ['1']
    """
    if order not in lines.columns:
        return pd.Index([])
    known = lines.dropna(subset=[order, customer])
    customers_per_order = known.groupby(order)[customer].nunique()
    return customers_per_order.index[customers_per_order > 1]
