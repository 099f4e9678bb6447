"""Checks of exercise 07 (From segments to action): target lists, gold questions, campaign uplift.

Every expected answer is computed here with the library from the data in use,
the way the exercise's setup cell prepares it, so a cohort's own data works.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from course_lib.checks import compare_ids, compare_number, compare_table, exercise, free_text
from course_lib.checks._data import course_orders
from course_lib.checks._source import calls_in, current_cell_source
from course_lib.clustering import fit_kmeans, persona_table, prepare_features
from course_lib.datasets import connect_crm, data_dir, load_customers, load_events, load_survey
from course_lib.rfm import assign_segments, order_values, rfm_scores, rfm_table
from course_lib.targeting import GoldQuestions, abandoned_carts, campaign_uplift, win_back

__all__ = [
    "TRANSFER_SEGMENT",
    "about_to_sleep_list",
    "campaign_uplift_table",
    "convenient_or_creepy",
    "gold_question_accuracy",
    "left_out_without_consent",
    "win_back_list",
]

AT_RISK = ("At risk", "Can't lose them")
#: The transfer task's segment: a reminder before they drift away.
TRANSFER_SEGMENT = "About to sleep"
UPLIFT_COLUMNS = ["campaign_id", "rate_treatment", "rate_holdout", "uplift"]
#: Short names of the survey questions, for naming the survey segments (as in the exercise).
TOPICS = {
    "q_health": "health",
    "q_variety": "variety",
    "q_no_time_to_cook": "no time to cook",
    "q_budget": "tight budget",
    "q_pay_for_quality": "pays for quality",
    "q_learn_to_cook": "learning to cook",
    "q_shop_access": "no shops nearby",
    "q_few_restaurants_near_work": "few places near work",
}


# ------------------------------------------------------------------ the data, as the setup cell makes it


@functools.lru_cache(maxsize=2)
def _data(folder: str) -> dict[str, pd.DataFrame]:
    """Customers, events, cleaned orders and RFM segments of the data folder (cached per folder)."""
    orders = course_orders(folder)
    segments = assign_segments(rfm_scores(rfm_table(order_values(orders), order="order_id"))).reset_index()
    return {
        "customers": load_customers(data_dir=folder),
        "events": load_events(data_dir=folder),
        "orders": orders,
        "segments": segments,
    }


@functools.lru_cache(maxsize=2)
def _survey(folder: str) -> tuple[pd.DataFrame, pd.Series]:
    """The relationship survey's answers and the named k-means segments of the exercise."""
    survey = load_survey(data_dir=folder)
    answers = survey[survey["survey"] == "relationship"].set_index("customer_id").filter(like="q_")
    features = prepare_features(answers, log_skewed=False, return_report=False)
    clusters = fit_kmeans(features, n_clusters=4, random_state=0)
    top_trait = persona_table(answers, clusters)["trait_1"]
    names = {}
    for cluster, trait in top_trait.items():
        question, change = trait.split(" ")
        names[cluster] = f"{cluster} · {'more' if change.startswith('+') else 'less'} {TOPICS[question]}"
    return answers, clusters.map(names).rename("segment")


@functools.lru_cache(maxsize=2)
def _responses(folder: str) -> pd.DataFrame:
    crm = connect_crm(data_dir=folder)
    try:
        responses = pd.read_sql("SELECT * FROM campaign_responses", crm)
    finally:
        crm.close()
    return responses.astype({"holdout": bool, "ordered_within_14_days": bool})


def _folder() -> str:
    return str(data_dir())


def _one_number(answer: object) -> float | None:
    """The answer as a float when it is one number, else None."""
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(answer) == 1:
        answer = np.asarray(answer).item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return None
    return float(answer)


# ------------------------------------------------------------------ the checks


@exercise("07.1", "The win-back list, by hand")
def win_back_list(answer: object, *, source: str | None = None) -> str | None:
    if calls_in(current_cell_source() if source is None else source, ["win_back"]):
        return "Build the list with pandas in this cell (merge, filter); win_back is for comparing afterwards."
    data = _data(_folder())
    target = win_back(data["segments"], data["customers"], at_risk_segments=list(AT_RISK))
    hint = compare_ids(answer, target.index.tolist())
    if hint is None:
        return None
    members = data["segments"].loc[data["segments"]["segment"].isin(AT_RISK), "customer_id"]
    if compare_ids(answer, members.tolist()) is None:
        return "Your list has every member of the two segments: keep only those with e-mail consent (win_back does it)."
    return f"{hint} Take both segments, 'At risk' and \"Can't lose them\", and only customers with consent_email."


@exercise("07.5", "Transfer: a reminder for those about to sleep")
def about_to_sleep_list(answer: object) -> str | None:
    data = _data(_folder())
    members = data["segments"].loc[data["segments"]["segment"] == TRANSFER_SEGMENT, "customer_id"]
    consent = data["customers"].set_index("customer_id")["consent_email"]
    allowed = members[members.map(consent).fillna(False).astype(bool)]
    hint = compare_ids(answer, allowed.tolist())
    if hint is None:
        return None
    if compare_ids(answer, members.tolist()) is None:
        return "Your list has every member of the segment: keep only those with e-mail consent."
    at_risk = data["segments"].loc[data["segments"]["segment"].isin(AT_RISK), "customer_id"]
    if compare_ids(answer, at_risk[at_risk.map(consent).fillna(False).astype(bool)].tolist()) is None:
        return f"That is task 1's list: this time take the segment {TRANSFER_SEGMENT!r}."
    return f"{hint} Keep the customers of `segments` whose segment is {TRANSFER_SEGMENT!r} and who have consent_email."


@exercise("07.2", "Left out of a personalised cart reminder")
def left_out_without_consent(answer: object) -> str | None:
    data = _data(_folder())
    customers = data["customers"]
    double = customers.assign(both=customers["consent_email"] & customers["consent_personalisation"])
    target, report = abandoned_carts(data["events"], data["orders"], double, consent="both", return_report=True)
    number = _one_number(answer)
    if number is not None:
        _, email_only = abandoned_carts(data["events"], data["orders"], customers, return_report=True)
        if number == email_only.n_without_consent:
            return "That is the count with e-mail consent alone; a personalised reminder also needs consent_personalisation."
        if number == len(target):
            return "That is the number of customers on the list; the task asks how many the list leaves out."
    hint = compare_number(answer, report.n_without_consent)
    return hint and (
        f"{hint} Require both flags (e-mail and personalisation) and read n_without_consent of the report "
        "(return_report=True)."
    )


@exercise("07.3", "Held-out accuracy of two gold questions")
def gold_question_accuracy(answer: object) -> str | None:
    answers, segment = _survey(_folder())
    gold = GoldQuestions(max_questions=2, random_state=0).fit(answers, segment)
    number = _one_number(answer)
    if number is not None:
        if 1 < number <= 100:
            return "Give the accuracy as a share between 0 and 1, not a percentage."
        if np.isclose(number, gold.train_accuracy_) and not np.isclose(number, gold.holdout_accuracy_):
            return "That is the accuracy on the training rows, which the model has seen: report the held-out one."
        if np.isclose(number, gold.baseline_accuracy_):
            return "That is the baseline (always guessing the largest segment): report the model's held-out accuracy."
    hint = compare_number(answer, gold.holdout_accuracy_, rel_tol=1e-9)
    return hint and f"{hint} Fit GoldQuestions(max_questions=2, random_state=0) and read its holdout_accuracy_."


@exercise("07.4", "Uplift of the three campaigns, by hand")
def campaign_uplift_table(answer: object, *, source: str | None = None) -> str | None:
    if calls_in(current_cell_source() if source is None else source, ["campaign_uplift"]):
        return (
            "Compute the rates with pandas in this cell (groupby, mean); campaign_uplift is for comparing afterwards."
        )
    expected = campaign_uplift(
        _responses(_folder()), group="holdout", treatment=False, holdout=True, responded="ordered_within_14_days"
    )[UPLIFT_COLUMNS]
    if isinstance(answer, pd.DataFrame) and "campaign_id" not in answer.columns and "campaign_id" in answer.index.names:
        answer = answer.reset_index()
    hint = compare_table(answer, expected, key="campaign_id", exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and set(UPLIFT_COLUMNS) <= set(answer.columns) and len(answer) == len(expected):
        given = answer.set_index("campaign_id").reindex(expected["campaign_id"])
        wanted = expected.set_index("campaign_id")
        if np.allclose(given["uplift"].astype(float), -wanted["uplift"]):
            return "Your uplift has the wrong sign: uplift = rate of the contacted group − rate of the hold-out."
        if np.allclose(given["rate_treatment"].astype(float), wanted["rate_holdout"]):
            return (
                "The contacted and hold-out rates are swapped: holdout=True marks the customers who were not contacted."
            )
    return f"{hint} Use 'ordered_within_14_days' as the response and holdout=True for the hold-out group."


@free_text("07.6", "Convenient or creepy?", min_words=25)
def convenient_or_creepy(answer: object) -> str | None:
    return None
