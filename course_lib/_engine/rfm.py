"""The RFM table in numpy: the fast path behind :func:`course_lib.rfm.rfm_table`.

The public function states the rule in pandas (group the lines into purchase
occasions, keep those that net above 0, summarise each customer). Here the same
rule runs on integer codes: the customers are numbered (by subtraction for
integer ids, else ``pd.factorize``), the orders by ``pd.factorize`` and the
(customer, day) pairs by one sort of one integer each; then ``np.bincount``
sums and ``np.minimum.at`` / ``np.maximum.at`` take the first and last days.
``tests/test_engine.py`` checks that both give the same table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course_lib.validation import sample_of


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Calendar day of each datetime as an int (days since 1970-01-01; NaT gives a sentinel)."""
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)  # count days on the local calendar
    return dates.to_numpy(dtype="datetime64[D]").astype("int64")


def _per_group_min_max(codes: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of each group code (groups without a row get the dtype's extremes)."""
    info = np.iinfo(values.dtype)
    low = np.full(n_groups, info.max, dtype=values.dtype)
    high = np.full(n_groups, info.min, dtype=values.dtype)
    np.minimum.at(low, codes, values)
    np.maximum.at(high, codes, values)
    return low, high


def customer_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A code 0 .. n - 1 per row (-1 where missing) and the id of each code, in id order for integers.

    Integer ids in a range not much larger than the table (the usual 1 .. n)
    become codes by subtraction, with no hashing at all; other ids are factorized.
    """
    if pd.api.types.is_integer_dtype(ids.dtype) and len(ids) and ids.notna().any():
        low, high = int(ids.min()), int(ids.max())
        if high - low <= 4 * len(ids) + 1_000 and -(2**62) < low and high < 2**62:
            values = ids.to_numpy(dtype="int64", na_value=low - 1)
            every_id = pd.Index(pd.array(np.arange(low, high + 1), dtype=ids.dtype))
            return values - low, every_id
    codes, uniques = pd.factorize(ids)
    return codes.astype("int64"), pd.Index(uniques)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (one sort; numpy 2's np.unique hashes, which is much slower here)."""
    ordered = np.sort(values)
    distinct = np.ones(len(ordered), dtype=bool)
    distinct[1:] = ordered[1:] != ordered[:-1]
    return ordered[distinct]


def _occasions_by_day(
    customer: np.ndarray, day: np.ndarray, money: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (customer, day) pair with a line: its customer, its day, and whether it nets above 0.

    One integer per pair (customer code * span + day offset) and one sort number
    them. A pair whose lines are all above 0 is a purchase without adding them
    up; only the pairs with a refund or a zero line are summed.
    """
    first_day = day.min()
    span = int(day.max() - first_day) + 1
    pair = customer * span + (day - first_day)
    pairs = _sorted_unique(pair)
    purchase = np.ones(len(pairs), dtype=bool)
    not_positive = ~(money > 0)
    if not_positive.any():
        doubtful = _sorted_unique(pair[not_positive])
        position = np.minimum(np.searchsorted(doubtful, pair), len(doubtful) - 1)
        in_doubt = doubtful[position] == pair
        net = np.bincount(position[in_doubt], weights=money[in_doubt], minlength=len(doubtful))
        purchase[np.searchsorted(pairs, doubtful[~(net > 0)])] = False
    return pairs // span, pairs % span + first_day, purchase


def _occasions_by_order(
    order_codes: np.ndarray, customer: np.ndarray, day: np.ndarray, order_ids: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per order (as coded): its customer and its first day; an order of two customers is an error."""
    n_orders = len(order_ids)
    first_customer, last_customer = _per_group_min_max(order_codes, customer, n_orders)
    first_day, _ = _per_group_min_max(order_codes, day, n_orders)
    present = np.bincount(order_codes, minlength=n_orders) > 0
    shared = present & (first_customer != last_customer)
    if shared.any():
        raise ValueError(
            f"{int(shared.sum())} order id(s) belong to more than one customer, like "
            f"{sample_of(order_ids[shared].tolist())}: an order has one customer. Fix the ids, or pass "
            "order=None to count days as purchases."
        )
    # Orders that appear only on left-out rows have no customer: give them code 0 and no money,
    # they are dropped below as occasions without a line.
    return order_codes, np.where(present, first_customer, 0), np.where(present, first_day, 0)


def rfm_table(
    transactions: pd.DataFrame,
    kept: np.ndarray,
    *,
    customer: str,
    ordered_at: str,
    amount: str,
    order: str | None,
    snapshot: pd.Timestamp,
) -> pd.DataFrame:
    """The table of :func:`course_lib.rfm.rfm_table` from the `kept` rows; inputs already checked.

    Returns an empty frame (with the columns) when no customer has a purchase.
    """
    codes, customer_ids = customer_codes(transactions[customer])
    codes = codes[kept]
    day = day_numbers(transactions[ordered_at])[kept]
    money = transactions[amount].to_numpy(dtype="float64", na_value=np.nan)[kept]
    n_customers = len(customer_ids)

    if order is None:
        occasion_customer, occasion_day, purchase = _occasions_by_day(codes, day, money)
        monetary = np.bincount(codes, weights=money, minlength=n_customers)
    else:
        order_codes, order_ids = pd.factorize(transactions[order])
        line_occasion, occasion_customer, occasion_day = _occasions_by_order(
            order_codes[kept].astype("int64"), codes, day, pd.Index(order_ids)
        )
        n_occasions = len(occasion_customer)
        has_line = np.bincount(line_occasion, minlength=n_occasions) > 0
        net = np.bincount(line_occasion, weights=money, minlength=n_occasions)
        purchase = has_line & (net > 0)
        monetary = np.bincount(occasion_customer[has_line], weights=net[has_line], minlength=n_customers)

    frequency = np.bincount(occasion_customer[purchase], minlength=n_customers)
    first_day, last_day = _per_group_min_max(occasion_customer[purchase], occasion_day[purchase], n_customers)

    buyers = np.flatnonzero(frequency > 0)
    ids = customer_ids.take(buyers).rename(customer)
    by_id = ids.argsort()
    buyers, ids = buyers[by_id], ids[by_id]
    snapshot_day = int(np.datetime64(snapshot, "D").astype("int64"))
    return pd.DataFrame(
        {
            "recency": snapshot_day - last_day[buyers],
            "frequency": frequency[buyers].astype("int64"),
            "monetary": monetary[buyers],
            "mean_order_value": monetary[buyers] / frequency[buyers],
            "tenure": snapshot_day - first_day[buyers],
        },
        index=ids,
    )
