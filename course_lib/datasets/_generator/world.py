"""Green Fork, the course's fictional business, held as data.

A vegetarian and vegan food delivery service in the fictional city of Verdale
(and the neighbouring town of Millhaven), prices in euros. Everything the
generator plants is written here, as plain tables, so an instructor can read
what the lessons are meant to discover: the menu, the zones, the calendar,
and the four customer types with their behaviour and survey answers.

The types follow the seed class's worksheet (in our own words):

* **A** - vegetarians who work all day where few restaurants are near, on a
  tight budget, who want variety and care about health: weekday lunches,
  delivered to the office.
* **B** - people trying to become vegetarian, willing to cook but lacking
  shops and ideas; they buy meal kits, get bored and often quit.
* **C** - vegetarians with a high budget who pay for quality: premium dishes,
  bigger baskets, few discounts.
* **D** - a looser group: flexitarian households ordering now and then,
  mostly family dishes at weekends; their survey answers are middling and
  spread out, so they overlap the others.

Examples
--------
>>> TYPE_PROFILES["A"].occasions["weekday_lunch"]
0.78
>>> int(MENU["category"].eq("premium").sum())
4
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from course_lib.datasets.schema import LIKERT_ITEMS

__all__ = [
    "BUSINESS_PROFILE",
    "CAMPAIGN_PLANS",
    "COVERED_ZONES",
    "END",
    "EVENTS_START",
    "MENU",
    "OPENED",
    "PAIN_POINTS",
    "PRICE_RISE",
    "START",
    "FUNNEL_CONTINUATION",
    "JANUARY_SIGNUPS",
    "MONTH_FACTORS",
    "TYPE_PROFILES",
    "UNCOVERED_ZONE",
    "CustomerType",
    "type_traits",
]

#: Green Fork opened; customers who signed up before START are the existing base.
OPENED = pd.Timestamp("2022-03-01")
#: First and last day of the order history (inclusive).
START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2025-12-31")
#: First day of the web/app event log (it runs to END).
EVENTS_START = pd.Timestamp("2025-12-01")
#: Day every list price rose by 5 % (rounded to 10 cents).
PRICE_RISE = pd.Timestamp("2025-03-01")

#: Zones Green Fork delivers to, with the city and the share of personal customers living there.
COVERED_ZONES = pd.DataFrame(
    {
        "zone": ["Old Town", "Riverside", "University", "Business Park", "Station", "Hillside", "Millhaven"],
        "city": ["Verdale"] * 6 + ["Millhaven"],
        "home_share": [0.20, 0.18, 0.17, 0.05, 0.14, 0.14, 0.12],
    }
)
#: The zone many visitors come from, but where Green Fork does not deliver.
UNCOVERED_ZONE = "Northfield"

#: The menu: dish, category, list price (EUR, before the price rise) and how much each type likes it.
MENU = pd.DataFrame.from_records(
    [
        # dish, category, price, A, B, C, D, guest, business
        ("Falafel Bowl", "bowl", 9.50, 9, 2, 1, 2, 4, 5),
        ("Tofu Teriyaki Bowl", "bowl", 10.50, 8, 2, 2, 2, 4, 5),
        ("Buddha Bowl", "bowl", 9.90, 9, 2, 2, 1, 3, 4),
        ("Lentil Dal Bowl", "bowl", 8.90, 8, 2, 1, 1, 2, 3),
        ("Quinoa Power Bowl", "bowl", 10.90, 7, 1, 3, 1, 3, 4),
        ("Hummus Veggie Wrap", "wrap", 7.50, 7, 2, 0, 2, 4, 6),
        ("Halloumi Wrap", "wrap", 8.50, 6, 2, 1, 3, 4, 6),
        ("Black Bean Burrito", "wrap", 8.90, 6, 2, 0, 3, 4, 5),
        ("Greek Salad", "salad", 8.50, 5, 1, 2, 1, 2, 4),
        ("Roasted Beet Salad", "salad", 9.50, 4, 1, 3, 1, 2, 3),
        ("Tomato Basil Soup", "soup", 5.90, 5, 1, 1, 2, 2, 1),
        ("Pumpkin Soup", "soup", 6.50, 4, 1, 2, 2, 2, 1),
        ("Mushroom Risotto", "main", 13.50, 1, 3, 5, 4, 4, 2),
        ("Aubergine Parmigiana", "main", 14.50, 1, 2, 5, 3, 3, 1),
        ("Vegetable Lasagne", "main", 12.90, 1, 3, 3, 6, 4, 2),
        ("Green Thai Curry", "main", 12.50, 2, 3, 4, 4, 4, 2),
        ("Chickpea Tikka Masala", "main", 12.90, 2, 3, 3, 4, 4, 2),
        ("Truffle Gnocchi", "premium", 18.90, 0, 0, 8, 1, 1, 0),
        ("Wild Mushroom Wellington", "premium", 22.50, 0, 0, 6, 1, 1, 0),
        ("Seitan Steak and Greens", "premium", 19.50, 0, 0, 6, 0, 1, 0),
        ("Chef's Tasting Box", "premium", 29.00, 0, 0, 4, 0, 0, 0),
        ("Meal Kit: Weekday Pasta", "meal_kit", 16.90, 0, 9, 1, 1, 0, 0),
        ("Meal Kit: Curry Night", "meal_kit", 18.90, 0, 8, 1, 1, 0, 0),
        ("Meal Kit: Tofu Stir-Fry", "meal_kit", 17.50, 0, 8, 1, 0, 0, 0),
        ("Meal Kit: Starter Pantry", "meal_kit", 24.00, 0, 5, 0, 0, 0, 0),
        ("Family Lasagne Tray", "family", 32.00, 0, 1, 1, 7, 1, 3),
        ("Family Curry Pot", "family", 30.00, 0, 1, 1, 6, 1, 3),
        ("Kids' Veggie Nuggets", "family", 7.90, 0, 0, 0, 6, 1, 0),
        ("Vegan Brownie", "dessert", 3.90, 3, 2, 3, 4, 3, 4),
        ("Chia Pudding", "dessert", 4.50, 3, 1, 3, 2, 2, 3),
        ("Carrot Cake", "dessert", 4.20, 2, 2, 3, 4, 3, 4),
        ("Kombucha", "drink", 3.50, 4, 1, 4, 2, 3, 4),
        ("Fresh Lemonade", "drink", 2.90, 4, 1, 2, 4, 3, 5),
        ("Oat Flat White", "drink", 3.20, 5, 1, 2, 1, 2, 3),
    ],
    columns=["dish", "category", "price", "A", "B", "C", "D", "guest", "business"],
)


@dataclass(frozen=True)
class CustomerType:
    """Behaviour and survey answers of one planted customer type.

    Rates are per customer while active; shares are probabilities; weights
    are relative (normalised where used). Survey means are on the 1-5 scale,
    in the order of ``LIKERT_ITEMS``.
    """

    label: str
    description: str
    share: float
    orders_per_month: float
    mean_lifetime_days: float
    occasions: dict[str, float]
    extra_lines: float
    second_portion: float
    promo_propensity: float
    order_channels: dict[str, float]
    acquisition: dict[str, float]
    age_bands: tuple[float, ...]
    household_sizes: tuple[float, ...]
    diets: dict[str, float]
    consent: dict[str, float]
    survey_means: tuple[float, ...]
    survey_sd: float
    nps_mean: float
    response_rate: float
    work_zones: dict[str, float] = field(default_factory=dict)


TYPE_PROFILES: dict[str, CustomerType] = {
    "A": CustomerType(
        label="A",
        description="Vegetarians working all day where restaurants are few; tight budget; want variety; health first.",
        share=0.30,
        orders_per_month=0.9,
        mean_lifetime_days=560,
        occasions={"weekday_lunch": 0.78, "weekday_dinner": 0.10, "weekend": 0.12},
        extra_lines=0.45,
        second_portion=0.05,
        promo_propensity=1.0,
        order_channels={"web": 0.30, "app": 0.62, "phone": 0.08},
        acquisition={"web": 0.30, "app": 0.30, "phone": 0.05, "partner": 0.35},
        age_bands=(0.10, 0.42, 0.32, 0.12, 0.04, 0.00),
        household_sizes=(0.45, 0.35, 0.12, 0.06, 0.02, 0.00),
        diets={"vegan": 0.35, "vegetarian": 0.55, "flexitarian": 0.08, "curious": 0.02},
        consent={"email": 0.65, "sms": 0.25, "personalisation": 0.55},
        survey_means=(4.4, 4.3, 4.4, 4.3, 2.1, 2.1, 2.5, 4.6),
        survey_sd=0.85,
        nps_mean=7.8,
        response_rate=0.42,
        work_zones={"Business Park": 0.62, "Station": 0.26, "Old Town": 0.12},
    ),
    "B": CustomerType(
        label="B",
        description="Trying to become vegetarian; willing to cook but lacking shops and ideas; bored easily, may quit.",
        share=0.27,
        orders_per_month=1.3,
        mean_lifetime_days=110,
        occasions={"weekday_lunch": 0.08, "weekday_dinner": 0.60, "weekend": 0.32},
        extra_lines=0.35,
        second_portion=0.10,
        promo_propensity=1.6,
        order_channels={"web": 0.45, "app": 0.45, "phone": 0.10},
        acquisition={"web": 0.50, "app": 0.35, "phone": 0.05, "partner": 0.10},
        age_bands=(0.28, 0.40, 0.18, 0.09, 0.04, 0.01),
        household_sizes=(0.35, 0.40, 0.15, 0.08, 0.02, 0.00),
        diets={"vegan": 0.03, "vegetarian": 0.12, "flexitarian": 0.35, "curious": 0.50},
        consent={"email": 0.70, "sms": 0.30, "personalisation": 0.60},
        survey_means=(3.5, 4.3, 2.2, 3.3, 2.4, 4.6, 4.4, 2.3),
        survey_sd=0.85,
        nps_mean=6.3,
        response_rate=0.40,
    ),
    "C": CustomerType(
        label="C",
        description="Vegetarians with a high budget who pay more for quality to keep a healthy diet.",
        share=0.20,
        orders_per_month=0.8,
        mean_lifetime_days=700,
        occasions={"weekday_lunch": 0.08, "weekday_dinner": 0.45, "weekend": 0.47},
        extra_lines=1.2,
        second_portion=0.45,
        promo_propensity=0.15,
        order_channels={"web": 0.40, "app": 0.45, "phone": 0.15},
        acquisition={"web": 0.45, "app": 0.30, "phone": 0.10, "partner": 0.15},
        age_bands=(0.02, 0.15, 0.30, 0.28, 0.18, 0.07),
        household_sizes=(0.25, 0.50, 0.13, 0.10, 0.02, 0.00),
        diets={"vegan": 0.40, "vegetarian": 0.55, "flexitarian": 0.05, "curious": 0.00},
        consent={"email": 0.55, "sms": 0.15, "personalisation": 0.45},
        survey_means=(4.6, 3.1, 3.4, 1.5, 4.7, 2.3, 1.9, 2.7),
        survey_sd=0.85,
        nps_mean=8.8,
        response_rate=0.48,
    ),
    "D": CustomerType(
        label="D",
        description="Looser group: flexitarian households ordering now and then, family dishes at weekends.",
        share=0.23,
        orders_per_month=0.5,
        mean_lifetime_days=330,
        occasions={"weekday_lunch": 0.04, "weekday_dinner": 0.34, "weekend": 0.62},
        extra_lines=0.9,
        second_portion=0.30,
        promo_propensity=1.0,
        order_channels={"web": 0.50, "app": 0.25, "phone": 0.25},
        acquisition={"web": 0.50, "app": 0.20, "phone": 0.20, "partner": 0.10},
        age_bands=(0.03, 0.14, 0.34, 0.28, 0.13, 0.08),
        household_sizes=(0.06, 0.18, 0.26, 0.32, 0.13, 0.05),
        diets={"vegan": 0.04, "vegetarian": 0.20, "flexitarian": 0.56, "curious": 0.20},
        consent={"email": 0.60, "sms": 0.35, "personalisation": 0.50},
        survey_means=(3.1, 3.0, 3.2, 3.0, 3.1, 3.0, 2.9, 2.8),
        survey_sd=1.15,
        nps_mean=7.0,
        response_rate=0.36,
    ),
}

#: Companies ordering catering for their staff: rare, large, weekday-lunch orders to offices.
BUSINESS_PROFILE = CustomerType(
    label="business",
    description="Companies ordering catering for meetings: rare, large weekday-lunch orders.",
    share=0.006,
    orders_per_month=0.35,
    mean_lifetime_days=900,
    occasions={"weekday_lunch": 1.0, "weekday_dinner": 0.0, "weekend": 0.0},
    extra_lines=2.5,
    second_portion=0.0,
    promo_propensity=0.0,
    order_channels={"web": 0.55, "app": 0.05, "phone": 0.40},
    acquisition={"web": 0.30, "app": 0.00, "phone": 0.30, "partner": 0.40},
    age_bands=(),
    household_sizes=(),
    diets={},
    consent={"email": 0.80, "sms": 0.10, "personalisation": 0.30},
    survey_means=(),
    survey_sd=0.0,
    nps_mean=8.0,
    response_rate=0.0,
    work_zones={"Business Park": 0.7, "Station": 0.3},
)


def type_traits() -> pd.DataFrame:
    """The numeric behaviour parameters of every kind of buyer, one row each (index: type code).

    Guests (no account) and staff (test orders) get the rows the simulation
    needs for them: guests order a bit more than one dish and use codes half
    as often as the average customer; staff test orders have one line.
    """
    profiles = {**TYPE_PROFILES, "business": BUSINESS_PROFILE}
    rows = {
        code: {
            "orders_per_month": profile.orders_per_month,
            "mean_lifetime_days": profile.mean_lifetime_days,
            **profile.occasions,
            "extra_lines": profile.extra_lines,
            "second_portion": profile.second_portion,
            "promo_propensity": profile.promo_propensity,
            "nps_mean": profile.nps_mean,
            "response_rate": profile.response_rate,
            "survey_sd": profile.survey_sd,
        }
        for code, profile in profiles.items()
    }
    rows["guest"] = {**dict.fromkeys(rows["A"], 0.0), "extra_lines": 0.6, "promo_propensity": 0.5}
    rows["staff"] = dict.fromkeys(rows["A"], 0.0)
    return pd.DataFrame.from_dict(rows, orient="index")


#: The survey items' names, in the order of ``CustomerType.survey_means``.
SURVEY_ITEMS = LIKERT_ITEMS

#: Seasonality of demand: a multiplier per calendar month (the January spike: "Veganuary").
MONTH_FACTORS = (1.45, 1.10, 1.00, 1.00, 0.95, 0.90, 0.80, 0.75, 1.00, 1.05, 1.05, 0.95)
#: Extra factor on sign-ups in January, when many try a vegetarian diet (type B above all).
JANUARY_SIGNUPS = {"A": 1.3, "B": 2.6, "C": 1.2, "D": 1.4, "business": 1.0}

#: The journey pain points planted in the event log, as the truth file records them.
PAIN_POINTS = {
    "payment_failure": {
        "app_version": "4.2.0",
        "event": "payment_failed",
        "failure_rate_on_version": 0.38,
        "failure_rate_elsewhere": 0.04,
        "released": "2025-11-24",
        "fixed_by": "4.2.1",
        "fix_released": "2025-12-15",
        "why": "a payment-provider change broke card payments on one app release",
    },
    "uncovered_zone": {
        "zone": UNCOVERED_ZONE,
        "event": "address_outside_zone",
        "why": "many visitors live in Northfield, where Green Fork does not deliver (yet)",
    },
    "weak_channel": {
        "channel": "web",
        "weak_step": "start_checkout -> pay",
        "why": "the website's checkout form is long and asks for an account; many give up there",
    },
}

#: Share of each stage's sessions that go on to the next stage, per channel:
#: visit -> view_menu -> view_dish -> add_to_cart -> start_checkout -> pay.
FUNNEL_CONTINUATION = {
    "web": (0.85, 0.78, 0.60, 0.65, 0.45),
    "app": (0.92, 0.85, 0.72, 0.85, 0.90),
    "phone": (0.98, 0.95, 0.92, 0.96, 0.97),
}

#: Campaigns sent before the event log starts; each keeps a random hold-out group.
#: ``extra_order_probability`` is the chance that a contacted customer places one extra order
#: because of the message; ``harm``, where present, makes contacted *regulars* (at least
#: ``regular_min_orders`` orders in the ``regular_window_days`` before sending) skip, with
#: ``skip_probability``, the orders they would have placed in the response window, and the
#: extra order is then for the other customers only.
CAMPAIGN_PLANS = (
    {
        "campaign_id": 1,
        "name": "veganuary-2025",
        "channel": "email",
        "sent_at": "2025-01-03 10:00:00",
        "audience": "customers with e-mail consent who ordered in the 180 days before",
        "offer": "15 % off during January",
        "promo_code": "VEGANUARY15",
        "holdout_share": 0.10,
        "extra_order_probability": 0.04,
    },
    {
        "campaign_id": 2,
        "name": "app-push-new-menu-2025",
        "channel": "app_push",
        "sent_at": "2025-05-12 11:30:00",
        "audience": "app customers with personalisation consent who ordered in the 60 days before",
        "offer": "news: ten new dishes",
        "promo_code": None,
        # Nobody was sure a push without a discount would help, so the team held back half.
        "holdout_share": 0.50,
        # News of ten new dishes brings occasional customers back...
        "extra_order_probability": 0.40,
        # ...but it was sent at 11:30 on a Monday, while regulars were choosing lunch: many of them
        # muted the app's notifications and skipped the orders they would have placed in the next
        # two weeks (and regulars, who know the menu, get no extra order from it).
        "harm": {"regular_min_orders": 4, "regular_window_days": 180, "skip_probability": 0.7},
    },
    {
        "campaign_id": 3,
        "name": "winback-autumn-2025",
        "channel": "email",
        "sent_at": "2025-10-06 09:00:00",
        "audience": "customers with e-mail consent, two orders or more, last order 60 to 240 days before",
        "offer": "15 % off the next order",
        "promo_code": "WINBACK15",
        "holdout_share": 0.20,
        "extra_order_probability": 0.10,
    },
)
