"""Checks of exercise 00 (Welcome): a first look at Green Fork's customers."""

from __future__ import annotations

from course_lib.checks import compare_number, compare_table, exercise
from course_lib.datasets import load_customers


@exercise("00.1", "Number of customers")
def customer_count(answer: object) -> str | None:
    hint = compare_number(answer, len(load_customers()))
    return hint and f"{hint} Count the rows of the customers table: one row is one customer."


@exercise("00.2", "Customers per diet")
def customers_per_diet(answer: object) -> str | None:
    expected = load_customers().groupby("diet", observed=True).agg(customers=("customer_id", "count")).reset_index()
    hint = compare_table(answer, expected, key="diet")
    return hint and f"{hint} Group the customers by `diet` and count them (one row per diet)."


@exercise("00.3", "Share of customers who accept e-mails")
def email_consent_share(answer: object) -> str | None:
    expected = float(load_customers()["consent_email"].mean())
    hint = compare_number(answer, expected, rel_tol=1e-3)
    if hint and isinstance(answer, (int, float)) and 1 < answer <= 100:
        return "Give the share as a fraction between 0 and 1, not a percentage."
    return hint and f"{hint} The mean of a True/False column is the share of True."


__all__ = ["customer_count", "customers_per_diet", "email_consent_share"]
