"""Tests of course_lib.customer_view on tiny hand-made frames, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from course_lib.customer_view import (
    behaviour_summary,
    customer_view,
    data_quality_report,
    nps,
    nps_by,
    order_summary,
    survey_latest,
    ticket_summary,
)


def _dates(*values: str) -> pd.Series:
    return pd.to_datetime(list(values), format="%Y-%m-%d")


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array([1, 2, 3], dtype="Int64"),
            "signup_date": _dates("2024-01-01", "2024-01-01", "2024-03-01"),
            "diet": ["vegan", "vegetarian", "vegan"],
        }
    )


@pytest.fixture
def lines() -> pd.DataFrame:
    # Customer 1: order 10 (two delivered lines, the second recorded twice) and order 11 (web,
    # refunded). Customer 2: one cancelled order. One guest line without an id.
    return pd.DataFrame(
        {
            "order_id": [10, 10, 10, 11, 12, 13],
            "line_number": [1, 2, 2, 1, 1, 1],
            "customer_id": pd.array([1, 1, 1, 1, 2, None], dtype="Int64"),
            "ordered_at": _dates("2024-01-05", "2024-01-05", "2024-01-05", "2024-02-01", "2024-01-07", "2024-01-08"),
            "channel": ["app", "app", "app", "web", "app", "web"],
            "category": ["bowl", "drink", "drink", "bowl", "curry", "bowl"],
            "quantity": [2, 3, 3, 1, 1, 1],
            "unit_price": [10.0, 3.0, 3.0, 12.0, 11.0, 9.0],
            "discount": [2.0, 1.0, 1.0, 0.0, 0.0, 0.0],
            "status": ["delivered", "delivered", "delivered", "refunded", "cancelled", "delivered"],
        }
    )


@pytest.fixture
def survey() -> pd.DataFrame:
    # Customer 1 answered twice (the later answer wins), customer 3 answered before signing up,
    # customer 9 is not in the customer table.
    return pd.DataFrame(
        {
            "response_id": [100, 101, 102, 103],
            "customer_id": pd.array([1, 1, 3, 9], dtype="Int64"),
            "answered_at": _dates("2024-02-10", "2024-01-10", "2024-02-01", "2024-02-01"),
            "q_health": pd.array([5, 3, None, 4], dtype="Int64"),
            "nps": pd.array([9, 4, 6, 10], dtype="Int64"),
        }
    )


@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "session_id": ["a", "a", "b", "c", "d"],
            "customer_id": pd.array([1, 1, 1, 3, None], dtype="Int64"),
            "anonymous_id": ["x1", "x1", "x1", "x3", "x9"],
            "timestamp": pd.to_datetime(
                ["2024-01-04 10:00", "2024-01-04 10:02", "2024-01-20 18:00", "2024-03-02 09:00", "2024-03-03 09:00"],
                format="%Y-%m-%d %H:%M",
            ),
            "event": ["visit", "add_to_cart", "add_to_cart", "view_menu", "visit"],
        }
    )


@pytest.fixture
def tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": [1, 2, 3, 4],
            "customer_id": pd.array([2, 2, 2, 7], dtype="Int64"),
            "opened_at": _dates("2024-01-08", "2024-01-09", "2024-01-20", "2024-01-09"),
            "category": ["refund", "late delivery", "refund", "refund"],
            "channel": ["phone", "chat", "chat", "chat"],
        }
    )


# ----------------------------------------------------------------- order_summary


def test_order_summary_matches_a_hand_computation(lines):
    summary = order_summary(lines)
    assert summary.index.name == "customer_id"  # one row per customer: the id is the index

    # Guest line (no id) left out: two customers only.
    assert list(summary.index) == [1, 2]
    first = summary.loc[1]
    # Delivered lines, the duplicate dropped: 2*10 - 2 = 18 and 3*3 - 1 = 8.
    assert first["net_revenue"] == pytest.approx(18 + 8)
    assert first["refunded_revenue"] == pytest.approx(12.0)
    assert first["n_orders"] == 1
    assert first["n_refunded_orders"] == 1
    # Discounts 2 + 1 over gross 20 + 9 of delivered lines.
    assert first["discount_share"] == pytest.approx(3 / 29)
    # Drinks: quantity 3 beats bowls: quantity 2 (the refunded bowl does not count).
    assert first["favourite_category"] == "drink"
    assert first["channels"] == "app"
    assert first["n_channels"] == 1
    assert first["first_order_at"] == pd.Timestamp("2024-01-05")
    assert first["last_order_at"] == pd.Timestamp("2024-01-05")

    second = summary.loc[2]
    assert second["n_orders"] == 0
    assert second["n_cancelled_orders"] == 1
    assert second["net_revenue"] == 0.0
    assert pd.isna(second["first_order_at"])
    assert pd.isna(second["discount_share"])
    assert second["n_channels"] == 0


def test_order_summary_keeps_duplicate_lines_when_asked(lines):
    summary = order_summary(lines, drop_duplicate_lines=False)
    assert summary.loc[1, "net_revenue"] == pytest.approx(18 + 8 + 8)


def test_order_summary_counts_channels_and_breaks_category_ties_alphabetically():
    lines = pd.DataFrame(
        {
            "order_id": [1, 2],
            "line_number": [1, 1],
            "customer_id": [5, 5],
            "ordered_at": _dates("2024-01-01", "2024-01-09"),
            "channel": ["web", "app"],
            "category": ["soup", "bowl"],
            "quantity": [1, 1],
            "unit_price": [8.0, 9.0],
            "discount": [0.0, 0.0],
            "status": ["delivered", "delivered"],
        }
    )
    summary = order_summary(lines).iloc[0]
    assert summary["channels"] == "app, web"
    assert summary["n_channels"] == 2
    assert summary["favourite_category"] == "bowl"
    assert summary["first_order_at"] == pd.Timestamp("2024-01-01")
    assert summary["last_order_at"] == pd.Timestamp("2024-01-09")


def test_order_summary_sorts_categorical_channels_and_categories_alphabetically(lines):
    as_categories = lines.assign(
        channel=pd.Categorical(lines["channel"], categories=["web", "app"]),
        category=pd.Categorical(lines["category"], categories=["drink", "bowl", "curry"]),
        quantity=[3, 3, 3, 1, 1, 1],  # bowl and drink now tie for customer 1
    )
    first = order_summary(as_categories).loc[1]
    assert first["favourite_category"] == "bowl"
    assert first["channels"] == "app"
    both_channels = as_categories.assign(
        channel=pd.Categorical(["web", "app", "app", "web", "app", "web"], categories=["web", "app"])
    )
    assert order_summary(both_channels).loc[1, "channels"] == "app, web"


def test_order_summary_uses_the_column_names_it_is_given(lines):
    renamed = lines.rename(columns={"customer_id": "client", "unit_price": "price", "status": "state"})
    summary = order_summary(renamed, customer="client", unit_price="price", status="state")
    expected = order_summary(lines)
    assert list(summary["net_revenue"]) == list(expected["net_revenue"])
    assert summary.index.name == "client"


def test_order_summary_rejects_unknown_statuses_and_text_prices(lines):
    with pytest.raises(ValueError, match=r"'status'.*'returned'"):
        order_summary(lines.assign(status=["returned"] * len(lines)))
    with pytest.raises(TypeError, match=r"'unit_price'.*numeric"):
        order_summary(lines.assign(unit_price=lines["unit_price"].astype(str)))
    with pytest.raises(ValueError, match=r"no column 'customer_id'"):
        order_summary(lines.drop(columns="customer_id"))


# --------------------------------------------------------- other summaries


def test_behaviour_summary_counts_sessions_and_events(events):
    summary = behaviour_summary(events)
    assert list(summary.index) == [1, 3]  # the anonymous visit is left out
    assert summary.loc[1, "n_sessions"] == 2
    assert summary.loc[1, "n_events"] == 3
    assert summary.loc[1, "n_add_to_cart"] == 2
    assert summary.loc[1, "n_pay"] == 0
    assert summary.loc[3, "n_view_menu"] == 1
    assert summary.loc[1, "last_seen_at"] == pd.Timestamp("2024-01-20 18:00")


def test_ticket_summary_counts_tickets_and_their_top_category(tickets):
    summary = ticket_summary(tickets)
    assert summary.loc[2, "n_tickets"] == 3
    assert summary.loc[2, "top_ticket_category"] == "refund"
    assert summary.loc[2, "last_ticket_at"] == pd.Timestamp("2024-01-20")


def test_survey_latest_keeps_the_newest_answer(survey):
    latest = survey_latest(survey)
    assert latest.loc[1, "response_id"] == 100  # answered 2024-02-10, after response 101
    assert latest.loc[1, "n_survey_responses"] == 2
    assert latest.loc[3, "n_survey_responses"] == 1
    assert len(latest) == 3


def test_survey_latest_and_the_report_refuse_to_mix_two_surveys(customers, survey):
    mixed = survey.assign(survey=["relationship", "post_purchase", "relationship", "relationship"])
    with pytest.raises(ValueError, match=r"mixes 2 surveys.*survey\[survey\['survey'\] == 'relationship'\]"):
        survey_latest(mixed)
    with pytest.raises(ValueError, match=r"mixes 2 surveys"):
        data_quality_report(customers, survey=mixed, questions=["nps"])
    one = survey_latest(mixed.loc[mixed["survey"] == "relationship"])
    assert one.loc[1, "response_id"] == 100


# ----------------------------------------------------------------- customer_view


def test_customer_view_has_one_row_per_customer_with_filled_counts(customers, lines, survey, events, tickets):
    view = customer_view(customers, orders=lines, survey=survey, events=events, tickets=tickets)

    assert list(view["customer_id"]) == [1, 2, 3]
    assert list(view["diet"]) == ["vegan", "vegetarian", "vegan"]
    assert list(view["net_revenue"]) == pytest.approx([26.0, 0.0, 0.0])
    assert list(view["n_orders"]) == [1, 0, 0]
    assert list(view["n_tickets"]) == [0, 3, 0]
    assert list(view["n_sessions"]) == [2, 0, 1]
    assert list(view["answered_survey"]) == [True, False, True]
    assert view.loc[0, "nps"] == 9  # the latest answer of customer 1
    assert pd.isna(view.loc[1, "nps"])  # no answer stays missing, not 0
    assert view["n_orders"].dtype == "int64"


def test_customer_view_does_not_modify_its_inputs(customers, lines, survey, events, tickets):
    originals = [frame.copy() for frame in (customers, lines, survey, events, tickets)]
    customer_view(customers, orders=lines, survey=survey, events=events, tickets=tickets)
    data_quality_report(
        customers, orders=lines, survey=survey, events=events, tickets=tickets, questions=["q_health", "nps"]
    )
    for original, after in zip(originals, (customers, lines, survey, events, tickets), strict=True):
        pd.testing.assert_frame_equal(original, after)


def test_customer_view_rejects_a_missing_id_column(customers, survey):
    with pytest.raises(ValueError, match=r"`survey` has no column 'customer_id'"):
        customer_view(customers, survey=survey.rename(columns={"customer_id": "client"}))


def test_customer_view_rejects_ids_of_different_types_and_says_how_to_convert(customers, survey):
    text_ids = survey.assign(customer_id=survey["customer_id"].astype(str))
    with pytest.raises(TypeError, match=r"numbers in `customers`.*text in `survey`.*pd\.to_numeric"):
        customer_view(customers, survey=text_ids)


def test_customer_view_rejects_mixed_ids_and_repeated_customers(customers, survey):
    mixed = survey.assign(customer_id=pd.Series([1, "1", 3, 9], dtype=object))
    with pytest.raises(TypeError, match=r"mixes kinds of values"):
        customer_view(customers, survey=mixed)
    repeated = pd.concat([customers, customers.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"one row per id.*repeats 1 id.*drop_duplicates"):
        customer_view(repeated)


def test_customer_view_refuses_to_overwrite_a_column(customers, tickets):
    with pytest.raises(ValueError, match=r"n_tickets"):
        customer_view(customers.assign(n_tickets=5), tickets=tickets)


# ----------------------------------------------------------- data_quality_report


def test_data_quality_report_counts_each_problem(customers, lines, survey, events, tickets):
    report = data_quality_report(
        customers, orders=lines, survey=survey, events=events, tickets=tickets, questions=["q_health", "nps"]
    ).set_index("check")
    from_index = data_quality_report(
        customers.set_index("customer_id"),
        orders=lines,
        survey=survey,
        events=events,
        tickets=tickets,
        questions=["q_health", "nps"],
    ).set_index("check")
    pd.testing.assert_frame_equal(from_index, report)

    def row(check: str) -> tuple[int, int]:
        return report.loc[check, "count"], report.loc[check, "out_of"]

    assert row("customers without an id") == (0, 3)
    assert row("duplicate customer ids") == (0, 3)
    assert row("duplicate order lines") == (1, 6)
    assert row("guest order lines (no customer id)") == (1, 6)
    assert row("order lines from unknown customers") == (0, 6)
    assert row("survey responses from unknown customers") == (1, 4)
    assert row("survey answered before signup") == (1, 4)  # customer 3: 2024-02-01 < 2024-03-01
    assert row("customers who answered more than once") == (1, 3)  # of respondents 1, 3, 9
    assert row("survey coverage (customers who answered)") == (2, 3)
    assert row("missing answer: q_health") == (1, 4)
    assert row("missing answer: nps") == (0, 4)
    assert row("anonymous events (no customer id)") == (1, 5)
    assert row("tickets from unknown customers") == (1, 4)
    assert report["share"].to_numpy() == pytest.approx((report["count"] / report["out_of"]).to_numpy())
    assert report["what_it_means"].str.len().min() > 40


def test_data_quality_report_rejects_ids_of_different_types(customers, tickets):
    with pytest.raises(TypeError, match=r"text in `tickets`"):
        data_quality_report(customers, tickets=tickets.assign(customer_id=["2", "2", "2", "7"]))


# --------------------------------------------------------------------------- NPS

SCORES = [10, 10, 9, 8, 7, 6, 2, 9]


def test_nps_matches_a_hand_computation():
    # By hand: promoters (9-10) are 10, 10, 9, 9 -> 4; passives (7-8) are 8, 7 -> 2;
    # detractors (0-6) are 6, 2 -> 2; n = 8.
    # NPS = 100 * (4 - 2) / 8 = 25.
    # p = 4/8 = 0.5, d = 2/8 = 0.25; variance = (0.5 + 0.25 - 0.25**2) / 8 = 0.6875 / 8.
    # 95% interval = 25 +- 1.959964 * 100 * sqrt(0.6875 / 8) = 25 +- 57.457.
    result = nps(SCORES)
    assert (result["n"], result["promoters"], result["passives"], result["detractors"]) == (8, 4, 2, 2)
    assert result["pct_promoters"] == pytest.approx(50.0)
    assert result["pct_detractors"] == pytest.approx(25.0)
    assert result["nps"] == pytest.approx(25.0)
    half_width = 1.959964 * 100 * math.sqrt(0.6875 / 8)
    assert result["ci_low"] == pytest.approx(25 - half_width, abs=1e-4)
    assert result["ci_high"] == pytest.approx(25 + half_width, abs=1e-4)
    assert bool(result["small_sample"]) is True


def test_nps_interval_agrees_with_the_mean_of_plus_one_zero_minus_one():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 11, size=200)
    as_points = np.select([scores >= 9, scores <= 6], [1, -1], default=0)
    standard_error = as_points.std(ddof=0) / math.sqrt(len(as_points))
    result = nps(pd.Series(scores))
    assert result["nps"] == pytest.approx(100 * as_points.mean())
    assert result["ci_high"] - result["nps"] == pytest.approx(100 * 1.959964 * standard_error, rel=1e-5)
    assert bool(result["small_sample"]) is False


def test_nps_leaves_out_missing_answers_and_clips_the_interval():
    result = nps(pd.Series([10, 10, 10, 0, None], dtype="Float64"), min_n=3)
    # 3 promoters, 1 detractor of 4: NPS 50; upper bound 50 + 84.9 clipped to 100.
    assert result["n"] == 4
    assert result["nps"] == pytest.approx(50.0)
    assert result["ci_high"] == 100.0
    assert bool(result["small_sample"]) is False


@pytest.mark.parametrize(
    ("scores", "error", "message"),
    [
        ([3, 11], ValueError, r"between 0 and 10.*11"),
        ([-1, 5], ValueError, r"between 0 and 10.*-1"),
        ([7.5, 9], ValueError, r"whole numbers.*7\.5"),
        (["9", "10"], TypeError, r"must be numeric"),
        (pd.DataFrame({"nps": [9]}), TypeError, r"one column"),
        ([None, None], ValueError, r"no answers"),
    ],
)
def test_nps_rejects_scores_it_cannot_use(scores, error, message):
    with pytest.raises(error, match=message):
        nps(scores)


def test_nps_rejects_bad_parameters():
    with pytest.raises(ValueError, match=r"'confidence'.*1\.5"):
        nps(SCORES, confidence=1.5)
    with pytest.raises(ValueError, match=r"'min_n'"):
        nps(SCORES, min_n=0)


def test_nps_by_agrees_with_nps_on_each_group():
    answers = pd.DataFrame(
        {
            "diet": ["vegan"] * 4 + ["vegetarian"] * 4 + [None],
            "channel": ["app", "app", "web", "web", "app", "app", "app", "web", "web"],
            "nps": pd.array([10, 9, 3, 8, 6, 6, 10, None, 9], dtype="Int64"),  # the course data's dtype
        }
    )
    table = nps_by(answers, "diet", min_n=4).set_index("diet")
    assert table["nps"].dtype == "float64"
    assert table["n"].dtype == table["passives"].dtype == "int64"
    assert table["small_sample"].dtype == bool
    # vegan: 2 promoters, 1 detractor of 4 -> 25; vegetarian: 1 promoter, 2 detractors of 3 -> -33.3.
    assert table.loc["vegan", "nps"] == pytest.approx(25.0)
    assert table.loc["vegetarian", "nps"] == pytest.approx(-100 / 3)
    assert table.loc["vegetarian", "n"] == 3
    assert list(table["small_sample"]) == [False, True]
    assert table.loc["vegan", "ci_low"] == pytest.approx(nps([10, 9, 3, 8])["ci_low"])

    # The vegetarian web group has only a missing answer, so it does not appear.
    by_two = nps_by(answers, ["diet", "channel"], min_n=1)
    assert list(zip(by_two["diet"], by_two["channel"], by_two["n"], strict=True)) == [
        ("vegan", "app", 2),
        ("vegan", "web", 2),
        ("vegetarian", "app", 3),
    ]


def test_nps_by_rejects_a_missing_column_and_bad_scores():
    answers = pd.DataFrame({"diet": ["vegan"], "nps": [12]})
    with pytest.raises(ValueError, match=r"no column 'segment'"):
        nps_by(answers, "segment")
    with pytest.raises(ValueError, match=r"between 0 and 10.*12"):
        nps_by(answers, "diet")


def test_customer_view_keeps_the_id_where_the_customer_table_has_it(customers, lines, survey, events, tickets):
    sources = {"orders": lines, "survey": survey, "events": events, "tickets": tickets}
    from_column = customer_view(customers, **sources)
    from_index = customer_view(customers.set_index("customer_id"), **sources)
    assert from_index.index.name == "customer_id"
    assert "customer_id" not in from_index.columns
    pd.testing.assert_frame_equal(from_index, from_column.set_index("customer_id"))
    with pytest.raises(ValueError, match=r"`customers` must have one row per id: the index 'customer_id' repeats"):
        customer_view(customers.set_index("customer_id").iloc[[0, 0, 1]])
