"""Exercise 00's checks accept the reference answer and its variants and reject wrong answers."""

from __future__ import annotations

import pytest

from course_lib.checks import lesson00 as check
from course_lib.datasets import load_customers


@pytest.fixture(scope="module")
def customers():
    return load_customers()


def test_customer_count(customers):
    assert check.customer_count.evaluate(len(customers)).passed
    assert check.customer_count.evaluate(float(customers.shape[0])).passed
    result = check.customer_count.evaluate(len(customers) + 1)
    assert not result.passed and "too high" in result.hint


def test_customers_per_diet(customers):
    reference = customers.groupby("diet", observed=True).agg(customers=("customer_id", "count")).reset_index()
    assert check.customers_per_diet.evaluate(reference).passed
    assert check.customers_per_diet.evaluate(customers["diet"].value_counts()).passed
    assert check.customers_per_diet.evaluate(reference.iloc[::-1][["customers", "diet"]]).passed
    wrong = reference.assign(customers=reference["customers"] + 1)
    assert not check.customers_per_diet.evaluate(wrong).passed
    assert not check.customers_per_diet.evaluate(customers["acquisition_channel"].value_counts()).passed


def test_email_consent_share(customers):
    share = customers["consent_email"].mean()
    assert check.email_consent_share.evaluate(share).passed
    assert check.email_consent_share.evaluate(customers["consent_email"].sum() / len(customers)).passed
    percent = check.email_consent_share.evaluate(100 * share)
    assert not percent.passed and "not a percentage" in percent.hint
    assert not check.email_consent_share.evaluate(customers["consent_sms"].mean()).passed


def test_more_wrong_answers_each_named(customers):
    low = check.customer_count.evaluate(len(customers) - 1)
    assert not low.passed and "too low" in low.hint
    table = check.customer_count.evaluate(customers)
    assert not table.passed and "single number" in table.hint
    assert "single number" in check.customer_count.evaluate(str(len(customers))).hint
    with_missing = customers["diet"].value_counts(dropna=False)
    if with_missing.index.isna().any():
        result = check.customers_per_diet.evaluate(with_missing)
        assert not result.passed and "rows" in result.hint
    as_list = check.customers_per_diet.evaluate(customers["diet"].value_counts().tolist())
    assert not as_list.passed and "DataFrame" in as_list.hint
    counted = check.email_consent_share.evaluate(int(customers["consent_email"].sum()))
    assert not counted.passed and "too high" in counted.hint
    assert "NaN" in check.email_consent_share.evaluate(float("nan")).hint
