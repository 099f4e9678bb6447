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

__all__ = ["COUNTED", "FATES", "net_refunds", "purchases"]

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
    money = lines[amount].astype("float64")
    is_refund = money < 0
    is_cancelled = lines[cancelled].fillna(False).astype(bool) if cancelled else pd.Series(False, index=lines.index)
    fate = pd.Series(
        np.select([money == 0, is_refund, is_cancelled], ["zero amount", "unmatched refund", "cancelled"], "sale"),
        index=lines.index,
        dtype="object",
    )
    matched_by = pd.Series(np.nan, index=lines.index, dtype="object")
    purchase_order = (
        lines[order].where(fate == "sale") if order else pd.Series(np.nan, index=lines.index, dtype="object")
    )
    if order:
        _match_by_order(lines, customer, order, money, fate, matched_by, purchase_order)
    _match_by_customer_and_amount(lines, customer, ordered_at, money, fate, matched_by, purchase_order)

    counted = fate.isin(COUNTED)
    sale_dates = lines[ordered_at].where(fate == "sale")
    purchased_at = sale_dates
    if order:
        first_sale = sale_dates.groupby(purchase_order).transform("min")
        purchased_at = first_sale.where(fate == "refund netted", sale_dates)
    return lines.assign(
        fate=fate,
        matched_by=matched_by,
        purchase_order=purchase_order.where(counted),
        purchased_at=purchased_at.where(counted),
    )


def _match_by_order(
    lines: pd.DataFrame,
    customer: str,
    order: str,
    money: pd.Series,
    fate: pd.Series,
    matched_by: pd.Series,
    purchase_order: pd.Series,
) -> None:
    """Rule 1 (in place on the result's columns): refunds that share an order id with sales."""
    ids = lines[order].astype("object").where(lines[order].notna())
    is_sale = fate == "sale"
    # The customer of each order: its first sale's (an order has one customer).
    order_customer = lines.loc[is_sale, customer].groupby(ids[is_sale]).first()
    refunds = fate == "unmatched refund"
    direct = ids.where(refunds & ids.isin(order_customer.index))
    stripped = ids.where(refunds).astype("str").str.replace(r"^[Cc](?=\d+$)", "", regex=True)
    target = direct.fillna(stripped.where(refunds & direct.isna() & stripped.isin(order_customer.index)))
    owner = target.map(order_customer)
    same_customer = lines[customer].isna() | owner.isna() | (lines[customer] == owner)
    matched = target.notna() & same_customer
    if not matched.any():
        return
    purchase_order[matched] = target[matched]
    in_order = is_sale | matched
    net = money[in_order].groupby(purchase_order[in_order]).sum()
    in_full = in_order & purchase_order.isin(net.index[net < CENT])
    fate[in_full & is_sale] = "refunded sale"
    fate[in_full & matched] = "refund"
    fate[matched & ~in_full] = "refund netted"
    matched_by[matched] = "order id"
    matched_by[in_full & is_sale] = "order id"


def _match_by_customer_and_amount(
    lines: pd.DataFrame,
    customer: str,
    ordered_at: str,
    money: pd.Series,
    fate: pd.Series,
    matched_by: pd.Series,
    purchase_order: pd.Series,
) -> None:
    """Rule 2 (in place): each unmatched refund takes the latest earlier sale of its customer and amount."""
    cents = (money.abs() * 100).round().astype("int64")
    refunds = (fate == "unmatched refund") & lines[customer].notna()
    if not refunds.any():
        return
    netted_orders = purchase_order[fate == "refund netted"].dropna().unique()
    sales = (fate == "sale") & lines[customer].notna() & ~purchase_order.isin(netted_orders)
    keys = pd.MultiIndex.from_arrays([lines[customer], cents])
    sales &= keys.isin(keys[refunds.to_numpy()])
    events = pd.DataFrame(
        {
            "customer": lines[customer],
            "cents": cents,
            "at": lines[ordered_at],
            "is_refund": refunds,  # at the same time, the sale comes first
            "row": np.arange(len(lines)),
        }
    )[(sales | refunds).to_numpy()].sort_values(["customer", "cents", "at", "is_refund", "row"], kind="stable")
    pairs = []
    stack: list[int] = []
    previous = None
    for who, amount_cents, is_refund, row in zip(
        events["customer"], events["cents"], events["is_refund"], events["row"], strict=True
    ):
        if (who, amount_cents) != previous:
            stack, previous = [], (who, amount_cents)
        if not is_refund:
            stack.append(row)
        elif stack:
            pairs.append((stack.pop(), row))
    if not pairs:
        return
    sale_rows, refund_rows = (np.array(side) for side in zip(*pairs, strict=True))
    fate.iloc[sale_rows] = "refunded sale"
    fate.iloc[refund_rows] = "refund"
    matched_by.iloc[np.concatenate([sale_rows, refund_rows])] = "customer and amount"
    purchase_order.iloc[sale_rows] = np.nan


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
