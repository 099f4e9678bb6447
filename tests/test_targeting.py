"""Tests of course_lib.targeting on tiny hand-made frames, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from course_lib.targeting import (
    GoldQuestions,
    TargetReport,
    abandoned_carts,
    campaign_uplift,
    first_order_incentive,
    segment_scorecard,
    single_channel_shoppers,
    win_back,
)


def _times(*values: str) -> pd.Series:
    return pd.to_datetime(list(values), format="%Y-%m-%d %H:%M")


@pytest.fixture
def customers() -> pd.DataFrame:
    # Customer 3 refused e-mail; customer 6's consent was never recorded (counts as no).
    return pd.DataFrame(
        {
            "customer_id": pd.array([1, 2, 3, 4, 5, 6, 7, 8], dtype="Int64"),
            "consent_email": pd.array([True, True, False, True, True, None, True, True], dtype="boolean"),
            "consent_sms": pd.array([False, True, True, True, True, True, True, True], dtype="boolean"),
        }
    )


# ------------------------------------------------------------------ abandoned carts


@pytest.fixture
def events() -> pd.DataFrame:
    rows = [
        (1, "2024-03-01 10:00", "add_to_cart"),  # no order since: on the list
        (1, "2024-03-12 10:00", "add_to_cart"),  # after as_of: ignored
        (2, "2024-03-01 10:00", "add_to_cart"),  # ordered the next day
        (3, "2024-03-01 10:00", "add_to_cart"),  # no consent
        (4, "2024-03-09 10:00", "view_dish"),  # still inside the 3-day window
        (5, "2024-03-05 09:00", "view_dish"),  # browsed again after the last order
        (6, "2024-03-01 10:00", "visit"),  # a visit is no sign of intent
        (8, "2024-03-01 12:00", "start_checkout"),  # ordered at the same moment
        (9, "2024-03-01 10:00", "add_to_cart"),  # not in the customer table
        (None, "2024-03-01 10:00", "add_to_cart"),  # anonymous: cannot be contacted
    ]
    return pd.DataFrame(
        {
            "customer_id": pd.array([row[0] for row in rows], dtype="Int64"),
            "timestamp": _times(*(row[1] for row in rows)),
            "event": [row[2] for row in rows],
        }
    )


@pytest.fixture
def orders() -> pd.DataFrame:
    rows = [
        # customer, order, time, channel, status
        (1, 100, "2024-03-20 12:00", "app", "delivered"),
        (1, 101, "2024-03-22 12:00", "app", "delivered"),
        (2, 102, "2024-03-02 12:00", "app", "delivered"),
        (2, 103, "2024-03-21 12:00", "web", "delivered"),
        (3, 104, "2024-03-25 12:00", "web", "delivered"),
        (3, 105, "2024-03-26 12:00", "web", "delivered"),
        (4, 106, "2024-01-02 12:00", "app", "delivered"),
        (5, 107, "2024-02-20 12:00", "app", "delivered"),
        (5, 108, "2024-03-15 12:00", "app", "delivered"),
        (5, 109, "2024-03-18 12:00", "web", "cancelled"),
        (6, 110, "2024-03-18 12:00", "app", "cancelled"),
        (7, 111, "2024-03-28 12:00", "phone", "delivered"),
        (7, 111, "2024-03-28 12:00", "phone", "delivered"),  # a second line of the same order
        (8, 112, "2024-03-01 12:00", "app", "delivered"),
    ]
    return pd.DataFrame(
        {
            "customer_id": pd.array([row[0] for row in rows], dtype="Int64"),
            "order_id": [row[1] for row in rows],
            "ordered_at": _times(*(row[2] for row in rows)),
            "channel": [row[3] for row in rows],
            "status": [row[4] for row in rows],
        }
    )


def test_abandoned_carts_on_a_hand_made_example(events, orders, customers):
    carts, report = abandoned_carts(events, orders, customers, within_days=3, as_of="2024-03-10", return_report=True)

    assert isinstance(report, TargetReport)
    # 1: carted 8 days 14 hours before, no order since. 5: browsed 4 days 15 hours before, and the
    # last order was earlier. Days count whole days elapsed.
    assert carts.index.name == "customer_id"
    assert list(carts.index) == [1, 5]
    assert list(carts["days_since_intent"]) == [8, 4]
    assert list(carts["last_intent_event"]) == ["add_to_cart", "view_dish"]
    assert report.n_selected == 2
    assert report.n_without_consent == 1  # customer 3
    assert report.n_unknown == 1  # customer 9
    assert "3 day(s)" in report.rule
    pd.testing.assert_frame_equal(
        abandoned_carts(events, orders, customers, within_days=3, as_of="2024-03-10"), carts, check_frame_type=False
    )


def test_abandoned_carts_default_as_of_is_the_latest_event(events, orders, customers):
    # The latest event is 2024-03-12: customer 1 carted then, so 1 is no longer past its window,
    # and customer 4 (2024-03-09) now is.
    carts = abandoned_carts(events, orders, customers, within_days=3)
    assert list(carts.index) == [4, 5]


def test_abandoned_carts_respects_the_consent_column_it_is_given(events, orders, customers):
    by_sms, report = abandoned_carts(
        events, orders, customers, as_of="2024-03-10", consent="consent_sms", return_report=True
    )
    assert list(by_sms.index) == [3, 5]  # 1 refused SMS, 3 accepted
    assert report.n_without_consent == 1


# ---------------------------------------------------------- first-order incentive


def test_first_order_incentive_on_a_hand_made_example(orders, customers):
    incentive, report = first_order_incentive(orders, customers, within_days=30, as_of="2024-03-31", return_report=True)

    # as_of is a day: orders before 31 March 00:00 count, ages are whole days to that midnight.
    # 7: one order of two lines on 03-28 12:00 (2 days). 4: a single order, but in January (lapsed).
    # 5: two delivered orders (the cancelled one does not count either way). 6: nothing delivered.
    # 8: one delivered order on 03-01 12:00, 29 whole days before.
    assert list(incentive.index) == [7, 8]
    assert list(incentive["days_since_first_order"]) == [2, 29]
    assert report.n_without_consent == 0
    # A day later 8's order is 30 days old: still in (the window includes its end) ...
    later = first_order_incentive(orders, customers, within_days=30, as_of="2024-04-01")
    assert list(later["days_since_first_order"]) == [3, 30]
    # ... and two days later it is out.
    assert list(first_order_incentive(orders, customers, within_days=30, as_of="2024-04-02").index) == [7]


def test_first_order_incentive_counts_customers_without_consent():
    orders = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "order_id": [10, 11],
            "ordered_at": _times("2024-03-20 12:00", "2024-03-21 12:00"),
            "status": ["delivered", "delivered"],
        }
    )
    customers = pd.DataFrame({"customer_id": [1, 2], "consent_email": [True, False]})
    incentive, report = first_order_incentive(orders, customers, return_report=True)
    assert list(incentive.index) == [1]
    assert report.n_without_consent == 1


# --------------------------------------------------------- single-channel shoppers


def test_single_channel_shoppers_on_a_hand_made_example(orders, customers):
    shoppers, report = single_channel_shoppers(orders, customers, min_orders=2, return_report=True)

    # 1: two app orders. 5: two app orders (the cancelled web one does not count).
    # 2 used app and web; 3 (web only) refused e-mail; 4, 7 and 8 have one order each.
    assert list(shoppers.index) == [1, 5]
    assert list(shoppers["only_channel"]) == ["app", "app"]
    assert list(shoppers["n_orders"]) == [2, 2]
    assert report.n_without_consent == 1

    with_one_order = single_channel_shoppers(orders, customers, min_orders=1)
    assert list(with_one_order.index) == [1, 4, 5, 7, 8]


# ------------------------------------------------------------------------ win-back


@pytest.fixture
def segments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array([4, 1, 2, 3, 9], dtype="Int64"),
            "segment": pd.Categorical(
                ["Champions", "At risk", "Hibernating", "At risk", "At risk"],
                categories=["Champions", "At risk", "Hibernating", "Cannot lose them"],
            ),
            "monetary": [400.0, 120.0, 35.0, 80.0, 60.0],
        }
    )


def test_win_back_on_a_hand_made_example(segments, customers):
    back, report = win_back(segments, customers, at_risk_segments=["At risk", "Hibernating"], return_report=True)
    assert list(back.index) == [1, 2]
    assert list(back["monetary"]) == [120.0, 35.0]  # every column is kept
    assert report.n_without_consent == 1  # customer 3
    assert report.n_unknown == 1  # customer 9
    assert repr(report) == "TargetReport('win-back', 2 customer(s), 1 excluded without consent, 1 unknown)"


def test_win_back_takes_the_ids_as_an_index_too(segments, customers):
    # The RFM segments are indexed by customer_id; so may the customer table be.
    from_index = win_back(
        segments.set_index("customer_id"),
        customers.set_index("customer_id"),
        at_risk_segments=["At risk", "Hibernating"],
    )
    from_columns = win_back(segments, customers, at_risk_segments=["At risk", "Hibernating"])
    pd.testing.assert_frame_equal(from_index, from_columns, check_frame_type=False)
    with pytest.raises(ValueError, match=r"`segment_table` has no column 'customer_id', nor an index of that name"):
        win_back(segments.drop(columns="customer_id"), customers, at_risk_segments=["At risk"])


def test_the_old_target_list_attributes_work_for_one_release_with_a_warning(segments, customers):
    back = win_back(segments, customers, at_risk_segments=["At risk", "Hibernating"])
    with pytest.warns(FutureWarning, match=r"win_back now returns the audience itself.*\.reset_index\(\)"):
        old_audience = back.audience
    assert old_audience["customer_id"].tolist() == [1, 2]  # the old shape: the id as a column
    assert list(old_audience.columns) == ["customer_id", "segment", "monetary"]
    with pytest.warns(FutureWarning, match=r"return_report=True\)` and read report\.n_without_consent"):
        assert back.n_without_consent == 1
    with pytest.warns(FutureWarning, match=r"report\.n_unknown"):
        assert back.n_unknown == 1
    # Anything computed from the list is a plain DataFrame, without the old attributes.
    assert type(back.head()) is pd.DataFrame
    with pytest.warns(FutureWarning, match=r"TargetList is gone"):
        from course_lib.targeting import TargetList
    assert isinstance(back, TargetList)


def test_win_back_accepts_an_empty_category_and_rejects_a_typo(segments, customers):
    assert len(win_back(segments, customers, at_risk_segments=["Cannot lose them"])) == 0
    with pytest.raises(ValueError, match=r"'At Risk'.*Available segments"):
        win_back(segments, customers, at_risk_segments=["At Risk"])
    with pytest.raises(ValueError, match=r"empty"):
        win_back(segments, customers, at_risk_segments=[])


# ----------------------------------------------------- target lists: bad input


def test_target_lists_reject_bad_consent_and_ids(segments, customers, orders):
    with pytest.raises(TypeError, match=r"'consent_email'.*True/False"):
        win_back(segments, customers.assign(consent_email=["yes"] * 8), at_risk_segments=["At risk"])
    with pytest.raises(ValueError, match=r"no column 'consent_phone'"):
        win_back(segments, customers, at_risk_segments=["At risk"], consent="consent_phone")
    with pytest.raises(ValueError, match=r"`orders` has no column 'customer_id'"):
        single_channel_shoppers(orders.drop(columns="customer_id"), customers)
    text_ids = customers.assign(customer_id=customers["customer_id"].astype(str))
    with pytest.raises(TypeError, match=r"numbers in `orders`.*pd\.to_numeric"):
        first_order_incentive(orders, text_ids)
    with pytest.raises(ValueError, match=r"'within_days'"):
        first_order_incentive(orders, customers, within_days=0)


def test_conflicting_or_missing_consent_counts_as_no(segments, customers):
    # Customer 1 is listed twice, once with consent and once without; customer 2's flag is missing.
    listed_twice = pd.concat([customers, customers.iloc[[0]].assign(consent_email=False)], ignore_index=True)
    listed_twice.loc[1, "consent_email"] = pd.NA
    back, report = win_back(segments, listed_twice, at_risk_segments=["At risk", "Hibernating"], return_report=True)
    assert len(back) == 0
    assert report.n_without_consent == 3


def test_target_lists_reject_empty_data(events, orders, customers):
    with pytest.raises(ValueError, match=r"`events` has 0 rows"):
        abandoned_carts(events.head(0), orders, customers)
    with pytest.raises(ValueError, match=r"`orders` has 0 rows"):
        first_order_incentive(orders.head(0), customers)


def test_target_lists_do_not_modify_their_inputs(events, orders, customers, segments):
    originals = [frame.copy() for frame in (events, orders, customers, segments)]
    abandoned_carts(events, orders, customers, as_of="2024-03-10")
    first_order_incentive(orders, customers)
    single_channel_shoppers(orders, customers)
    win_back(segments, customers, at_risk_segments=["At risk"])
    for original, after in zip(originals, (events, orders, customers, segments), strict=True):
        pd.testing.assert_frame_equal(original, after)


# ------------------------------------------------------------------- gold questions

QUESTIONS = ["q_health", "q_variety", "q_budget", "q_learn_to_cook", "q_shop_access"]


def _survey(n_rows: int, *, noise: float, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Likert answers where the segment follows q_health, then q_budget, with some labels guessed."""
    rng = np.random.default_rng(seed)
    answers = pd.DataFrame(rng.integers(1, 6, size=(n_rows, len(QUESTIONS))), columns=QUESTIONS)
    segment = np.where(
        answers["q_health"] >= 4, "health first", np.where(answers["q_budget"] >= 4, "budget", "curious")
    )
    guessed = rng.random(n_rows) < noise
    return answers, np.where(guessed, rng.choice(["health first", "budget", "curious"], n_rows), segment)


def test_gold_questions_finds_the_planted_questions():
    answers, segment = _survey(400, noise=0.2, seed=1)
    gold = GoldQuestions(max_questions=3, random_state=0).fit(answers, segment)
    assert gold.questions_[:2] == ["q_health", "q_budget"]
    assert gold.holdout_accuracy_ > gold.baseline_accuracy_ + 0.2
    assert list(gold.classes_) == ["budget", "curious", "health first"]


def test_gold_questions_reports_accuracy_on_the_held_out_rows():
    # Segments unrelated to the answers: the tree learns noise, so it does better on the rows it
    # has seen than on the held-out rows. The reported figure must be the held-out one.
    rng = np.random.default_rng(7)
    answers = pd.DataFrame(rng.integers(1, 6, size=(240, len(QUESTIONS))), columns=QUESTIONS)
    answers.index = answers.index + 1000  # labels that are not positions
    segment = rng.choice(["a", "b"], 240)
    gold = GoldQuestions(max_questions=3, max_depth=4, random_state=0).fit(answers, segment)

    truth = pd.Series(segment, index=answers.index)
    assert len(gold.test_index_) == 60  # 25 % of 240
    assert set(gold.train_index_).isdisjoint(gold.test_index_)
    assert set(gold.train_index_) | set(gold.test_index_) == set(answers.index)
    held_out = gold.predict(answers.loc[gold.test_index_]) == truth.loc[gold.test_index_].to_numpy()
    seen = gold.predict(answers.loc[gold.train_index_]) == truth.loc[gold.train_index_].to_numpy()
    assert gold.holdout_accuracy_ == pytest.approx(held_out.mean())
    assert gold.train_accuracy_ == pytest.approx(seen.mean())
    assert gold.train_accuracy_ > gold.holdout_accuracy_ + 0.05

    # The confusion matrix counts the held-out rows, and its diagonal is the accuracy.
    matrix = gold.confusion_matrix_.to_numpy()
    assert matrix.sum() == 60
    assert np.trace(matrix) / matrix.sum() == pytest.approx(gold.holdout_accuracy_)
    # The split is stratified: each segment keeps its share among the held-out rows.
    test_shares = truth.loc[gold.test_index_].value_counts(normalize=True)
    assert test_shares.to_dict() == pytest.approx(truth.value_counts(normalize=True).to_dict(), abs=0.02)
    # The baseline always guesses the largest training segment.
    largest = truth.loc[gold.train_index_].value_counts().idxmax()
    assert gold.baseline_accuracy_ == pytest.approx((truth.loc[gold.test_index_] == largest).mean())


def test_gold_questions_choose_questions_without_looking_at_held_out_rows():
    answers, segment = _survey(300, noise=0.3, seed=2)
    gold = GoldQuestions(random_state=0).fit(answers, segment)

    scrambled = answers.copy()
    held_out = scrambled.index.isin(gold.test_index_)
    rng = np.random.default_rng(0)
    scrambled.loc[held_out, QUESTIONS] = rng.integers(1, 6, size=(held_out.sum(), len(QUESTIONS)))
    again = GoldQuestions(random_state=0).fit(scrambled, segment)

    assert again.questions_ == gold.questions_
    pd.testing.assert_series_equal(again.selection_scores_, gold.selection_scores_)
    assert again.train_accuracy_ == gold.train_accuracy_
    assert again.holdout_accuracy_ != gold.holdout_accuracy_


def test_gold_questions_place_new_contacts_from_the_gold_questions_only():
    answers, segment = _survey(300, noise=0.2, seed=3)
    gold = GoldQuestions(random_state=0).fit(answers, segment)
    contacts = answers.loc[:, gold.questions_].head(5)
    assert list(gold.predict(contacts)) == list(gold.predict(answers.head(5)))
    with_missing = contacts.astype("Float64")
    with_missing.iloc[0, 0] = None  # a skipped question still gets a placement
    assert len(gold.predict(with_missing)) == 5
    with pytest.raises(ValueError, match=r"no column"):
        gold.predict(contacts.drop(columns=gold.questions_[0]))


def test_gold_questions_follows_scikit_learn_conventions():
    gold = GoldQuestions(max_questions=2, random_state=3)
    assert clone(gold).get_params()["max_questions"] == 2
    with pytest.raises(NotFittedError):
        gold.predict(pd.DataFrame({"q_health": [1]}))


def test_gold_questions_rejects_bad_input():
    answers, segment = _survey(100, noise=0.2, seed=4)
    original = answers.copy()
    with pytest.raises(ValueError, match=r"one segment per row"):
        GoldQuestions().fit(answers, segment[:-1])
    with pytest.raises(TypeError, match=r"'q_health'.*numeric"):
        GoldQuestions().fit(answers.assign(q_health="agree"), segment)
    lonely = segment.copy()
    lonely[0] = "only one"
    with pytest.raises(ValueError, match=r"at least 2 rows per segment"):
        GoldQuestions().fit(answers, lonely)
    with pytest.raises(ValueError, match=r"'max_questions'"):
        GoldQuestions(max_questions=0).fit(answers, segment)
    with pytest.raises(ValueError, match=r"'test_size'"):
        GoldQuestions(test_size=1.5).fit(answers, segment)
    with pytest.raises(ValueError, match=r"fewer than cv=5"):
        GoldQuestions().fit(answers.head(16), segment[:16])
    pd.testing.assert_frame_equal(answers, original)


# ------------------------------------------------------------------ campaign uplift


def _responses(campaign: str, treated: tuple[int, int], held_out: tuple[int, int]) -> pd.DataFrame:
    """`treated` and `held_out` are (customers, responders); ids restart at 0 in each campaign."""
    (n_t, r_t), (n_h, r_h) = treated, held_out
    return pd.DataFrame(
        {
            "customer_id": range(n_t + n_h),
            "campaign_id": campaign,
            "group": ["treatment"] * n_t + ["holdout"] * n_h,
            "responded": [True] * r_t + [False] * (n_t - r_t) + [True] * r_h + [False] * (n_h - r_h),
        }
    )


@pytest.fixture
def responses() -> pd.DataFrame:
    return pd.concat(
        [
            _responses("spring", (40, 12), (40, 6)),
            _responses("tiny", (10, 5), (8, 1)),
            _responses("no holdout", (50, 10), (0, 0)),
            _responses("backfire", (100, 10), (100, 40)),
        ],
        ignore_index=True,
    )


def test_campaign_uplift_matches_a_hand_computation(responses):
    result = campaign_uplift(responses).set_index("campaign_id")
    spring = result.loc["spring"]
    # By hand: 12/40 = 0.30 against 6/40 = 0.15, uplift 0.15.
    # se = sqrt(0.30 * 0.70 / 40 + 0.15 * 0.85 / 40) = sqrt(0.00525 + 0.0031875) = 0.0918559
    # 95 % interval: 0.15 +- 1.959964 * 0.0918559 = 0.15 +- 0.180035
    assert (spring["n_treatment"], spring["responders_treatment"]) == (40, 12)
    assert (spring["n_holdout"], spring["responders_holdout"]) == (40, 6)
    assert spring["rate_treatment"] == pytest.approx(0.30)
    assert spring["rate_holdout"] == pytest.approx(0.15)
    assert spring["uplift"] == pytest.approx(0.15)
    half_width = 1.959964 * math.sqrt(0.30 * 0.70 / 40 + 0.15 * 0.85 / 40)
    assert spring["ci_low"] == pytest.approx(0.15 - half_width, abs=1e-6)
    assert spring["ci_high"] == pytest.approx(0.15 + half_width, abs=1e-6)
    assert not spring["too_small"]
    assert spring["verdict"] == "no clear effect: the interval includes 0"


def test_campaign_uplift_flags_groups_too_small_to_tell(responses):
    result = campaign_uplift(responses).set_index("campaign_id")
    assert result.loc["tiny", "too_small"]
    assert result.loc["tiny", "verdict"].startswith("too small to tell: 10 contacted and 8 held-out")
    assert result.loc["no holdout", "too_small"]
    assert math.isnan(result.loc["no holdout", "rate_holdout"])
    assert result.loc["backfire", "uplift"] == pytest.approx(-0.30)
    assert result.loc["backfire", "verdict"] == "drop: the interval excludes 0"


def test_campaign_uplift_pools_all_rows_without_a_campaign_column():
    pooled = _responses("x", (200, 50), (200, 30)).drop(columns="campaign_id")
    result = campaign_uplift(pooled, campaign=None)
    assert len(result) == 1
    assert result.loc[0, "uplift"] == pytest.approx(0.25 - 0.15)
    assert result.loc[0, "verdict"] == "uplift: the interval excludes 0"


def test_campaign_uplift_reads_a_true_false_holdout_column(responses):
    flagged = responses.assign(holdout=responses["group"].eq("holdout")).drop(columns="group")
    result = campaign_uplift(flagged, group="holdout", treatment=False, holdout=True)
    expected = campaign_uplift(responses)
    pd.testing.assert_frame_equal(result, expected)


def test_campaign_uplift_rejects_bad_input(responses):
    original = responses.copy()
    with pytest.raises(ValueError, match=r"'group'.*'control'"):
        campaign_uplift(responses.replace({"group": {"holdout": "control"}}))
    with pytest.raises(TypeError, match=r"'responded'.*True/False"):
        campaign_uplift(responses.assign(responded=responses["responded"].map({True: "yes", False: "no"})))
    with pytest.raises(ValueError, match=r"more than once"):
        campaign_uplift(pd.concat([responses, responses.head(1)]))
    with pytest.raises(ValueError, match=r"no column 'campaign_id'"):
        campaign_uplift(responses.drop(columns="campaign_id"))
    pd.testing.assert_frame_equal(responses, original)


def test_gold_questions_accept_cluster_numbers_as_segments():
    rng = np.random.default_rng(0)
    segment = np.repeat([0, 1, 2], 40)
    answers = pd.DataFrame(
        {
            "q_signal": segment + rng.normal(0, 0.3, size=segment.size),
            "q_noise": rng.normal(0, 1, size=segment.size),
        }
    )
    by_number = GoldQuestions(max_questions=1, random_state=0).fit(answers, segment)
    by_name = GoldQuestions(max_questions=1, random_state=0).fit(answers, [f"s{value}" for value in segment])
    assert by_number.questions_ == by_name.questions_ == ["q_signal"]
    assert by_number.holdout_accuracy_ == by_name.holdout_accuracy_
    assert list(by_number.classes_) == [0, 1, 2]


def test_segment_scorecard_takes_the_customer_id_as_the_index_too():
    data = pd.DataFrame(
        {
            "customer_id": range(120),
            "segment": ["Lunch"] * 80 + ["Gourmet"] * 40,
            "net_revenue": [100.0] * 80 + [400.0] * 40,
            "consent_email": [True] * 60 + [False] * 20 + [True] * 40,
        }
    )
    from_column = segment_scorecard(data, profile=["net_revenue"])
    pd.testing.assert_frame_equal(
        segment_scorecard(data.set_index("customer_id"), profile=["net_revenue"]), from_column
    )
    with pytest.raises(ValueError, match="lists customers more than once"):
        segment_scorecard(pd.concat([data, data.head(1)]).set_index("customer_id"))
