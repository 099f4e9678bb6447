"""Exercise 07's checks accept the reference answer and its variants and reject wrong answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.checks import lesson07 as check
from course_lib.datasets import connect_crm, load_customers, load_events, load_orders
from course_lib.rfm import assign_segments, order_values, rfm_scores, rfm_table
from course_lib.targeting import GoldQuestions, abandoned_carts, win_back


@pytest.fixture(scope="module")
def data():
    orders = load_orders()
    orders = orders[~orders.duplicated() & (orders["category"] != "test")]
    segments = assign_segments(rfm_scores(rfm_table(order_values(orders), order="order_id"))).reset_index()
    return {"customers": load_customers(), "events": load_events(), "orders": orders, "segments": segments}


def test_win_back_list(data):
    segments, customers = data["segments"], data["customers"]
    reference = win_back(segments, customers, at_risk_segments=["At risk", "Can't lose them"]).index
    assert check.win_back_list.evaluate(reference).passed
    # The same customers by hand, as a set of plain ints.
    at_risk = segments[segments["segment"].isin(["At risk", "Can't lose them"])]
    allowed = set(customers.loc[customers["consent_email"], "customer_id"])
    by_hand = {int(i) for i in at_risk["customer_id"] if i in allowed}
    assert check.win_back_list.evaluate(by_hand).passed
    only_at_risk = win_back(segments, customers, at_risk_segments=["At risk"]).index
    assert not check.win_back_list.evaluate(only_at_risk).passed
    everyone = check.win_back_list.evaluate(at_risk["customer_id"])
    assert not everyone.passed and "consent" in everyone.hint


def test_left_out_without_consent(data):
    customers = data["customers"]
    both = customers.assign(both=customers["consent_email"] & customers["consent_personalisation"])
    target, report = abandoned_carts(data["events"], data["orders"], both, consent="both", return_report=True)
    assert check.left_out_without_consent.evaluate(report.n_without_consent).passed
    assert check.left_out_without_consent.evaluate(float(report.n_without_consent)).passed
    # Independent count: customers on the e-mail-only list who lack personalisation consent, plus
    # those left out of it already.
    email_list, email_only = abandoned_carts(data["events"], data["orders"], customers, return_report=True)
    personalised = customers.set_index("customer_id")["consent_personalisation"]
    lacking = int((~email_list.index.map(personalised).to_numpy(dtype=bool)).sum())
    assert report.n_without_consent == email_only.n_without_consent + lacking
    result = check.left_out_without_consent.evaluate(email_only.n_without_consent)
    assert not result.passed and "consent_personalisation" in result.hint
    result = check.left_out_without_consent.evaluate(len(target))
    assert not result.passed and "leaves out" in result.hint


def test_gold_question_accuracy():
    answers, segment = check._survey(check._folder())
    gold = GoldQuestions(max_questions=2, random_state=0).fit(answers, segment)
    assert check.gold_question_accuracy.evaluate(gold.holdout_accuracy_).passed
    # Equivalent: read off the confusion matrix of the held-out rows.
    matrix = gold.confusion_matrix_.to_numpy()
    assert check.gold_question_accuracy.evaluate(np.trace(matrix) / matrix.sum()).passed
    result = check.gold_question_accuracy.evaluate(gold.train_accuracy_)
    assert not result.passed and "training rows" in result.hint
    result = check.gold_question_accuracy.evaluate(gold.baseline_accuracy_)
    assert not result.passed and "baseline" in result.hint
    result = check.gold_question_accuracy.evaluate(100 * gold.holdout_accuracy_)
    assert not result.passed and "percentage" in result.hint
    three = GoldQuestions(max_questions=3, random_state=0).fit(answers, segment).holdout_accuracy_
    assert not check.gold_question_accuracy.evaluate(three).passed


@pytest.fixture(scope="module")
def responses():
    crm = connect_crm()
    try:
        return pd.read_sql("SELECT * FROM campaign_responses", crm)
    finally:
        crm.close()


def test_campaign_uplift_table(responses):
    # By hand, independently of campaign_uplift: order rates per campaign and group.
    rates = (
        responses.assign(group=np.where(responses["holdout"] == 1, "rate_holdout", "rate_treatment"))
        .pivot_table(index="campaign_id", columns="group", values="ordered_within_14_days", aggfunc="mean")
        .reset_index()
    )
    rates["uplift"] = rates["rate_treatment"] - rates["rate_holdout"]
    assert check.campaign_uplift_table.evaluate(rates).passed
    assert check.campaign_uplift_table.evaluate(
        rates.iloc[::-1][["uplift", "rate_holdout", "rate_treatment", "campaign_id"]]
    ).passed
    reversed_sign = check.campaign_uplift_table.evaluate(rates.assign(uplift=-rates["uplift"]))
    assert not reversed_sign.passed and "wrong sign" in reversed_sign.hint
    swapped = rates.rename(columns={"rate_treatment": "rate_holdout", "rate_holdout": "rate_treatment"})
    result = check.campaign_uplift_table.evaluate(swapped.assign(uplift=rates["uplift"]))
    assert not result.passed and "swapped" in result.hint
    opened = (
        responses[responses["holdout"] == 0]
        .groupby("campaign_id")["clicked"]
        .mean()
        .rename("rate_treatment")
        .reset_index()
    )
    assert not check.campaign_uplift_table.evaluate(
        opened.assign(rate_holdout=0.0, uplift=opened["rate_treatment"])
    ).passed


def test_win_back_list_shortcut_and_labels(data):
    segments, customers = data["segments"], data["customers"]
    reference = win_back(segments, customers, at_risk_segments=["At risk", "Can't lose them"]).index
    shortcut = check.win_back_list.evaluate(reference, source="ids = win_back(segments, customers).index")
    assert not shortcut.passed and "pandas" in shortcut.hint
    names = check.win_back_list.evaluate(segments.loc[segments["customer_id"].isin(reference), "segment"])
    assert not names.passed and "labels" in names.hint
    assert "not a whole table" in check.win_back_list.evaluate(segments).hint


def test_about_to_sleep_list(data):
    segments, customers = data["segments"], data["customers"]
    consent = set(customers.loc[customers["consent_email"], "customer_id"])
    members = segments.loc[segments["segment"] == "About to sleep", "customer_id"]
    reference = [int(i) for i in members if i in consent]
    assert 0 < len(reference) < len(members), "consent must matter for the test to mean something"
    assert check.about_to_sleep_list.evaluate(reference).passed
    assert check.about_to_sleep_list.evaluate(pd.Series(reference[::-1])).passed
    everyone = check.about_to_sleep_list.evaluate(members)
    assert not everyone.passed and "e-mail consent" in everyone.hint
    at_risk = segments.loc[segments["segment"].isin(["At risk", "Can't lose them"]), "customer_id"]
    task_one = check.about_to_sleep_list.evaluate([i for i in at_risk if i in consent])
    assert not task_one.passed and "task 1" in task_one.hint
    fewer = check.about_to_sleep_list.evaluate(reference[:-2])
    assert not fewer.passed and "2 expected customer ids are missing" in fewer.hint
    assert "not a whole table" in check.about_to_sleep_list.evaluate(segments).hint


def test_campaign_uplift_by_hand(responses):
    responses = responses.astype({"holdout": bool, "ordered_within_14_days": bool})
    # a second method: a loop over campaigns with boolean masks
    rows = []
    for campaign, group in responses.groupby("campaign_id"):
        contacted = group.loc[~group["holdout"], "ordered_within_14_days"].mean()
        held_out = group.loc[group["holdout"], "ordered_within_14_days"].mean()
        rows.append(
            {
                "campaign_id": campaign,
                "rate_treatment": contacted,
                "rate_holdout": held_out,
                "uplift": contacted - held_out,
            }
        )
    reference = pd.DataFrame(rows)
    assert check.campaign_uplift_table.evaluate(reference, source="rates = responses.groupby(...)").passed
    assert check.campaign_uplift_table.evaluate(reference.set_index("campaign_id")).passed
    shortcut = check.campaign_uplift_table.evaluate(reference, source="uplift_table = campaign_uplift(responses, ...)")
    assert not shortcut.passed and "pandas" in shortcut.hint
    extra = check.campaign_uplift_table.evaluate(reference.assign(n=10))
    assert not extra.passed and "'n'" in extra.hint
    opened = responses.assign(ordered_within_14_days=responses["opened"].fillna(0).astype(bool))
    other_response = []
    for campaign, group in opened.groupby("campaign_id"):
        contacted = group.loc[~group["holdout"], "ordered_within_14_days"].mean()
        held_out = group.loc[group["holdout"], "ordered_within_14_days"].mean()
        other_response.append(
            {
                "campaign_id": campaign,
                "rate_treatment": contacted,
                "rate_holdout": held_out,
                "uplift": contacted - held_out,
            }
        )
    result = check.campaign_uplift_table.evaluate(pd.DataFrame(other_response))
    assert not result.passed and "ordered_within_14_days" in result.hint


def test_convenient_or_creepy_is_recorded():
    text = (
        "Creepy: it announces a change in the household that nobody told us, an inference about their life. "
        "Better: show family boxes among new dishes to everyone, or ask openly and let them choose."
    )
    result = check.convenient_or_creepy.evaluate(text)
    assert result.recorded and not result.passed and "Correct" not in str(result)
    assert "at least 25 words" in check.convenient_or_creepy.evaluate("Creepy.").hint
    assert not check.convenient_or_creepy.evaluate(True).recorded


def test_left_out_without_consent_more_wrong_answers(data):
    customers = data["customers"]
    both = customers.assign(both=customers["consent_email"] & customers["consent_personalisation"])
    target, report = abandoned_carts(data["events"], data["orders"], both, consent="both", return_report=True)
    result = check.left_out_without_consent.evaluate(report.n_without_consent + 1)
    assert not result.passed and "too high" in result.hint
    listed = check.left_out_without_consent.evaluate(target)
    assert not listed.passed and "single number" in listed.hint
    assert "single number" in check.left_out_without_consent.evaluate(str(report.n_without_consent)).hint
