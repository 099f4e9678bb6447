"""A second method for the refund rules: the same rules as course_lib.refunds.net_refunds, written row by row.

Slow and plain on purpose (loops over dictionaries, no grouping or sorting
tricks), so that it can check the vectorised version on random tables and on
the Online Retail sample.
"""

from __future__ import annotations

import math
import re

import pandas as pd


def naive_fates(lines: pd.DataFrame, *, use_orders: bool = True) -> list[str]:
    """Each row's fate: sale, refund netted, refunded sale, refund, cancelled, unmatched refund, zero amount."""
    rows = lines.reset_index(drop=True).to_dict("records")

    def missing(value) -> bool:
        return value is None or (isinstance(value, float) and math.isnan(value))

    fates = []
    for row in rows:
        if row["amount"] == 0:
            fates.append("zero amount")
        elif row["amount"] < 0:
            fates.append("unmatched refund")
        elif row.get("cancelled", False):
            fates.append("cancelled")
        else:
            fates.append("sale")
    order_of = [None] * len(rows)

    if use_orders and "order_id" in lines.columns:
        owner = {}
        for i, row in enumerate(rows):
            # An order's customer: the first known customer of its sales (None for guests only).
            if fates[i] == "sale" and not missing(row["order_id"]) and missing(owner.get(row["order_id"])):
                owner[row["order_id"]] = None if missing(row["customer_id"]) else row["customer_id"]
        for i, row in enumerate(rows):
            if fates[i] == "sale" and not missing(row["order_id"]):
                order_of[i] = row["order_id"]
        refunds_of = {}
        for i, row in enumerate(rows):
            if fates[i] != "unmatched refund" or missing(row["order_id"]):
                continue
            candidates = [row["order_id"]]
            if re.fullmatch(r"[Cc]\d+", str(row["order_id"])):
                candidates.append(str(row["order_id"])[1:])
            for order in candidates:
                if order in owner:
                    if missing(row["customer_id"]) or missing(owner[order]) or owner[order] == row["customer_id"]:
                        refunds_of.setdefault(order, []).append(i)
                        order_of[i] = order
                    break
        for order, refunds in refunds_of.items():
            sales = [i for i in range(len(rows)) if fates[i] == "sale" and order_of[i] == order]
            net = sum(rows[i]["amount"] for i in sales) + sum(rows[i]["amount"] for i in refunds)
            if net < 0.005:
                for i in sales:
                    fates[i] = "refunded sale"
                for i in refunds:
                    fates[i] = "refund"
            else:
                for i in refunds:
                    fates[i] = "refund netted"

    netted_orders = {order_of[i] for i in range(len(rows)) if fates[i] == "refund netted"}
    waiting = [i for i in range(len(rows)) if fates[i] == "unmatched refund" and not missing(rows[i]["customer_id"])]
    waiting.sort(key=lambda i: (rows[i]["ordered_at"], i))
    for i in waiting:
        best = None
        for j in range(len(rows)):
            eligible = fates[j] == "sale" and (order_of[j] is None or order_of[j] not in netted_orders)
            if not eligible or rows[j]["customer_id"] != rows[i]["customer_id"]:
                continue
            if round(abs(rows[j]["amount"]) * 100) != round(abs(rows[i]["amount"]) * 100):
                continue
            if rows[j]["ordered_at"] > rows[i]["ordered_at"]:
                continue
            if best is None or (rows[j]["ordered_at"], j) > (rows[best]["ordered_at"], best):
                best = j
        if best is not None:
            fates[best] = "refunded sale"
            fates[i] = "refund"
    return fates
