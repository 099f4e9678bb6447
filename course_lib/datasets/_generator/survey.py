"""Simulate the survey: relationship answers that reveal the planted types, and post-purchase answers.

The relationship survey asks the eight Likert items (motivations and
constraints), the NPS question and a free comment; it goes to each new
customer two weeks after sign-up, and in March 2024 to the customers who
signed up before 2024. Each answer is the type's mean plus the respondent's
own leaning (some people agree with everything) plus noise, rounded and
clipped to 1-5, so the types overlap as real people do.

The post-purchase survey follows a few delivered orders (many more refunded
ones: unhappy customers answer more) and asks only NPS and a comment.

Examples
--------
Without noise, answers are the means rounded and clipped to 1-5:

>>> _likert_answers(np.random.default_rng(0), np.array([[4.4, 0.2, 5.6]]), 0.0, np.zeros(1)).tolist()
[[4, 1, 5]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course_lib.datasets._generator.generate import _rng, _trait
from course_lib.datasets._generator.world import END, START, TYPE_PROFILES
from course_lib.datasets.schema import DATETIME_DTYPE, LIKERT_ITEMS, TABLES

__all__ = ["simulate_survey"]

#: When the existing base received the relationship survey.
BASE_SURVEY_SENT = pd.Timestamp("2024-03-04 10:00")
#: Days between sign-up and the relationship survey.
DAYS_TO_SURVEY = 14
#: Share of answered items left empty (more for the work question among non-office workers).
SKIP_RATE = 0.04
SKIP_RATE_WORK_QUESTION = 0.10
NPS_SKIP_RATE = 0.03
#: Chance that a delivered (refunded) order gets a post-purchase response.
POST_PURCHASE_RATE = {"delivered": 0.035, "refunded": 0.30}

#: Relationship comments, in each type's own voice.
RELATIONSHIP_COMMENTS = {
    "A": (
        "Lunch at my desk that is not a sad sandwich, finally.",
        "Nothing green to eat near the office, so this saves my week.",
        "Please rotate the bowls more often, I notice when the menu repeats.",
        "Good value at lunch, but prices keep creeping up.",
        "I order most weekdays; a lunch subscription would be great.",
        "Healthy and quick, exactly what I need between meetings.",
        "Would love a cheaper lunch menu for regulars.",
        "The lunch code makes it affordable, keep it.",
    ),
    "B": (
        "The meal kits help, but I still run out of ideas by Thursday.",
        "I want to cook more but the shops near me have no tofu or tempeh.",
        "Trying to go vegetarian this year; the recipe cards are useful.",
        "Menus start to feel the same after a few weeks.",
        "Not sure I will keep it up, it gets repetitive.",
        "A beginner plan with a shopping list would help me a lot.",
        "I never know what to buy for vegetarian cooking, the kits solve that.",
        "Fun at first, now I am a bit bored of the options.",
    ),
    "C": (
        "Worth every euro, the ingredients taste fresh.",
        "I happily pay more for organic and local produce.",
        "The Wellington was restaurant quality.",
        "Packaging could feel more premium for the price.",
        "Excellent, I recommend it to friends all the time.",
        "Quality is consistent, which is why I stay.",
        "Please add more seasonal chef specials.",
    ),
    "D": (
        "Handy on busy weekends with the kids.",
        "Family trays are good value.",
        "Fine, nothing special.",
        "We order when friends who do not eat meat come over.",
        "Delivery was a bit slow on Saturday evening.",
        "Good food, we just do not think of it often.",
        "The kids love the nuggets, the adults the curry.",
    ),
}
#: Post-purchase comments by what happened to the order.
ORDER_COMMENTS = {
    "good": (
        "Arrived warm and on time.",
        "Tasty, will order again.",
        "The driver was friendly.",
        "Exactly what I ordered.",
        "Great portion size.",
    ),
    "bad": (
        "Arrived 30 minutes late.",
        "Food was lukewarm.",
        "The sauce had leaked in the bag.",
        "Smaller portion than last time.",
    ),
    "refunded": (
        "One dish was missing; the refund came quickly though.",
        "Wrong order delivered, had to ask for a refund.",
        "The salad was not fresh, refunded but disappointed.",
    ),
    "payment": (
        "Payment failed in the app, twice, before it went through.",
        "The app kept rejecting my card, very annoying.",
        "Checkout in the app is broken, my card was refused for no reason.",
    ),
}


def _likert_answers(
    rng: np.random.Generator, means: np.ndarray, sd: float | np.ndarray, leaning: np.ndarray
) -> np.ndarray:
    """Round mean + leaning + noise to the nearest whole answer, clipped to 1-5."""
    noise = rng.normal(0.0, 1.0, means.shape) * np.asarray(sd).reshape(-1, 1)
    return np.clip(np.rint(means + leaning.reshape(-1, 1) + noise), 1, 5).astype(np.int64)


def _comments(
    rng: np.random.Generator, keys: np.ndarray, pools: dict[str, tuple[str, ...]], share: float | np.ndarray
) -> np.ndarray:
    """One sentence per row from the pool named by its key, left empty with probability 1 - share."""
    picks = np.full(len(keys), None, dtype=object)
    for key in sorted(pd.unique(keys)):
        members = np.flatnonzero(keys == key)
        picks[members] = np.asarray(pools[key], dtype=object)[rng.integers(len(pools[key]), size=len(members))]
    return np.where(rng.random(len(keys)) < share, picks, None)


def _relationship(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    personal = customers.loc[customers["account_type"] == "personal"]
    sent = np.where(
        personal["signup_date"] < START,
        np.datetime64(BASE_SURVEY_SENT),
        personal["signup_date"].to_numpy() + np.timedelta64(DAYS_TO_SURVEY, "D") + np.timedelta64(10, "h"),
    )
    rate = _trait(personal["type"], "response_rate")
    rate = np.where(personal["never_ordered"], 0.15, rate)
    answered_at = sent + (rng.exponential(2.0, len(personal)) * 86_400).astype("timedelta64[s]")
    answers = (rng.random(len(personal)) < rate) & (answered_at <= np.datetime64(END + pd.Timedelta(hours=23)))
    respondents = personal.loc[answers]
    codes = respondents["type"].to_numpy()
    means = (
        pd.DataFrame({code: profile.survey_means for code, profile in TYPE_PROFILES.items()})
        .T.reindex(codes)
        .to_numpy()
    )
    spread = _trait(codes, "survey_sd")
    likert = _likert_answers(rng, means, spread, rng.normal(0.0, 0.35, len(codes)))
    skipped = rng.random(likert.shape) < SKIP_RATE
    skipped[:, LIKERT_ITEMS.index("q_few_restaurants_near_work")] |= (codes != "A") & (
        rng.random(len(codes)) < SKIP_RATE_WORK_QUESTION
    )
    nps = np.clip(np.rint(rng.normal(_trait(codes, "nps_mean"), 1.6)), 0, 10)
    frame = pd.DataFrame(
        {
            "customer_id": respondents["customer_id"].to_numpy(),
            "survey": "relationship",
            "order_id": pd.NA,
            "answered_at": answered_at[answers],
            **{
                item: pd.array(np.where(skipped[:, k], -1, likert[:, k]), dtype="Int64")
                for k, item in enumerate(LIKERT_ITEMS)
            },
            "nps": np.where(rng.random(len(codes)) < NPS_SKIP_RATE, -1, nps).astype(np.int64),
            "comment": _comments(rng, codes, RELATIONSHIP_COMMENTS, share=0.55),
        }
    )
    for item in LIKERT_ITEMS:
        frame[item] = frame[item].mask(frame[item] < 0)
    return frame


def _post_purchase(
    customers: pd.DataFrame, orders: pd.DataFrame, payment_trouble: set[int], rng: np.random.Generator
) -> pd.DataFrame:
    personal_ids = customers.loc[customers["account_type"] == "personal", ["customer_id", "type"]]
    first_lines = orders.drop_duplicates("order_id")
    answered = first_lines.loc[first_lines["customer_id"].isin(personal_ids["customer_id"])]
    refunded_orders = set(orders.loc[orders["status"] == "refunded", "order_id"])
    outcome = np.where(answered["order_id"].isin(refunded_orders), "refunded", answered["status"].astype(str))
    chance = pd.Series(outcome).map(POST_PURCHASE_RATE).fillna(0.0).to_numpy()
    trouble = answered["order_id"].isin(payment_trouble).to_numpy()
    chance = np.where(trouble, 0.5, chance)
    picked = rng.random(len(answered)) < chance
    answered, outcome, trouble = answered.loc[picked], outcome[picked], trouble[picked]
    codes = answered["customer_id"].map(personal_ids.set_index("customer_id")["type"]).to_numpy()
    late = (outcome == "delivered") & (rng.random(len(codes)) < 0.15)
    base = _trait(codes, "nps_mean") - 0.5
    penalty = np.select([trouble, outcome == "refunded", late], [4.0, 3.5, 2.5], 0.0)
    nps = np.clip(np.rint(rng.normal(base - penalty, 1.8)), 0, 10).astype(np.int64)
    kind = np.select([trouble, outcome == "refunded", late], ["payment", "refunded", "bad"], "good")
    answered_at = answered["ordered_at"].to_numpy() + ((1.5 + rng.exponential(3.0, len(codes))) * 3600).astype(
        "timedelta64[s]"
    )
    frame = pd.DataFrame(
        {
            "customer_id": answered["customer_id"].to_numpy(),
            "survey": "post_purchase",
            "order_id": answered["order_id"].to_numpy(),
            "answered_at": answered_at,
            "nps": np.where(rng.random(len(codes)) < NPS_SKIP_RATE, -1, nps),
            "comment": _comments(rng, kind, ORDER_COMMENTS, share=np.where(kind == "good", 0.35, 0.8)),
        }
    )
    return frame.loc[frame["answered_at"] <= END + pd.Timedelta(hours=23, minutes=59)]


def simulate_survey(
    customers: pd.DataFrame, orders: pd.DataFrame, *, seed: int, payment_trouble: set[int] = frozenset()
) -> pd.DataFrame:
    """Simulate both surveys' responses, in the schema of ``survey.csv``.

    Parameters
    ----------
    customers : DataFrame
        The output of :func:`~course_lib.datasets._generator.generate.simulate_customers`.
    orders : DataFrame
        Order lines (the output of
        :func:`~course_lib.datasets._generator.generate.expand_order_lines`).
    seed : int
        Random seed.
    payment_trouble : set of int, default=frozenset()
        Orders whose payment failed at least once before it went through;
        their buyers answer the post-purchase survey more often, and angrily.

    Returns
    -------
    DataFrame
        One row per response, numbered by answer time.

    Examples
    --------
    >>> from course_lib.datasets._generator.generate import expand_order_lines, simulate_customers, simulate_orders
    >>> customers = simulate_customers(300, seed=1)
    >>> lines = expand_order_lines(simulate_orders(customers, seed=1), seed=1)
    >>> survey = simulate_survey(customers, lines, seed=1)
    >>> sorted(survey["survey"].unique())
    ['post_purchase', 'relationship']
    """
    rng = _rng(seed, "survey")
    relationship = _relationship(customers, rng)
    post_purchase = _post_purchase(customers, orders, set(payment_trouble), rng)
    frame = pd.concat([relationship, post_purchase], ignore_index=True).sort_values(
        ["answered_at", "customer_id"], kind="stable"
    )
    frame.insert(0, "response_id", np.arange(1, len(frame) + 1))
    frame["answered_at"] = frame["answered_at"].dt.floor("min").astype(DATETIME_DTYPE)
    frame["nps"] = pd.array(frame["nps"].to_numpy(dtype=float), dtype="Int64").copy()
    frame["nps"] = frame["nps"].mask(frame["nps"] < 0)
    table = TABLES["survey"]
    return frame.assign(
        response_id=frame["response_id"].astype("Int64"),
        customer_id=frame["customer_id"].astype("Int64"),
        order_id=frame["order_id"].astype("Int64"),
        survey=pd.Categorical(frame["survey"], categories=table.column("survey").allowed),
        comment=frame["comment"].astype("str").where(frame["comment"].notna()),
        **{item: frame[item].astype("Int64") for item in LIKERT_ITEMS},
    )[table.names].reset_index(drop=True)
