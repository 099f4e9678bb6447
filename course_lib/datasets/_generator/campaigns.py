"""Simulate the marketing campaigns, each with a randomised hold-out group.

A campaign selects an audience from the orders placed before it was sent,
draws a random share of it into a hold-out group that receives nothing, and
contacts the rest. Contacted customers place an extra order within two weeks
with the campaign's ``extra_order_probability`` (``world.CAMPAIGN_PLANS``).
One campaign also does harm: contacted regulars may skip the orders they
would have placed in those two weeks. Everybody else orders as they would
have anyway. Whether someone ordered within 14 days is then read from the
final orders, so comparing the contacted group with the hold-out estimates
the campaign's effect, and only that comparison does: the January code is
also on the website, and lapsed customers come back on their own too.

Examples
--------
>>> [plan["name"] for plan in CAMPAIGN_PLANS]
['veganuary-2025', 'app-push-new-menu-2025', 'winback-autumn-2025']
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from course_lib.datasets._generator.generate import _occasion_of_day, _rng, _times_of_day
from course_lib.datasets._generator.world import CAMPAIGN_PLANS, START

__all__ = ["CAMPAIGN_PLANS", "CampaignDraws", "campaign_outcomes", "plan_campaigns", "without_orders"]

#: Days after sending during which an order counts as a response.
RESPONSE_WINDOW_DAYS = 14
#: Share of contacted customers who open the message, by channel; of those, the share who click.
OPEN_SHARE = {"email": 0.45, "sms": 0.6, "app_push": 0.25}
CLICK_SHARE = 0.25


def _audience(plan: dict, customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """The customers selected for one campaign, from what was known when it was sent."""
    sent_at = pd.Timestamp(plan["sent_at"])
    before = orders.loc[
        (orders["ordered_at"] < sent_at) & (orders["status"] != "cancelled") & orders["type"].isin(["A", "B", "C", "D"])
    ]
    history = before.groupby("customer_id").agg(n_orders=("ordered_at", "size"), last_order=("ordered_at", "max"))
    people = customers.set_index("customer_id").join(history, how="inner")
    days_since = (sent_at - people["last_order"]).dt.days
    if plan["name"].startswith("veganuary"):
        chosen = people["consent_email"] & (days_since <= 180)
    elif plan["name"].startswith("app-push"):
        chosen = people["consent_personalisation"] & (people["preferred_channel"] == "app") & (days_since <= 60)
    else:
        chosen = people["consent_email"] & (people["n_orders"] >= 2) & days_since.between(60, 240)
    return people.loc[chosen].reset_index()[["customer_id", "type", "zone", "work_zone", "preferred_channel"]]


class CampaignDraws(NamedTuple):
    """What :func:`plan_campaigns` draws: see its Returns section."""

    audience: pd.DataFrame
    extra_orders: pd.DataFrame
    own_stream_orders: pd.DataFrame
    skipped_orders: pd.Index


def plan_campaigns(customers: pd.DataFrame, orders: pd.DataFrame, *, seed: int) -> CampaignDraws:
    """Select each campaign's audience, draw its hold-out group, and the orders it caused or lost.

    Parameters
    ----------
    customers : DataFrame
        The output of :func:`~course_lib.datasets._generator.generate.simulate_customers`.
    orders : DataFrame
        The output of :func:`~course_lib.datasets._generator.generate.simulate_orders`.
    seed : int
        Random seed.

    Returns
    -------
    audience : DataFrame
        ``campaign_id``, ``customer_id``, ``holdout``, ``opened``, ``clicked``
        (the last two missing for the hold-out group), and ``regular``
        (enough recent orders for the campaign's harm; truth only, not in the CRM).
    extra_orders : DataFrame
        The orders the campaigns caused, in the shape of `orders`.
    own_stream_orders : DataFrame
        The orders a harmful campaign caused (among the customers it did not
        harm). They come from the campaign's own random stream, and their
        lines should too, so that planting them moved no other order.
    skipped_orders : Index
        Labels of `orders` that contacted regulars did not place because of a
        harmful campaign.

    Notes
    -----
    Hold-out membership is a coin flip per selected customer with the
    campaign's ``holdout_share``, independent of everything else: that is
    what makes the comparison fair. The harm is drawn from its own random
    stream, so adding it left every other draw as it was.

    Examples
    --------
    >>> from course_lib.datasets._generator.generate import simulate_customers, simulate_orders
    >>> customers = simulate_customers(400, seed=1)
    >>> draws = plan_campaigns(customers, simulate_orders(customers, seed=1), seed=1)
    >>> sorted(draws.audience["campaign_id"].unique().tolist())
    [1, 2, 3]
    """
    rng, harm_rng = _rng(seed, "campaigns"), _rng(seed, "campaign harm")
    audiences, extras, own_stream, skipped = [], [], [], []
    for plan in CAMPAIGN_PLANS:
        people = _audience(plan, customers, orders)
        size = len(people)
        # Who counts as a regular is read from every order placed, earlier campaigns' included.
        regular = _regulars(plan, people, [orders, *extras, *own_stream])
        holdout = rng.random(size) < plan["holdout_share"]
        # A campaign that harms regulars brings them no extra order either: its news is not news to them.
        responds = ~holdout & ~regular & (rng.random(size) < plan["extra_order_probability"])
        opened = ~holdout & ((rng.random(size) < OPEN_SHARE[plan["channel"]]) | (responds & (rng.random(size) < 0.9)))
        clicked = opened & ((rng.random(size) < CLICK_SHARE) | (responds & (rng.random(size) < 0.8)))
        audiences.append(
            pd.DataFrame(
                {
                    "campaign_id": plan["campaign_id"],
                    "customer_id": people["customer_id"].to_numpy(),
                    "holdout": holdout,
                    "opened": pd.array(np.where(holdout, pd.NA, opened), dtype="boolean"),
                    "clicked": pd.array(np.where(holdout, pd.NA, clicked), dtype="boolean"),
                    "regular": regular,
                }
            )
        )
        if "harm" in plan:
            muted = ~holdout & regular & (harm_rng.random(size) < plan["harm"]["skip_probability"])
            skipped.append(_orders_in_window(plan, orders, people.loc[muted, "customer_id"]))
            # A harmful campaign draws its orders from its own stream, so every other draw stays as it was.
            own_stream.append(_campaign_orders(plan, people.loc[responds], harm_rng))
        else:
            extras.append(_campaign_orders(plan, people.loc[responds], rng))
    return CampaignDraws(
        audience=pd.concat(audiences, ignore_index=True),
        extra_orders=pd.concat(extras, ignore_index=True),
        own_stream_orders=pd.concat(own_stream, ignore_index=True) if own_stream else extras[0].iloc[:0],
        skipped_orders=skipped[0].append(skipped[1:]) if skipped else orders.index[:0],
    )


def _regulars(plan: dict, people: pd.DataFrame, placed_orders: list[pd.DataFrame]) -> np.ndarray:
    """Whether each selected customer is a regular by the campaign's harm rule (none without harm)."""
    if "harm" not in plan:
        return np.zeros(len(people), dtype=bool)
    placed = pd.concat(placed_orders, ignore_index=True)
    sent_at, harm = pd.Timestamp(plan["sent_at"]), plan["harm"]
    since = sent_at - pd.Timedelta(days=harm["regular_window_days"])
    recent = placed.loc[placed["ordered_at"].between(since, sent_at, "left") & (placed["status"] != "cancelled")]
    counts = people["customer_id"].map(recent["customer_id"].value_counts()).fillna(0)
    return (counts >= harm["regular_min_orders"]).to_numpy()


def _orders_in_window(plan: dict, orders: pd.DataFrame, customer_ids: pd.Series) -> pd.Index:
    """Labels of the customers' orders placed in the response window after sending."""
    sent_at = pd.Timestamp(plan["sent_at"])
    delay = orders["ordered_at"] - sent_at
    in_window = (delay > pd.Timedelta(0)) & (delay <= pd.Timedelta(days=RESPONSE_WINDOW_DAYS))
    return orders.index[in_window & orders["customer_id"].isin(customer_ids)]


def _campaign_orders(plan: dict, responders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One order per responder within the response window, with the campaign's code."""
    size = len(responders)
    sent_at = pd.Timestamp(plan["sent_at"])
    first_day = (sent_at.normalize() - START).days + 1
    day = first_day + rng.integers(0, RESPONSE_WINDOW_DAYS - 1, size)
    codes = responders["type"].to_numpy()
    occasion = _occasion_of_day(rng, day, codes)
    minutes = _times_of_day(rng, occasion)
    at_work = (codes == "A") & (occasion == "weekday_lunch")
    return pd.DataFrame(
        {
            "customer_id": responders["customer_id"].to_numpy(),
            "type": codes,
            "occasion": occasion,
            "first_order": False,
            "ordered_at": pd.to_datetime(np.datetime64(START, "m") + (day * 1440 + minutes).astype("timedelta64[m]")),
            "channel": responders["preferred_channel"].to_numpy(),
            "zone": np.where(at_work, responders["work_zone"].to_numpy(), responders["zone"].astype(str).to_numpy()),
            "promo_code": plan["promo_code"],
            "status": "delivered",
        }
    )


def campaign_outcomes(audience: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Add ``ordered_within_14_days``: an order (not cancelled) in the 14 days after sending.

    Examples
    --------
    >>> audience = pd.DataFrame({"campaign_id": [1, 1], "customer_id": [7, 8], "holdout": [False, True]})
    >>> lines = pd.DataFrame({
    ...     "customer_id": pd.array([7, 8], dtype="Int64"),
    ...     "ordered_at": pd.to_datetime(["2025-01-05 12:00", "2025-02-01 12:00"], format="%Y-%m-%d %H:%M"),
    ...     "status": ["delivered", "delivered"],
    ... })
    >>> campaign_outcomes(audience, lines)["ordered_within_14_days"].tolist()
    [True, False]
    """
    sent = pd.DataFrame(
        {
            "campaign_id": [plan["campaign_id"] for plan in CAMPAIGN_PLANS],
            "sent_at": [pd.Timestamp(plan["sent_at"]) for plan in CAMPAIGN_PLANS],
        }
    )
    placed = lines.loc[(lines["status"] != "cancelled") & lines["customer_id"].notna(), ["customer_id", "ordered_at"]]
    pairs = (
        audience[["campaign_id", "customer_id"]]
        .merge(sent, on="campaign_id")
        .merge(placed.astype({"customer_id": "int64"}), on="customer_id")
    )
    delay = pairs["ordered_at"] - pairs["sent_at"]
    in_window = (delay > pd.Timedelta(0)) & (delay <= pd.Timedelta(days=RESPONSE_WINDOW_DAYS))
    responded = pairs.loc[in_window, ["campaign_id", "customer_id"]].drop_duplicates().assign(_ordered=1)
    merged = audience.merge(responded, on=["campaign_id", "customer_id"], how="left")
    return merged.assign(ordered_within_14_days=merged["_ordered"].notna()).drop(columns="_ordered")


def without_orders(lines: pd.DataFrame, skipped: pd.DataFrame) -> pd.DataFrame:
    """Remove the lines of orders that were never placed, matched by customer and time.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "order_id": [1, 1, 2],
    ...     "customer_id": pd.array([7, 7, 8], dtype="Int64"),
    ...     "ordered_at": pd.to_datetime(["2025-05-13 12:00"] * 3, format="%Y-%m-%d %H:%M"),
    ... })
    >>> skipped = pd.DataFrame({"customer_id": [7], "ordered_at": pd.to_datetime(["2025-05-13 12:00"])})
    >>> without_orders(lines, skipped)["order_id"].tolist()
    [2]
    """
    keys = skipped[["customer_id", "ordered_at"]].astype({"customer_id": "Int64"}).drop_duplicates()
    marked = lines.merge(keys.assign(_skipped=True), on=["customer_id", "ordered_at"], how="left")
    kept = marked["_skipped"].isna().to_numpy()
    return lines.loc[kept].reset_index(drop=True)
