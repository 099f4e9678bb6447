"""Data that several lessons' checks prepare the same way as their exercises."""

from __future__ import annotations

import functools

import pandas as pd

from course_lib.datasets import clean_online_retail, load_online_retail_sample, load_orders

__all__ = ["ONLINE_RETAIL_NAMES", "course_orders", "online_retail_lines"]

#: The Online Retail columns renamed to the course's names (the rest keep theirs).
ONLINE_RETAIL_NAMES = {"CustomerID": "customer_id", "InvoiceDate": "ordered_at", "InvoiceNo": "order_id"}


@functools.lru_cache(maxsize=2)
def online_retail_lines(folder: str, *, clean: bool = True) -> pd.DataFrame:
    """The Online Retail sample's lines with the course's column names and `amount` = Quantity × UnitPrice.

    With ``clean=False`` only lines without a customer are dropped (a learner who forgot to clean).
    """
    raw = load_online_retail_sample(data_dir=folder)
    lines = clean_online_retail(raw, return_report=False) if clean else raw.dropna(subset=["CustomerID"])
    return lines.assign(amount=lines["Quantity"] * lines["UnitPrice"]).rename(columns=ONLINE_RETAIL_NAMES)


def course_orders(folder: str | None = None) -> pd.DataFrame:
    """Green Fork's order lines as the lessons prepare them: no line exported twice, no staff test order.

    `folder` is the data folder (None: the one in use).
    """
    orders = load_orders(data_dir=folder)
    return orders[~orders.duplicated() & (orders["category"] != "test")]
