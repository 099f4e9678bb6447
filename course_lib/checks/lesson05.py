"""Checks of exercise 05 (the vegetarian delivery worksheet): the worksheet, then the survey answers back.

Part 1 is written work: its answers are recorded (never "Correct") once they
say enough. Part 2 prepares and clusters the relationship survey's eight
questions by hand, cross-tabulates the clusters with behaviour and finds the
drafted Types A and C. As in lesson 04, groups are compared, never cluster numbers.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from course_lib.checks import compare_ids, compare_partition, compare_table, exercise, free_text
from course_lib.checks._source import calls_in, current_cell_source
from course_lib.clustering import fit_kmeans, match_labels, prepare_features
from course_lib.customer_view import survey_latest
from course_lib.datasets import LIKERT_ITEMS, data_dir, load_customers, load_orders, load_survey
from course_lib.rfm import order_values, rfm_table

__all__ = [
    "BEHAVIOUR_COLUMNS",
    "N_CLUSTERS",
    "behaviour_by_cluster",
    "behaviours",
    "drafted_segments",
    "needs_per_cluster",
    "problem",
    "survey_answers",
    "survey_clusters",
    "type_a_members",
    "type_c_members",
]

#: The number of clusters of task 2.
N_CLUSTERS = 4
#: The behaviour columns of task 3.
BEHAVIOUR_COLUMNS = ["orders", "spend", "lunch_share", "churned"]
#: Days without an order after which a respondent counts as churned.
CHURN_DAYS = 90


def _drafted_type(answers: pd.DataFrame) -> pd.Series:
    """The worksheet's Types A, B and C as rules on the answers (agrees = 4-5, disagrees = 1-2)."""
    agrees = answers.ge(4).fillna(False)
    disagrees = answers.le(2).fillna(False)
    rules = {
        "A": agrees["q_few_restaurants_near_work"] & agrees["q_budget"],
        "B": agrees["q_learn_to_cook"] & agrees["q_shop_access"],
        "C": agrees["q_pay_for_quality"] & disagrees["q_budget"],
    }
    chosen = np.select(
        [rule.to_numpy(dtype=bool) for rule in rules.values()], list(rules), default="none of the drafts"
    )
    return pd.Series(chosen, index=answers.index)


@functools.lru_cache(maxsize=2)
def _reference(folder: str) -> dict[str, Any]:
    """Part 2's expected answers, computed once per data folder the way the lesson does."""
    orders = load_orders(data_dir=folder)
    customers = load_customers(data_dir=folder)
    survey = load_survey(data_dir=folder)
    personal = customers.loc[customers["account_type"] == "personal", "customer_id"]
    lines = orders.drop_duplicates()
    lines = lines[lines["category"].ne("test") & lines["customer_id"].isin(personal)]
    rfm = rfm_table(order_values(lines), order="order_id")

    relationship = survey_latest(survey[survey["survey"] == "relationship"])
    answers = relationship[list(LIKERT_ITEMS)]
    respondents = answers.index
    features = prepare_features(answers, return_report=False)
    labels = fit_kmeans(features, n_clusters=N_CLUSTERS, random_state=0)

    delivered = lines[lines["status"] == "delivered"].drop_duplicates("order_id")
    weekday_lunch = (delivered["ordered_at"].dt.day_of_week < 5) & delivered["ordered_at"].dt.hour.between(11, 14)
    lunch_share = weekday_lunch.groupby(delivered["customer_id"]).mean()
    recent = rfm.index[rfm["recency"] <= CHURN_DAYS]
    behaviour = pd.DataFrame(
        {
            "orders": rfm["frequency"].reindex(respondents, fill_value=0),
            "spend": rfm["monetary"].reindex(respondents, fill_value=0.0),
            "lunch_share": lunch_share.reindex(respondents),
            "churned": (~respondents.isin(recent)).astype("float64"),
        },
        index=respondents,
    )
    type_found = match_labels(labels, _drafted_type(answers))
    return {
        "all_responses": survey.set_index("customer_id")[list(LIKERT_ITEMS)],
        "answers": answers,
        "labels": labels,
        "behaviour": behaviour.groupby(labels).mean(),
        "sums": behaviour.groupby(labels).sum(),
        "type_a": labels.index[type_found == "A"].tolist(),
        "type_c": labels.index[type_found == "C"].tolist(),
    }


def _expected() -> dict[str, Any]:
    return _reference(str(data_dir()))


@exercise("05.4", "The survey answers")
def survey_answers(answer: Any) -> str | None:
    reference = _expected()
    expected = reference["answers"]
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame (one row per respondent); got a {type(answer).__name__}."
    if "customer_id" in answer.columns:
        answer = answer.set_index("customer_id")
    missing = [column for column in LIKERT_ITEMS if column not in answer.columns]
    if missing:
        return f"Your table has no column {missing}; keep every question of `LIKERT_ITEMS`."
    extra = [column for column in answer.columns if column not in LIKERT_ITEMS]
    if extra:
        return f"Keep only the eight question columns: drop {extra}, or the clustering would use them too."
    if len(answer) == len(reference["all_responses"]) and len(answer) > len(expected):
        return (
            "Your table has every survey response. Start from `relationship`: the post-purchase "
            "survey does not ask these questions, and each respondent should appear once."
        )
    if len(answer) != len(expected) or set(answer.index) != set(expected.index):
        return (
            f"Your table has {len(answer)} rows; keep one row per respondent of `relationship`, indexed by customer id."
        )
    given = answer.reindex(expected.index)[list(LIKERT_ITEMS)].astype("float64")
    wanted = expected.astype("float64")
    if not np.allclose(given.to_numpy(), wanted.to_numpy(), equal_nan=True):
        return "Your answers differ from the survey's: select the columns without changing the values (keep skipped answers missing)."
    return None


@exercise("05.5", "Four clusters of answers, by hand")
def survey_clusters(answer: Any, *, source: str | None = None) -> str | None:
    used = calls_in(current_cell_source() if source is None else source, ["prepare_features", "fit_kmeans"])
    if used:
        return f"Do it by hand in this cell with pandas and scikit-learn's KMeans, without {used[0]}."
    hint = compare_partition(answer, _expected()["labels"], n_clusters=N_CLUSTERS)
    return hint and (
        f"{hint} Fill each question's skipped answers with its median, standardise (ddof=0), and fit "
        "KMeans(n_clusters=4, n_init=10, random_state=0)."
    )


@exercise("05.6", "Behaviour by cluster")
def behaviour_by_cluster(answer: Any) -> str | None:
    reference = _expected()
    expected = reference["behaviour"]
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame with one row per cluster; got a {type(answer).__name__}."
    missing = [column for column in BEHAVIOUR_COLUMNS if column not in answer.columns]
    if missing:
        return f"Your table has no column {missing}; it should have {BEHAVIOUR_COLUMNS}."
    if len(answer) != len(expected):
        return f"Your table has {len(answer)} rows; it should have one per cluster ({len(expected)})."
    given = answer[BEHAVIOUR_COLUMNS].astype("float64").reset_index(drop=True)
    # Label numbers are arbitrary: compare the rows as a set, each table sorted the same way.
    if compare_table(given, reference["sums"].reset_index(drop=True)) is None:
        return "These are totals per cluster: take the mean of each column instead of the sum."
    hint = compare_table(given, expected.reset_index(drop=True))
    return hint and (
        f"{hint} Group `customer_behaviour` by your `labels` from task 5 and take the mean of each column."
    )


@exercise("05.7", "The cluster of Type A")
def type_a_members(answer: Any) -> str | None:
    hint = compare_ids(answer, _expected()["type_a"])
    return hint and (
        f"{hint} Type A agrees most with 'few places to eat near work' and 'tight budget', and orders "
        "weekday lunches: find that cluster and give all of its customers' ids."
    )


@exercise("05.8", "Transfer: the cluster of Type C")
def type_c_members(answer: Any) -> str | None:
    reference = _expected()
    hint = compare_ids(answer, reference["type_c"])
    if hint and compare_ids(answer, reference["type_a"]) is None:
        return "These are Type A's customers: Type C pays for quality and does not watch the budget."
    return hint and (
        f"{hint} Type C agrees most with 'pay for quality' and least with 'tight budget', and spends the most: "
        "find that cluster and give all of its customers' ids."
    )


@free_text("05.1", "Worksheet 1: the problem or opportunity", min_words=25)
def problem(answer: Any) -> str | None:
    return None  # any text of the worksheet's length is recorded


@free_text("05.2", "Worksheet 2: behaviours and motivations", min_words=25)
def behaviours(answer: Any) -> str | None:
    return None  # any text of the worksheet's length is recorded


#: The worksheet asks for at least this many segments, each described in at least this many words.
MIN_SEGMENTS, MIN_SEGMENT_WORDS = 3, 12


@free_text("05.3", "Worksheet 3: at least three segments", min_words=0)
def drafted_segments(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return (
            f"Give a dict {{segment name: who they are, what they do, what they need}}; got a {type(answer).__name__}."
        )
    if len(answer) < MIN_SEGMENTS:
        return f"Draft at least {MIN_SEGMENTS} segments; you have {len(answer)}."
    short = [
        name for name, text in answer.items() if not isinstance(text, str) or len(text.split()) < MIN_SEGMENT_WORDS
    ]
    if short:
        return (
            f"Describe {short[0]!r} in at least {MIN_SEGMENT_WORDS} words: who they are, what they do, "
            "and what they need from Green Fork."
        )
    return None


@free_text("05.9", "What each cluster needs", min_words=0)
def needs_per_cluster(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return f"Give a dict {{cluster number: name and needs}}; got a {type(answer).__name__}."
    clusters = set(_expected()["labels"].unique())
    missing = sorted(cluster for cluster in clusters if cluster not in answer)
    if missing:
        return f"Name every cluster: cluster(s) {missing} have no line (the keys are your cluster numbers)."
    short = [cluster for cluster, text in answer.items() if not isinstance(text, str) or len(text.split()) < 8]
    if short:
        return f"The line of cluster {short[0]} is too short: which draft it matches, what it needs, and whether the data support it."
    return None
