"""Simulate Green Fork's customers and their orders from a seed.

The simulation is vectorised (no loop over customers or orders), so a million
order lines take seconds. Each customer gets a planted type (see
:mod:`course_lib.datasets._generator.world`), a sign-up day, a lifetime after which they
stop ordering (churn), and orders that arrive as a Poisson process whose rate
follows the calendar: weekday lunches, weekday dinners and weekends each have
their own day weights, times the month's seasonality (a January spike).

Every random draw comes from a generator named after its purpose
(``_rng(seed, "orders")``), so the same seed always gives the same data and
changing one table's code does not reshuffle the others.

Examples
--------
>>> lines = generate_transactions(2_000, n_customers=300, seed=1)
>>> len(lines), lines["order_id"].is_monotonic_increasing
(2000, True)
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from course_lib.datasets._generator.world import (
    BUSINESS_PROFILE,
    COVERED_ZONES,
    END,
    JANUARY_SIGNUPS,
    MENU,
    MONTH_FACTORS,
    OPENED,
    PRICE_RISE,
    START,
    TYPE_PROFILES,
    CustomerType,
    type_traits,
)
from course_lib.datasets.schema import (
    ACQUISITION_CHANNELS,
    AGE_BANDS,
    DATETIME_DTYPE,
    DIETS,
    ORDER_CHANNELS,
    TABLES,
    ZONES,
)
from course_lib.validation import require_positive_int

__all__ = [
    "DEFAULT_CUSTOMERS",
    "DEFAULT_SEED",
    "MINIMUM_CUSTOMERS",
    "STAFF_TEST_ACCOUNTS",
    "TEST_DISH",
    "generate_transactions",
    "simulate_customers",
    "simulate_orders",
    "expand_order_lines",
]

#: The seed and size of the shipped data.
DEFAULT_SEED = 2024
DEFAULT_CUSTOMERS = 4000
#: Below this, some planted groups (business accounts, campaign hold-outs) would be too small.
MINIMUM_CUSTOMERS = 200

#: Staff accounts that place test orders; they are not in customers.csv.
STAFF_TEST_ACCOUNTS = (900001, 900002)
#: The dish name of every test order.
TEST_DISH = "TEST ORDER - do not prepare"

#: Share of the personal customers who signed up before the order history starts.
EXISTING_BASE_SHARE = 0.22
#: Share of new customers who created an account but never ordered.
NEVER_ORDERED_SHARE = 0.07
#: Guest-checkout orders, per order placed by an account.
GUEST_ORDER_RATIO = 0.07
#: Test orders in the whole history (fixed, whatever the size).
N_TEST_ORDERS = 40
#: Share of orders exported twice (exact duplicate lines).
DUPLICATED_ORDER_SHARE = 0.004
#: Order-level chance of cancellation by channel, and of a full refund.
CANCEL_RATE = {"web": 0.035, "app": 0.030, "phone": 0.020}
REFUND_RATE = 0.008
#: Chance that one line of a delivered order is refunded (a missing or spoilt dish).
LINE_REFUND_RATE = 0.012
#: Promotion codes and their discount.
PROMOTIONS = {"WELCOME20": 0.20, "VEGANUARY15": 0.15, "LUNCH10": 0.10, "WINBACK15": 0.15}

DAYS_PER_MONTH = 365.25 / 12
OCCASIONS = ("weekday_lunch", "weekday_dinner", "weekend")
TYPE_CODES = ("A", "B", "C", "D", "business", "guest", "staff")
FIRST_ORDER_ID = 100001


def _rng(seed: int, stream: str) -> np.random.Generator:
    """A random generator for one purpose, derived from the seed and the purpose's name."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


def _profile(code: str) -> CustomerType:
    """The planted profile of a type code (A, B, C, D or business)."""
    return BUSINESS_PROFILE if code == "business" else TYPE_PROFILES[code]


#: Numeric behaviour parameters per type code (see ``world.type_traits``).
TRAITS = type_traits()


def _trait(codes: np.ndarray, name: str) -> np.ndarray:
    """One behaviour parameter for each row, looked up by the row's type code (vectorised)."""
    return TRAITS[name].reindex(np.asarray(codes)).to_numpy(dtype=float)


def _draw(
    rng: np.random.Generator,
    options: dict[str, float] | tuple[float, ...],
    size: int,
    labels: tuple | list | None = None,
) -> np.ndarray:
    """Draw `size` labels with probabilities proportional to their weights.

    `options` maps each label to its weight, or is a sequence of weights for `labels`.
    """
    if isinstance(options, dict):
        labels, weights = list(options), np.array(list(options.values()), dtype=float)
    else:
        weights = np.array(options, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(weights), size=size, p=weights / weights.sum())]


# --------------------------------------------------------------------- the calendar


def _calendar() -> pd.DataFrame:
    """One row per day of the order history with the relative demand of each occasion.

    Notes
    -----
    weight(occasion, day) = month factor × holiday factor × [the day is of the
    occasion's kind]; weekday lunches also drop in August and over the
    Christmas break, when offices are empty.
    """
    days = pd.date_range(START, END, freq="D")
    month = np.asarray(MONTH_FACTORS)[days.month - 1]
    weekday = days.day_of_week < 5
    christmas = ((days.month == 12) & (days.day >= 24)) | ((days.month == 1) & (days.day == 1))
    holiday = np.where(christmas, 0.5, 1.0)
    office = np.where(christmas, 0.2, np.where(days.month == 8, 0.7, 1.0))
    return pd.DataFrame(
        {
            "weekday_lunch": month * holiday * office * weekday,
            "weekday_dinner": month * holiday * weekday,
            "weekend": month * holiday * ~weekday,
        },
        index=days,
    )


def _occasion_share_of_days(occasion: str) -> float:
    return 2 / 7 if occasion == "weekend" else 5 / 7


# --------------------------------------------------------------------- customers


def _signup_days(rng: np.random.Generator, codes: np.ndarray, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
    """Sign-up days between `first` and `last`: a growing trend, a January spike per type."""
    days = pd.date_range(first, last, freq="D")
    trend = 1.0 + 0.6 * np.arange(len(days)) / len(days)
    result = np.empty(len(codes), dtype="datetime64[ns]")
    for code in sorted(pd.unique(codes)):
        members = np.flatnonzero(codes == code)
        weights = trend * np.where(days.month == 1, JANUARY_SIGNUPS[code], 1.0)
        result[members] = days.values[rng.choice(len(days), size=len(members), p=weights / weights.sum())]
    return result


def simulate_customers(n_customers: int, *, seed: int) -> pd.DataFrame:
    """Simulate the customer table, with the planted type and lifetime of each customer.

    Parameters
    ----------
    n_customers : int
        Number of accounts, at least ``MINIMUM_CUSTOMERS``.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        The columns of ``customers.csv`` plus the hidden ones the rest of the
        simulation needs: ``type``, ``active_until``, ``churned``,
        ``never_ordered``, ``preferred_channel`` and ``work_zone``.

    Notes
    -----
    About 22 % of the personal customers signed up before 2024 (the existing
    base). Lifetimes are exponential with the type's mean, counted from the
    sign-up day, or from 2024-01-01 for the existing base: since the
    exponential law has no memory, that is exactly the remaining lifetime of a
    customer still active then, and the base's types are drawn in proportion
    to share × mean lifetime (long-lived types survive more often). Customer
    ids follow the sign-up order.

    Examples
    --------
    >>> customers = simulate_customers(300, seed=1)
    >>> len(customers), customers["customer_id"].tolist()[:3]
    (300, [1, 2, 3])
    """
    require_positive_int(n_customers, parameter="n_customers", function="simulate_customers", minimum=MINIMUM_CUSTOMERS)
    rng = _rng(seed, "customers")
    n_business = max(3, round(n_customers * BUSINESS_PROFILE.share))
    n_personal = n_customers - n_business
    n_existing = round(n_personal * EXISTING_BASE_SHARE)
    labels = list(TYPE_PROFILES)
    shares = np.array([TYPE_PROFILES[code].share for code in labels])
    survivors = shares * np.array([TYPE_PROFILES[code].mean_lifetime_days for code in labels])
    existing = np.arange(n_customers) < n_existing
    codes = np.concatenate(
        [
            _draw(rng, survivors, n_existing, labels=labels),
            _draw(rng, shares, n_personal - n_existing, labels=labels),
            np.full(n_business, "business", dtype=object),
        ]
    )
    business = codes == "business"
    signup = np.empty(n_customers, dtype="datetime64[ns]")
    before_start = existing | (business & (rng.random(n_customers) < 0.4))
    signup[before_start] = _signup_days(rng, codes[before_start], OPENED, START - pd.Timedelta(days=1))
    signup[~before_start] = _signup_days(rng, codes[~before_start], START, END)

    mean_lifetime = _trait(codes, "mean_lifetime_days")
    anchor = np.maximum(signup, np.datetime64(START))
    planned_end = anchor + (rng.exponential(mean_lifetime) * 86_400).astype("timedelta64[s]")
    churned = planned_end < np.datetime64(END)
    active_until = np.where(churned, planned_end, np.datetime64(END)).astype("datetime64[D]").astype("datetime64[ns]")
    never_ordered = ~before_start & ~business & (rng.random(n_customers) < NEVER_ORDERED_SHARE)

    frame = pd.DataFrame(
        {
            "type": codes,
            "signup_date": signup,
            "active_until": active_until,
            "churned": churned,
            "never_ordered": never_ordered,
            "account_type": np.where(business, "business", "personal"),
        }
    )
    frame = frame.assign(_tiebreak=rng.random(n_customers)).sort_values(["signup_date", "_tiebreak"], kind="stable")
    frame = frame.drop(columns="_tiebreak").reset_index(drop=True)
    frame.insert(0, "customer_id", np.arange(1, n_customers + 1))
    return _add_customer_traits(frame, rng)


def _add_customer_traits(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Demographics, zones, channels and consent, drawn per type."""
    n = len(frame)
    columns = {
        name: np.full(n, None, dtype=object)
        for name in ("acquisition_channel", "age_band", "diet", "preferred_channel", "work_zone", "zone")
    }
    household = np.full(n, -1)
    consent = {kind: np.zeros(n, dtype=bool) for kind in ("email", "sms", "personalisation")}
    home_zones = dict(zip(COVERED_ZONES["zone"], COVERED_ZONES["home_share"], strict=True))
    for code in TYPE_CODES[:5]:
        members = np.flatnonzero(frame["type"].to_numpy() == code)
        if not len(members):
            continue
        profile, size = _profile(code), len(members)
        columns["acquisition_channel"][members] = _draw(rng, profile.acquisition, size)
        favourite = _draw(rng, profile.order_channels, size)
        same_as_acquisition = np.isin(columns["acquisition_channel"][members], ORDER_CHANNELS) & (
            rng.random(size) < 0.55
        )
        columns["preferred_channel"][members] = np.where(
            same_as_acquisition, columns["acquisition_channel"][members], favourite
        )
        if code == "business":
            columns["work_zone"][members] = columns["zone"][members] = _draw(rng, profile.work_zones, size)
        else:
            columns["zone"][members] = _draw(rng, home_zones, size)
            columns["work_zone"][members] = _draw(rng, profile.work_zones or home_zones, size)
            columns["age_band"][members] = _draw(rng, profile.age_bands, size, labels=AGE_BANDS)
            columns["diet"][members] = _draw(rng, profile.diets, size)
            household[members] = 1 + rng.choice(
                6, size=size, p=np.array(profile.household_sizes) / sum(profile.household_sizes)
            )
        consent["email"][members] = rng.random(size) < profile.consent["email"]
        consent["sms"][members] = rng.random(size) < profile.consent["sms"]
        personalisation = profile.consent["personalisation"] * np.where(consent["email"][members], 1.15, 0.6)
        consent["personalisation"][members] = rng.random(size) < personalisation
    personal = frame["account_type"].to_numpy() == "personal"
    columns["age_band"][personal & (rng.random(n) < 0.03)] = None
    household[~personal | (rng.random(n) < 0.04)] = -1
    older = np.isin(columns["age_band"], ["55-64", "65+"]) & (rng.random(n) < 0.35)
    columns["preferred_channel"][older] = "phone"

    city = dict(zip(COVERED_ZONES["zone"], COVERED_ZONES["city"], strict=True))
    household_size = pd.array(np.where(household > 0, household, 1), dtype="Int64")
    household_size[household <= 0] = pd.NA
    return frame.assign(
        acquisition_channel=pd.Categorical(columns["acquisition_channel"], categories=ACQUISITION_CHANNELS),
        city=pd.Categorical([city[zone] for zone in columns["zone"]], categories=("Verdale", "Millhaven")),
        zone=pd.Categorical(columns["zone"], categories=ZONES),
        age_band=pd.Categorical(columns["age_band"], categories=AGE_BANDS, ordered=True),
        household_size=household_size,
        diet=pd.Categorical(columns["diet"], categories=DIETS),
        consent_email=consent["email"],
        consent_sms=consent["sms"],
        consent_personalisation=consent["personalisation"],
        preferred_channel=columns["preferred_channel"],
        work_zone=columns["work_zone"],
        account_type=pd.Categorical(frame["account_type"], categories=("personal", "business")),
    )


# --------------------------------------------------------------------- orders


def _days_from_start(values: np.ndarray) -> np.ndarray:
    return ((values - np.datetime64(START)) // np.timedelta64(1, "D")).astype(np.int64)


def _draw_days(rng: np.random.Generator, cumulative: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Draw one day in [first, last] per row, with probability proportional to the day weights.

    `cumulative` holds the running sum of the weights (``cumulative[d]`` =
    weights of days 0..d); drawing a uniform number between the running sums
    just before `first` and at `last`, then finding it in `cumulative`, is
    inverse-transform sampling restricted to the customer's active days.
    """
    padded = np.concatenate([[0.0], cumulative])
    low, high = padded[first], padded[last + 1]
    target = low + rng.random(len(first)) * (high - low)
    return np.minimum(np.searchsorted(cumulative, target, side="right"), last)


def _times_of_day(rng: np.random.Generator, occasions: np.ndarray) -> np.ndarray:
    """Minutes after midnight: lunch around 12:35, dinner around 19:20, weekends later and looser."""
    size = len(occasions)
    lunch = rng.normal(12.6, 0.5, size)
    dinner = rng.normal(19.3, 0.9, size)
    weekend = np.where(rng.random(size) < 0.35, rng.normal(13.0, 0.8, size), rng.normal(19.0, 1.0, size))
    hours = np.select([occasions == "weekday_lunch", occasions == "weekday_dinner"], [lunch, dinner], weekend)
    hours = np.where(occasions == "weekday_lunch", np.clip(hours, 11.0, 14.75), np.clip(hours, 11.0, 22.75))
    return np.round(hours * 60).astype(np.int64)


def _repeat_orders(customers: pd.DataFrame, rng: np.random.Generator, intensity: float) -> pd.DataFrame:
    """Orders after the first, one Poisson process per customer and occasion."""
    calendar = _calendar()
    ordering = customers.loc[~customers["never_ordered"]]
    first = _days_from_start(np.maximum(ordering["signup_date"].to_numpy(), np.datetime64(START)))
    last = _days_from_start(ordering["active_until"].to_numpy())
    rate = _trait(ordering["type"], "orders_per_month") / DAYS_PER_MONTH * intensity
    pieces = []
    for occasion in OCCASIONS:
        cumulative = np.cumsum(calendar[occasion].to_numpy())
        padded = np.concatenate([[0.0], cumulative])
        weight = _trait(ordering["type"], occasion)
        expected = rate * weight * (padded[last + 1] - padded[first]) / _occasion_share_of_days(occasion)
        counts = rng.poisson(expected)
        rows = np.repeat(np.arange(len(ordering)), counts)
        days = _draw_days(rng, cumulative, first[rows], last[rows])
        pieces.append(pd.DataFrame({"row": rows, "day": days, "occasion": occasion}))
    orders = pd.concat(pieces, ignore_index=True)
    chosen = ordering.iloc[orders["row"].to_numpy()]
    return pd.DataFrame(
        {
            "customer_id": chosen["customer_id"].to_numpy(),
            "type": chosen["type"].to_numpy(),
            "day": orders["day"].to_numpy(),
            "occasion": orders["occasion"].to_numpy(),
            "first_order": False,
        }
    )


def _occasion_of_day(rng: np.random.Generator, days: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """An occasion that fits the day of the week, drawn with the type's weights."""
    weekday = pd.DatetimeIndex(np.datetime64(START) + days.astype("timedelta64[D]")).day_of_week < 5
    result = np.full(len(days), "weekend", dtype=object)
    for code in sorted(pd.unique(codes)):
        occasions = _profile(code).occasions
        lunch_share = occasions["weekday_lunch"] / max(occasions["weekday_lunch"] + occasions["weekday_dinner"], 1e-9)
        members = (codes == code) & weekday
        result[members] = np.where(rng.random(members.sum()) < lunch_share, "weekday_lunch", "weekday_dinner")
    return result


def _first_orders(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """New customers order on the day they sign up, or within two days."""
    new = customers.loc[~customers["never_ordered"] & (customers["signup_date"] >= START)]
    day = _days_from_start(new["signup_date"].to_numpy()) + rng.choice(3, size=len(new), p=[0.7, 0.2, 0.1])
    day = np.minimum(day, _days_from_start(new["active_until"].to_numpy()).clip(min=day - 2))
    day = np.minimum(day, (END - START).days)
    codes = new["type"].to_numpy()
    return pd.DataFrame(
        {
            "customer_id": new["customer_id"].to_numpy(),
            "type": codes,
            "day": day,
            "occasion": _occasion_of_day(rng, day, codes),
            "first_order": True,
        }
    )


def _guest_orders(registered_days: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """One-off orders without an account, on days drawn like the account holders' (same seasons and growth)."""
    size = round(len(registered_days) * GUEST_ORDER_RATIO)
    day = rng.choice(registered_days, size=size)
    weekday = pd.DatetimeIndex(np.datetime64(START) + day.astype("timedelta64[D]")).day_of_week < 5
    occasion = np.where(weekday, np.where(rng.random(size) < 0.45, "weekday_lunch", "weekday_dinner"), "weekend")
    return pd.DataFrame(
        {"customer_id": np.full(size, -1), "type": "guest", "day": day, "occasion": occasion, "first_order": False}
    )


def _test_orders(rng: np.random.Generator) -> pd.DataFrame:
    """Staff test orders: office hours on weekdays, placed from the staff accounts."""
    weekdays = np.flatnonzero(pd.date_range(START, END, freq="D").day_of_week < 5)
    return pd.DataFrame(
        {
            "customer_id": rng.choice(STAFF_TEST_ACCOUNTS, size=N_TEST_ORDERS),
            "type": "staff",
            "day": np.sort(rng.choice(weekdays, size=N_TEST_ORDERS, replace=False)),
            "occasion": "office_hours",
            "first_order": False,
        }
    )


def simulate_orders(customers: pd.DataFrame, *, seed: int, intensity: float = 1.0) -> pd.DataFrame:
    """Simulate one row per order (no lines yet): who, when, where, how, with which promotion.

    Parameters
    ----------
    customers : DataFrame
        The output of :func:`simulate_customers`.
    seed : int
        Random seed.
    intensity : float, default=1.0
        Multiplier of every customer's repeat-order rate (1 = the shipped data).

    Returns
    -------
    DataFrame
        One row per order, sorted by time, with ``customer_id`` (-1 for guests),
        ``type``, ``ordered_at``, ``occasion``, ``channel``, ``zone``,
        ``promo_code`` (None when none), ``status`` and ``first_order``.

    Notes
    -----
    For a customer active from day a to day b, the number of orders on one
    occasion is Poisson with mean rate × occasion weight × Σ_{d=a..b}
    w(d) / (share of the week's days of that kind), where w is the calendar's
    day weight; each order's day is then drawn with probability w(d) within
    [a, b]. On an average day (w = 1) this gives `rate` orders a month.

    Examples
    --------
    >>> orders = simulate_orders(simulate_customers(300, seed=1), seed=1)
    >>> sorted(orders["status"].unique())
    ['cancelled', 'delivered', 'refunded']
    """
    rng = _rng(seed, "orders")
    registered = pd.concat(
        [_first_orders(customers, rng), _repeat_orders(customers, rng, intensity)], ignore_index=True
    )
    orders = pd.concat(
        [registered, _guest_orders(registered["day"].to_numpy(), rng), _test_orders(rng)], ignore_index=True
    )
    size = len(orders)
    minutes = _times_of_day(rng, orders["occasion"].to_numpy())
    staff = orders["type"].to_numpy() == "staff"
    minutes[staff] = rng.integers(9 * 60, 17 * 60, size=staff.sum())
    orders["ordered_at"] = pd.to_datetime(
        np.datetime64(START, "m") + (orders["day"].to_numpy() * 1440 + minutes).astype("timedelta64[m]")
    )

    by_id = customers.set_index("customer_id")
    known = orders["customer_id"].isin(by_id.index).to_numpy()
    ids = orders.loc[known, "customer_id"].to_numpy()
    preferred = np.full(size, None, dtype=object)
    preferred[known] = by_id.loc[ids, "preferred_channel"].to_numpy()
    channel = np.where(rng.random(size) < 0.8, preferred, None)
    codes = orders["type"].to_numpy()
    for code in sorted(pd.unique(codes)):
        members = np.flatnonzero((codes == code) & pd.isna(channel))
        weights = {"guest": {"web": 0.75, "phone": 0.25}, "staff": {"web": 0.4, "app": 0.6}}.get(code)
        channel[members] = _draw(rng, weights or _profile(code).order_channels, len(members))
    orders["channel"] = channel

    home = np.full(size, None, dtype=object)
    home[known] = by_id.loc[ids, "zone"].astype(str).to_numpy()
    work = np.full(size, None, dtype=object)
    work[known] = by_id.loc[ids, "work_zone"].to_numpy()
    guest_zones = _draw(rng, dict(zip(COVERED_ZONES["zone"], COVERED_ZONES["home_share"], strict=True)), size)
    at_work = np.isin(codes, ["A", "business"]) & (orders["occasion"].to_numpy() == "weekday_lunch")
    orders["zone"] = np.select([staff, at_work, known], ["Old Town", work, home], guest_zones)
    orders["promo_code"] = _promotions(orders, rng)
    orders["status"] = _order_status(orders, rng)
    return orders.drop(columns="day").sort_values("ordered_at", kind="stable").reset_index(drop=True)


def _promotions(orders: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Welcome offer on first orders, the January code, and the lunch code of the office workers."""
    size = len(orders)
    propensity = _trait(orders["type"], "promo_propensity")
    january = orders["ordered_at"].dt.month.to_numpy() == 1
    welcome = orders["first_order"].to_numpy() & (rng.random(size) < np.minimum(0.7 * propensity + 0.1, 0.85))
    veganuary = january & (rng.random(size) < 0.18 * propensity)
    lunch = (
        (orders["type"].to_numpy() == "A")
        & (orders["occasion"].to_numpy() == "weekday_lunch")
        & (rng.random(size) < 0.22)
    )
    return np.select([welcome, veganuary, lunch], ["WELCOME20", "VEGANUARY15", "LUNCH10"], None)


def _order_status(orders: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Cancelled (more often on the web, and for bulk orders), refunded, or delivered."""
    size = len(orders)
    cancel = orders["channel"].map(CANCEL_RATE).to_numpy(dtype=float)
    cancel = np.where(orders["type"].to_numpy() == "business", 0.06, cancel)
    cancel = np.where(orders["type"].to_numpy() == "staff", 0.6, cancel)
    draw = rng.random(size)
    refunded = (draw >= cancel) & (draw < cancel + REFUND_RATE) & (orders["type"].to_numpy() != "staff")
    return np.select([draw < cancel, refunded], ["cancelled", "refunded"], "delivered")


# --------------------------------------------------------------------- order lines


def expand_order_lines(
    orders: pd.DataFrame, *, seed: int, stream: str = "order lines", first_order_id: int = FIRST_ORDER_ID
) -> pd.DataFrame:
    """Turn orders into order lines: dishes, quantities, prices, discounts; number the orders.

    Parameters
    ----------
    orders : DataFrame
        The output of :func:`simulate_orders` (possibly with added orders).
    seed : int
        Random seed.
    stream : str, default="order lines"
        Name of the random stream (orders added later draw from their own).
    first_order_id : int, default=FIRST_ORDER_ID
        Number of the first order; the others follow in time order.

    Returns
    -------
    DataFrame
        One row per order line with the columns of ``orders.csv`` (typed as
        :func:`~course_lib.datasets.load_orders` returns them), sorted by
        time, order and line; about 0.4 % of the orders appear twice.

    Notes
    -----
    Lines per order = 1 + Poisson(type's extra lines); a dish drawn twice in
    one order becomes one line with the summed quantity. unit_price = list
    price, × 1.05 rounded to 10 cents from 2025-03-01; discount = promotion
    rate × quantity × unit_price, rounded to the cent.

    Examples
    --------
    >>> customers = simulate_customers(300, seed=1)
    >>> lines = expand_order_lines(simulate_orders(customers, seed=1), seed=1)
    >>> bool((lines["discount"] <= lines["quantity"] * lines["unit_price"]).all())
    True
    """
    rng = _rng(seed, stream)
    orders = orders.sort_values("ordered_at", kind="stable").reset_index(drop=True)
    orders["order_id"] = first_order_id + np.arange(len(orders))
    codes = orders["type"].to_numpy()
    n_lines = 1 + rng.poisson(_trait(codes, "extra_lines")) + np.where(codes == "business", 1, 0)
    position = np.repeat(np.arange(len(orders)), n_lines)
    line_codes = codes[position]

    dish = np.zeros(len(position), dtype=np.int64)
    for code in sorted(pd.unique(line_codes)):
        if code == "staff":
            continue
        members = np.flatnonzero(line_codes == code)
        weights = MENU[code].to_numpy(dtype=float)
        dish[members] = rng.choice(len(MENU), size=len(members), p=weights / weights.sum())
    portion_chance = _trait(line_codes, "second_portion")
    quantity = 1 + (rng.random(len(position)) < portion_chance) + (rng.random(len(position)) < portion_chance / 3)
    bulk = line_codes == "business"
    quantity[bulk] = rng.integers(8, 41, size=bulk.sum())

    lines = pd.DataFrame({"position": position, "dish_index": dish, "quantity": quantity})
    lines = lines.groupby(["position", "dish_index"], sort=False, as_index=False).agg(quantity=("quantity", "sum"))
    lines = lines.sort_values("position", kind="stable").reset_index(drop=True)
    order = orders.iloc[lines["position"].to_numpy()].reset_index(drop=True)
    staff = order["type"].to_numpy() == "staff"

    price = MENU["price"].to_numpy()[lines["dish_index"].to_numpy()]
    price = np.where(order["ordered_at"].to_numpy() >= np.datetime64(PRICE_RISE), np.round(price * 1.05, 1), price)
    price = np.where(staff, 0.01, price)
    rate = order["promo_code"].map(PROMOTIONS).fillna(0.0).to_numpy(dtype=float)
    status = order["status"].to_numpy().astype(object)
    line_refund = (status == "delivered") & ~staff & (rng.random(len(lines)) < LINE_REFUND_RATE)
    status[line_refund] = "refunded"

    result = pd.DataFrame(
        {
            "order_id": order["order_id"].to_numpy(),
            "line_number": lines.groupby("position", sort=False).cumcount().to_numpy() + 1,
            "customer_id": pd.array(order["customer_id"].to_numpy(), dtype="Int64"),
            "ordered_at": order["ordered_at"].to_numpy(),
            "channel": order["channel"].to_numpy(),
            "zone": order["zone"].to_numpy(),
            "dish": np.where(staff, TEST_DISH, MENU["dish"].to_numpy()[lines["dish_index"].to_numpy()]),
            "category": np.where(staff, "test", MENU["category"].to_numpy()[lines["dish_index"].to_numpy()]),
            "quantity": np.where(staff, 1, lines["quantity"].to_numpy()),
            "unit_price": price,
            "discount": np.round(rate * lines["quantity"].to_numpy() * price + 1e-9, 2),
            "promo_code": order["promo_code"].to_numpy(),
            "status": status,
        }
    )
    result["customer_id"] = result["customer_id"].mask(result["customer_id"] == -1)
    result = _duplicate_some_orders(result, rng)
    return _typed_orders(result)


def _duplicate_some_orders(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Export glitch: a few orders appear twice, every line repeated exactly."""
    order_ids = lines["order_id"].unique()
    twice = rng.choice(order_ids, size=round(len(order_ids) * DUPLICATED_ORDER_SHARE), replace=False)
    copies = lines.loc[lines["order_id"].isin(twice)]
    both = pd.concat([lines, copies], ignore_index=True)
    return both.sort_values(["order_id", "line_number"], kind="stable").reset_index(drop=True)


def _typed_orders(lines: pd.DataFrame) -> pd.DataFrame:
    """Give the order lines the dtypes the loader gives them."""
    table = TABLES["orders"]
    return lines.assign(
        order_id=lines["order_id"].astype("Int64"),
        line_number=lines["line_number"].astype(np.int64),
        quantity=lines["quantity"].astype(np.int64),
        channel=pd.Categorical(lines["channel"], categories=table.column("channel").allowed),
        zone=pd.Categorical(lines["zone"], categories=table.column("zone").allowed),
        category=pd.Categorical(lines["category"], categories=table.column("category").allowed),
        status=pd.Categorical(lines["status"], categories=table.column("status").allowed),
        dish=lines["dish"].astype("str"),
        promo_code=lines["promo_code"].astype("str").where(lines["promo_code"].notna()),
        ordered_at=pd.to_datetime(lines["ordered_at"]).astype(DATETIME_DTYPE),
    )[table.names]


# --------------------------------------------------------------------- benchmarks


def generate_transactions(n_lines: int, *, n_customers: int, seed: int) -> pd.DataFrame:
    """Generate exactly `n_lines` order lines in memory, for benchmarks (nothing is written).

    Parameters
    ----------
    n_lines : int
        Number of order lines wanted.
    n_customers : int
        Number of customer accounts (at least ``MINIMUM_CUSTOMERS``).
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        Order lines in the schema of ``orders.csv`` (typed like
        :func:`~course_lib.datasets.load_orders`), guests, test orders and
        duplicates included.

    Notes
    -----
    The expected number of lines grows linearly with the repeat-order
    intensity (first orders do not depend on it), so two small pilot runs
    give the line a + b × intensity; the full run uses the intensity that
    aims 3 % above `n_lines`, and the surplus orders are dropped from the end
    of a random order (seeded), trimming the last one to fit.

    Examples
    --------
    >>> lines = generate_transactions(500, n_customers=200, seed=3)
    >>> len(lines), lines["customer_id"].dtype
    (500, Int64Dtype())
    """
    require_positive_int(n_lines, parameter="n_lines", function="generate_transactions")
    customers = simulate_customers(n_customers, seed=seed)
    pilot = customers.sample(n=min(n_customers, 1_000), random_state=seed)
    per_customer = [
        len(expand_order_lines(simulate_orders(pilot, seed=seed, intensity=level), seed=seed)) / len(pilot)
        for level in (1.0, 2.0)
    ]
    slope = max(per_customer[1] - per_customer[0], 1e-6)
    intensity = max((1.03 * n_lines / n_customers - per_customer[0]) / slope + 1.0, 0.01)
    while True:
        lines = expand_order_lines(simulate_orders(customers, seed=seed, intensity=intensity), seed=seed)
        if len(lines) >= n_lines:
            break
        intensity *= 1.1 * n_lines / len(lines)
    return _keep_first_lines_of_random_orders(lines, n_lines, seed=seed)


def _keep_first_lines_of_random_orders(lines: pd.DataFrame, n_lines: int, *, seed: int) -> pd.DataFrame:
    """Keep whole orders in a random order until `n_lines` lines; cut the last order short."""
    rng = _rng(seed, "trim")
    order_ids = lines["order_id"].unique()
    rank = pd.Series(rng.permutation(len(order_ids)), index=order_ids)
    shuffled = lines.assign(_rank=lines["order_id"].map(rank).to_numpy()).sort_values(
        ["_rank", "line_number"], kind="stable"
    )
    kept = shuffled.iloc[:n_lines].drop(columns="_rank")
    return kept.sort_values(["order_id", "line_number"], kind="stable").reset_index(drop=True)
