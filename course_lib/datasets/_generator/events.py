"""Simulate the web, app and phone event log of December 2025, consistent with the orders.

Every order placed in the log's window becomes a converting session that ends
in ``pay`` at the order's time (and ``order_delivered`` unless it was
cancelled). Around them, sessions that did not convert are added per channel
so that each funnel step keeps the share of sessions written in
``world.FUNNEL_CONTINUATION``: if a channel converts a share P of its sessions
and C orders came through it, it had C / P sessions, and the C / P - C others
stop at each step in proportion to (reach the step) × (leave there).

Three pain points are planted (``world.PAIN_POINTS``): card payments fail
often on app version 4.2.0, many visitors come from Northfield where nobody
delivers, and the website loses many people between checkout and payment.

Examples
--------
>>> _stop_shares((0.5, 0.5)).round(3).tolist()
[0.667, 0.333]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from course_lib.datasets._generator.generate import _draw, _rng
from course_lib.datasets._generator.world import (
    COVERED_ZONES,
    END,
    EVENTS_START,
    FUNNEL_CONTINUATION,
    PAIN_POINTS,
    UNCOVERED_ZONE,
)
from course_lib.datasets.schema import DATETIME_DTYPE, TABLES

__all__ = ["EventLog", "simulate_events"]

#: Funnel steps whose continuation shares ``FUNNEL_CONTINUATION`` gives (the last step, pay, is the goal).
FUNNEL_STEPS = ("visit", "view_menu", "view_dish", "add_to_cart", "start_checkout", "pay")
#: Card payment failures per attempt.
FAILURE_RATE = {"web": 0.04, "app": PAIN_POINTS["payment_failure"]["failure_rate_elsewhere"], "phone": 0.02}
BUGGY_VERSION = PAIN_POINTS["payment_failure"]["app_version"]
BUGGY_FAILURE_RATE = PAIN_POINTS["payment_failure"]["failure_rate_on_version"]
#: After a failed payment, the share who try again (the others give up).
RETRY_SHARE = 0.55
#: Devices of web and app sessions, and how common each is.
WEB_DEVICES = {"desktop": 0.5, "mobile": 0.42, "tablet": 0.08}
APP_DEVICES = {"ios": 0.45, "android": 0.55}
#: App releases: (version, release day); users update after an exponential delay.
RELEASES = (("4.2.0", pd.Timestamp("2025-11-24 08:00")), ("4.2.1", pd.Timestamp("2025-12-15 08:00")))
MEAN_UPDATE_DELAY_DAYS = 5.0
#: Non-converting sessions by known customers (the rest: anonymous visitors).
KNOWN_VISITOR_SHARE = 0.55
#: Visits from the uncovered zone, per converting session, and where they stop
#: (visit, view_menu, view_dish, add_to_cart, turned away at checkout).
UNCOVERED_VISITS_PER_ORDER = 0.35
UNCOVERED_STOPS = (0.10, 0.10, 0.12, 0.10, 0.58)
#: Chance of a contact_support event after a failed payment, after being turned away, after a cancellation.
SUPPORT_SHARE = {"payment": 0.15, "delivery_area": 0.05, "late_delivery": 0.30}
#: Chance that a delivered order is rated, per channel.
RATING_SHARE = {"web": 0.12, "app": 0.30, "phone": 0.0}
#: Web visitors who browse logged out and log in at checkout.
LOGIN_AT_CHECKOUT_SHARE = 0.45
#: Step order inside a session: journey steps first, side events where they happen.
STEP = {
    "visit": 0,
    "view_menu": 1,
    "view_dish": 2,
    "add_to_cart": 3,
    "start_checkout": 100,
    "address_outside_zone": 101,
    "payment_failed": 102,
    "contact_support": 150,
    "pay": 200,
    "order_delivered": 300,
    "rate_order": 400,
}
#: Mean seconds before each event (since the previous one).
MEAN_GAP_SECONDS = {
    "visit": 0,
    "view_menu": 25,
    "view_dish": 35,
    "add_to_cart": 20,
    "start_checkout": 40,
    "address_outside_zone": 15,
    "payment_failed": 45,
    "contact_support": 90,
    "pay": 45,
    "order_delivered": 40 * 60,
    "rate_order": 50 * 60,
}


@dataclass(frozen=True)
class EventLog:
    """The event log and what other tables need from it.

    Attributes
    ----------
    events : DataFrame
        The log, in the schema of ``events.csv``.
    payment_trouble : set of int
        Orders whose payment failed at least once before going through.
    support_contacts : DataFrame
        One row per ``contact_support`` event: ``customer_id``, ``order_id``,
        ``timestamp``, ``reason`` ("payment", "delivery_area" or "late_delivery").
    uncovered_visitors : DataFrame
        ``anonymous_id`` and first ``timestamp`` of each visitor from the uncovered zone.
    """

    events: pd.DataFrame
    payment_trouble: set[int]
    support_contacts: pd.DataFrame
    uncovered_visitors: pd.DataFrame


def _stop_shares(continuation: tuple[float, ...]) -> np.ndarray:
    """Share of non-converting sessions that stop at each step (the last step is the goal).

    A session reaches step k with probability Π_{j<k} p_j and leaves there
    with probability 1 - p_k; dividing by 1 - Π p (not converting) gives the
    shares among the sessions that do not convert.
    """
    p = np.asarray(continuation, dtype=float)
    reach = np.concatenate([[1.0], np.cumprod(p)[:-1]])
    return reach * (1 - p) / (1 - np.prod(p))


def _payment_success(failure_rate: float) -> float:
    """Chance that a payment attempt ends in ``pay``: (1 - q) / (1 - q × retry share)."""
    return (1 - failure_rate) / (1 - failure_rate * RETRY_SHARE)


def _devices(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Each customer's browser and phone: device kind, cookie id, app update times."""
    n = len(customers)
    hexes = rng.integers(0, 2**48, size=(n, 3))
    frame = pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy(),
            "web_device": _draw(rng, WEB_DEVICES, n),
            "app_device": _draw(rng, APP_DEVICES, n),
            "web_id": [f"{value:012x}" for value in hexes[:, 0]],
            "app_id": [f"{value:012x}" for value in hexes[:, 1]],
            "phone_id": [f"tel-{value:08x}" for value in hexes[:, 2] % 2**32],
        }
    )
    return frame.assign(**_update_times(rng, n))


def _update_times(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """When each app installs each release: the release day plus an exponential delay."""
    times = {}
    for version, released in RELEASES:
        delay = (rng.exponential(MEAN_UPDATE_DELAY_DAYS, n) * 86_400).astype("timedelta64[s]")
        times[f"has_{version}"] = np.datetime64(released) + delay
    return times


def _app_version(at: np.ndarray, has_420: np.ndarray, has_421: np.ndarray) -> np.ndarray:
    """The version an app ran at `at`, given when it installed 4.2.0 and 4.2.1."""
    return np.select([at >= has_421, at >= has_420], ["4.2.1", "4.2.0"], "4.1.3")


def _window_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per order in the window: first line's fields, the number of lines, delivered or not."""
    window = orders.loc[orders["ordered_at"] >= EVENTS_START].drop_duplicates(["order_id", "line_number"])
    window = window.assign(_not_cancelled=window["status"].ne("cancelled"))
    per_order = window.groupby("order_id", observed=True).agg(
        customer_id=("customer_id", "first"),
        ordered_at=("ordered_at", "first"),
        channel=("channel", "first"),
        zone=("zone", "first"),
        n_lines=("line_number", "size"),
        delivered=("_not_cancelled", "any"),
    )
    return per_order.reset_index()


def _converting_sessions(window: pd.DataFrame, devices: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One session per order of the window, ending in pay at the order's minute."""
    n = len(window)
    by_id = devices.set_index("customer_id")
    known = window["customer_id"].notna().to_numpy() & window["customer_id"].isin(by_id.index).to_numpy()
    ids = window.loc[known, "customer_id"].to_numpy(dtype=np.int64)
    channel = window["channel"].astype(str).to_numpy()
    anonymous = np.array([f"{value:012x}" for value in rng.integers(0, 2**48, size=n)], dtype=object)
    device = _draw(rng, WEB_DEVICES, n)
    for kind, id_column, device_column in (
        ("web", "web_id", "web_device"),
        ("app", "app_id", "app_device"),
        ("phone", "phone_id", None),
    ):
        rows = known & (channel == kind)
        lookup = by_id.loc[window.loc[rows, "customer_id"].to_numpy(dtype=np.int64)]
        anonymous[rows] = lookup[id_column].to_numpy()
        device[rows] = lookup[device_column].to_numpy() if device_column else "phone"
    device[channel == "phone"] = "phone"
    device[(channel == "app") & ~known] = "android"
    pay_at = window["ordered_at"].to_numpy() + rng.integers(0, 60, n).astype("timedelta64[s]")
    has_420 = np.full(n, np.datetime64(RELEASES[0][1]))
    has_421 = np.full(n, np.datetime64(RELEASES[1][1]))
    has_420[known] = by_id.loc[ids, "has_4.2.0"].to_numpy()
    has_421[known] = by_id.loc[ids, "has_4.2.1"].to_numpy()
    version = np.where(channel == "app", _app_version(pay_at, has_420, has_421), None)
    failure = np.where(version == BUGGY_VERSION, BUGGY_FAILURE_RATE, pd.Series(channel).map(FAILURE_RATE).to_numpy())
    # Conditioned on success, failures before it follow a geometric law with ratio q × retry share.
    failures = rng.geometric(1 - failure * RETRY_SHARE) - 1
    n_lines = window["n_lines"].to_numpy()
    return pd.DataFrame(
        {
            "customer_id": window["customer_id"].to_numpy(),
            "order_id": window["order_id"].to_numpy(),
            "anonymous_id": anonymous,
            "channel": channel,
            "device": device,
            "app_version": version,
            "zone": window["zone"].astype(str).to_numpy(),
            "anchor": pay_at,
            "stop": "pay",
            "n_dish_views": n_lines + rng.poisson(0.5, n),
            "n_cart": n_lines,
            "n_failures": np.minimum(failures, 4),
            "delivered": window["delivered"].to_numpy(),
        }
    )


def _session_times(rng: np.random.Generator, size: int) -> np.ndarray:
    """Start times of browsing sessions: any day of the window, around lunch or in the evening."""
    days = rng.integers(0, (END - EVENTS_START).days + 1, size)
    hours = np.where(rng.random(size) < 0.35, rng.normal(12.3, 0.9, size), rng.normal(20.0, 1.6, size))
    seconds = (np.clip(hours, 7.0, 23.9) * 3600).astype(np.int64)
    return np.datetime64(EVENTS_START, "s") + (days * 86_400 + seconds).astype("timedelta64[s]")


def _browsing_sessions(
    converting: pd.DataFrame, customers: pd.DataFrame, devices: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Sessions that did not convert, so each channel (and app version) keeps its funnel shares."""
    active = customers.loc[customers["active_until"] >= EVENTS_START - pd.Timedelta(days=60), "customer_id"].to_numpy()
    home_zones = customers.set_index("customer_id")["zone"].astype(str)
    by_id = devices.set_index("customer_id")
    pieces = []
    for channel, continuation in FUNNEL_CONTINUATION.items():
        versions = ("4.1.3", "4.2.0", "4.2.1") if channel == "app" else (None,)
        for version in versions:
            in_cell = (converting["channel"] == channel) & (converting["app_version"].fillna("-") == (version or "-"))
            n_converting = int(in_cell.sum())
            q = BUGGY_FAILURE_RATE if version == BUGGY_VERSION else FAILURE_RATE[channel]
            shares = (*continuation[:-1], continuation[-1] * _payment_success(q))
            n_browsing = round(n_converting / np.prod(shares)) - n_converting
            if n_browsing <= 0:
                continue
            pieces.append(_cell_sessions(channel, version, n_browsing, shares, q, active, home_zones, by_id, rng))
    return pd.concat(pieces, ignore_index=True)


def _cell_sessions(
    channel: str,
    version: str | None,
    size: int,
    shares: tuple[float, ...],
    failure_rate: float,
    active: np.ndarray,
    home_zones: pd.Series,
    by_id: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """`size` non-converting sessions of one channel and app version, with who, when and where they stop.

    `shares` are the funnel's continuation shares (payment success included),
    `active` the customers who may browse, `by_id` their devices.
    """
    known = rng.random(size) < KNOWN_VISITOR_SHARE
    if version is None:
        customer = np.where(known, rng.choice(active, size=size), -1)
        start = _session_times(rng, size)
    else:
        customer, start = _sessions_on_version(rng, known, version, active, by_id)
    lookup = by_id.reindex(customer)
    id_column = {"web": "web_id", "app": "app_id", "phone": "phone_id"}[channel]
    anonymous = np.where(
        known, lookup[id_column].to_numpy(), [f"{value:012x}" for value in rng.integers(0, 2**48, size)]
    )
    if channel == "phone":
        anonymous = np.where(known, anonymous, [f"tel-{value:08x}" for value in rng.integers(0, 2**32, size)])
    device_column = {"web": "web_device", "app": "app_device"}.get(channel)
    fallback = _draw(rng, {"web": WEB_DEVICES, "app": APP_DEVICES}.get(channel, {"phone": 1.0}), size)
    device = np.where(known, lookup[device_column].to_numpy(), fallback) if device_column else np.full(size, "phone")
    zones = dict(zip(COVERED_ZONES["zone"], COVERED_ZONES["home_share"], strict=True))
    zone = np.where(known, home_zones.reindex(customer).to_numpy(), _draw(rng, zones, size))
    stop = np.asarray(FUNNEL_STEPS[:-1], dtype=object)[rng.choice(len(shares), size=size, p=_stop_shares(shares))]
    # Of those who stop at checkout, the ones who tried to pay failed at least once, then gave up.
    tried = (stop == "start_checkout") & (rng.random(size) < _gave_up_share(shares[-1], failure_rate))
    failures = np.where(tried, rng.geometric(1 - failure_rate * RETRY_SHARE, size), 0)
    n_cart = np.where(np.isin(stop, ["add_to_cart", "start_checkout"]), 1 + rng.poisson(0.4, size), 0)
    n_dish_views = np.where(np.isin(stop, ["visit", "view_menu"]), 0, n_cart + rng.poisson(0.6, size) + (n_cart == 0))
    return pd.DataFrame(
        {
            "customer_id": customer,
            "order_id": -1,
            "anonymous_id": anonymous,
            "channel": channel,
            "device": device,
            "app_version": version,
            "zone": zone,
            "anchor": start,
            "stop": stop,
            "n_dish_views": n_dish_views,
            "n_cart": n_cart,
            "n_failures": np.minimum(failures, 4),
            "delivered": False,
        }
    )


def _gave_up_share(pay_share: float, failure_rate: float) -> float:
    """Among sessions stopping at checkout, the share that tried to pay (and gave up after failing).

    With c the chance to try paying and s the chance an attempt succeeds, a
    session stops at checkout with probability 1 - c × s, of which c × (1 - s)
    tried and failed.
    """
    success = _payment_success(failure_rate)
    attempt = pay_share / success
    return attempt * (1 - success) / (1 - attempt * success)


def _sessions_on_version(
    rng: np.random.Generator, known: np.ndarray, version: str, active: np.ndarray, by_id: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Users and start times of app sessions run on `version`.

    A user runs a version from the time they install it until they install
    the next, so each session's user must have run `version` during the
    window, and its time falls in that span. Known users are drawn among the
    active customers whose span fits; anonymous app users get update times
    of their own, redrawn until their span fits.
    """
    size = len(known)
    window = (np.datetime64(EVENTS_START, "s"), np.datetime64(END + pd.Timedelta(hours=23, minutes=59), "s"))
    spans = _version_spans(
        by_id.loc[active, "has_4.2.0"].to_numpy(), by_id.loc[active, "has_4.2.1"].to_numpy(), version, window
    )
    eligible = active[spans[1] > spans[0]]
    if not len(eligible):  # nobody known ran this version: all its sessions are anonymous
        known = np.zeros(size, dtype=bool)
    customer = np.where(known, rng.choice(eligible, size=size) if len(eligible) else -1, -1)
    has_420 = by_id["has_4.2.0"].reindex(customer).to_numpy().astype("datetime64[s]")
    has_421 = by_id["has_4.2.1"].reindex(customer).to_numpy().astype("datetime64[s]")
    pending = ~known
    for _ in range(100):
        if not pending.any():
            break
        fresh = _update_times(rng, int(pending.sum()))
        has_420[pending], has_421[pending] = fresh["has_4.2.0"], fresh["has_4.2.1"]
        low, high = _version_spans(has_420, has_421, version, window)
        pending &= ~(high > low)
    low, high = _version_spans(has_420, has_421, version, window)
    start = _session_times(rng, size)
    outside = (start < low) | (start >= high)
    for _ in range(40):
        if not outside.any():
            break
        start[outside] = _session_times(rng, int(outside.sum()))
        outside = (start < low) | (start >= high)
    # Spans too short to catch a usual browsing hour: any second of the span will do.
    seconds = ((high - low) // np.timedelta64(1, "s")).astype(np.int64)
    start[outside] = low[outside] + (rng.random(int(outside.sum())) * seconds[outside]).astype("timedelta64[s]")
    return customer, start


def _version_spans(
    has_420: np.ndarray, has_421: np.ndarray, version: str, window: tuple[np.datetime64, np.datetime64]
) -> tuple[np.ndarray, np.ndarray]:
    """From when to when (within the window) each app ran `version`."""
    has_420 = np.asarray(has_420, dtype="datetime64[s]")
    has_421 = np.maximum(np.asarray(has_421, dtype="datetime64[s]"), has_420)
    low, high = {"4.1.3": (window[0], has_420), "4.2.0": (has_420, has_421), "4.2.1": (has_421, window[1])}[version]
    low = np.maximum(np.broadcast_to(low, has_420.shape), window[0])
    high = np.minimum(np.broadcast_to(high, has_420.shape), window[1])
    return low, high


def _uncovered_sessions(n_converting: int, rng: np.random.Generator) -> pd.DataFrame:
    """Visitors from the zone without delivery: they browse, fill a cart, and are turned away at checkout."""
    size = round(n_converting * UNCOVERED_VISITS_PER_ORDER)
    visitors = np.array([f"{value:012x}" for value in rng.integers(0, 2**48, size=round(size * 0.7))], dtype=object)
    anonymous = rng.choice(visitors, size=size)
    channel = np.where(rng.random(size) < 0.7, "web", "app")
    start = _session_times(rng, size)
    version = np.where(
        channel == "app",
        _app_version(
            start,
            np.datetime64(RELEASES[0][1]) + np.timedelta64(3, "D"),
            np.datetime64(RELEASES[1][1]) + np.timedelta64(3, "D"),
        ),
        None,
    )
    stop = np.asarray(["visit", "view_menu", "view_dish", "add_to_cart", "address_outside_zone"], dtype=object)[
        rng.choice(5, size=size, p=UNCOVERED_STOPS)
    ]
    n_cart = np.where(np.isin(stop, ["add_to_cart", "address_outside_zone"]), 1 + rng.poisson(0.5, size), 0)
    return pd.DataFrame(
        {
            "customer_id": -1,
            "order_id": -1,
            "anonymous_id": anonymous,
            "channel": channel,
            "device": np.where(channel == "web", _draw(rng, WEB_DEVICES, size), _draw(rng, APP_DEVICES, size)),
            "app_version": version,
            "zone": UNCOVERED_ZONE,
            "anchor": start,
            "stop": stop,
            "n_dish_views": np.where(
                np.isin(stop, ["visit", "view_menu"]), 0, n_cart + rng.poisson(0.6, size) + (n_cart == 0)
            ),
            "n_cart": n_cart,
            "n_failures": 0,
            "delivered": False,
        }
    )


def _expand(sessions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per event: which events each session has, in journey order (position = major, minor)."""
    stop = sessions["stop"].to_numpy()
    reached = {step: np.isin(stop, FUNNEL_STEPS[k:] + ("address_outside_zone",)) for k, step in enumerate(FUNNEL_STEPS)}
    reached["pay"] = stop == "pay"
    support_after_failure = (sessions["n_failures"].to_numpy() > 0) & (
        rng.random(len(sessions)) < SUPPORT_SHARE["payment"]
    )
    turned_away = stop == "address_outside_zone"
    support_turned_away = turned_away & (rng.random(len(sessions)) < SUPPORT_SHARE["delivery_area"])
    support_cancelled = (
        reached["pay"]
        & ~sessions["delivered"].to_numpy()
        & (rng.random(len(sessions)) < SUPPORT_SHARE["late_delivery"])
    )
    rated = sessions["delivered"].to_numpy() & (
        rng.random(len(sessions)) < sessions["channel"].map(RATING_SHARE).to_numpy(dtype=float)
    )

    def rows(mask_or_counts, event, major, minor_step=1, minor_offset=0):
        counts = np.asarray(mask_or_counts).astype(np.int64)
        session = np.repeat(np.arange(len(sessions)), counts)
        within = np.arange(len(session)) - np.repeat(np.cumsum(counts) - counts, counts)
        return pd.DataFrame(
            {"row": session, "event": event, "major": major, "minor": within * minor_step + minor_offset}
        )

    parts = [
        rows(np.ones(len(sessions)), "visit", STEP["visit"]),
        rows(reached["view_menu"], "view_menu", STEP["view_menu"]),
        rows(sessions["n_dish_views"], "view_dish", STEP["view_dish"], minor_step=2),
        rows(sessions["n_cart"], "add_to_cart", STEP["view_dish"], minor_step=2, minor_offset=1),
        rows(reached["start_checkout"], "start_checkout", STEP["start_checkout"]),
        rows(turned_away, "address_outside_zone", STEP["address_outside_zone"]),
        rows(sessions["n_failures"], "payment_failed", STEP["payment_failed"]),
        rows(support_after_failure | support_turned_away, "contact_support", STEP["contact_support"]),
        rows(reached["pay"], "pay", STEP["pay"]),
        rows(sessions["delivered"], "order_delivered", STEP["order_delivered"]),
        rows(support_cancelled, "contact_support", STEP["order_delivered"]),
        rows(rated, "rate_order", STEP["rate_order"]),
    ]
    events = (
        pd.concat(parts, ignore_index=True).sort_values(["row", "major", "minor"], kind="stable").reset_index(drop=True)
    )
    mean_gap = events["event"].map(MEAN_GAP_SECONDS).to_numpy(dtype=float)
    gap = np.where(mean_gap > 0, 2 + rng.exponential(np.maximum(mean_gap, 1.0)), 0.0).astype(np.int64)
    events["offset"] = pd.Series(gap).groupby(events["row"].to_numpy()).cumsum().to_numpy()
    reason = np.select([support_after_failure, support_turned_away], ["payment", "delivery_area"], "late_delivery")
    events["reason"] = np.where(events["event"] == "contact_support", reason[events["row"]], None)
    return events


def simulate_events(customers: pd.DataFrame, orders: pd.DataFrame, *, seed: int) -> EventLog:
    """Simulate the event log of the window, consistent with the orders placed in it.

    Parameters
    ----------
    customers : DataFrame
        The output of :func:`~course_lib.datasets._generator.generate.simulate_customers`.
    orders : DataFrame
        Order lines (the output of
        :func:`~course_lib.datasets._generator.generate.expand_order_lines`).
    seed : int
        Random seed.

    Returns
    -------
    EventLog
        The log (sorted by time) and what the survey and the CRM need from it.

    Examples
    --------
    >>> from course_lib.datasets._generator.generate import expand_order_lines, simulate_customers, simulate_orders
    >>> customers = simulate_customers(300, seed=1)
    >>> lines = expand_order_lines(simulate_orders(customers, seed=1), seed=1)
    >>> log = simulate_events(customers, lines, seed=1)
    >>> paid = log.events.loc[log.events["event"] == "pay"]
    >>> len(paid) == lines.loc[lines["ordered_at"] >= EVENTS_START, "order_id"].nunique()
    True
    """
    rng = _rng(seed, "events")
    devices = _devices(customers, rng)
    converting = _converting_sessions(_window_orders(orders), devices, rng)
    sessions = pd.concat(
        [
            converting,
            _browsing_sessions(converting, customers, devices, rng),
            _uncovered_sessions(len(converting), rng),
        ],
        ignore_index=True,
    )
    events = _expand(sessions, rng)
    pay_offset = events.loc[events["event"] == "pay"].set_index("row")["offset"]
    anchor_offset = pay_offset.reindex(np.arange(len(sessions)), fill_value=0).to_numpy()
    sessions["start"] = sessions["anchor"].to_numpy() - anchor_offset.astype("timedelta64[s]")
    sessions["session_id"] = sessions["start"].rank(method="first").astype(np.int64)
    # Sessions are numbered by start time; ties keep the order they were made in.
    order = np.lexsort((np.arange(len(sessions)), sessions["start"].to_numpy()))
    sessions.loc[order, "session_id"] = np.arange(1, len(sessions) + 1)

    session = sessions.iloc[events["row"].to_numpy()].reset_index(drop=True)
    timestamp = session["start"].to_numpy() + events["offset"].to_numpy().astype("timedelta64[s]")
    logs_in_late = (session["channel"].to_numpy() == "web") & (rng.random(len(sessions)) < LOGIN_AT_CHECKOUT_SHARE)[
        events["row"].to_numpy()
    ]
    customer = session["customer_id"].to_numpy()
    visible = (customer >= 0) & ~(logs_in_late & (events["major"].to_numpy() < STEP["start_checkout"]))
    log = pd.DataFrame(
        {
            "session_id": session["session_id"].to_numpy(),
            "customer_id": pd.array(np.where(visible, customer, 0), dtype="Int64"),
            "anonymous_id": session["anonymous_id"].to_numpy(),
            "timestamp": timestamp,
            "channel": session["channel"].to_numpy(),
            "device": session["device"].to_numpy(),
            "app_version": session["app_version"].to_numpy(),
            "zone": session["zone"].to_numpy(),
            "event": events["event"].to_numpy(),
            "_position": events["major"].to_numpy() * 1000 + events["minor"].to_numpy(),
        }
    )
    log["customer_id"] = log["customer_id"].where(visible)
    log = log.loc[log["timestamp"] <= np.datetime64(END + pd.Timedelta(hours=23, minutes=59, seconds=59))]
    log = log.sort_values(["timestamp", "session_id", "_position"], kind="stable").drop(columns="_position")
    return EventLog(
        events=_typed_events(log.reset_index(drop=True)),
        payment_trouble=set(
            sessions.loc[(sessions["order_id"] >= 0) & (sessions["n_failures"] > 0), "order_id"].astype(int)
        ),
        support_contacts=_support_contacts(events, sessions, timestamp),
        uncovered_visitors=_first_visits(sessions.loc[sessions["zone"] == UNCOVERED_ZONE]),
    )


def _support_contacts(events: pd.DataFrame, sessions: pd.DataFrame, timestamp: np.ndarray) -> pd.DataFrame:
    support = events["event"].to_numpy() == "contact_support"
    rows = events.loc[support, "row"].to_numpy()
    return (
        pd.DataFrame(
            {
                "customer_id": sessions["customer_id"].to_numpy()[rows],
                "order_id": sessions["order_id"].to_numpy()[rows],
                "timestamp": timestamp[support],
                "reason": events.loc[support, "reason"].to_numpy(),
            }
        )
        .sort_values("timestamp", kind="stable")
        .reset_index(drop=True)
    )


def _first_visits(sessions: pd.DataFrame) -> pd.DataFrame:
    first = sessions.groupby("anonymous_id", sort=True).agg(timestamp=("start", "min"))
    return first.reset_index()


def _typed_events(log: pd.DataFrame) -> pd.DataFrame:
    table = TABLES["events"]
    categories = {
        name: pd.Categorical(log[name], categories=table.column(name).allowed, ordered=table.column(name).ordered)
        for name in ("channel", "device", "app_version", "zone", "event")
    }
    return log.assign(
        session_id=log["session_id"].astype("Int64"),
        anonymous_id=log["anonymous_id"].astype("str"),
        timestamp=pd.to_datetime(log["timestamp"]).dt.floor("s").astype(DATETIME_DTYPE),
        **categories,
    )[table.names]
