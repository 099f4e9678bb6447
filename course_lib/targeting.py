"""From segments to action: target lists, gold questions and measuring a campaign.

A segmentation is only worth what it changes. This module turns the data into
three kinds of action, each honest about its limits:

* **target lists** of customers to contact (abandoned carts, an "after the
  first order" incentive, an invitation to a second channel, win-back of
  at-risk segments). Every list is a table indexed by ``customer_id`` that
  keeps only customers who consented to be contacted; with
  ``return_report=True`` a :class:`TargetReport` says how many it left out;
* **gold questions** (:class:`GoldQuestions`): the few survey questions that
  best place a customer in a segment, so a new CRM contact who answers only
  those can be placed too, with the accuracy measured on held-out answers;
* **campaign uplift** (:func:`campaign_uplift`): the response rate of the
  customers who got a campaign against a randomised hold-out group that did
  not, with an interval and a flag when the groups are too small to tell.

Examples
--------
>>> import pandas as pd
>>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "consent_email": [True, False, True]})
>>> segments = pd.DataFrame({"segment": ["At risk", "At risk", "Champions"]},
...                         index=pd.Index([1, 2, 3], name="customer_id"))
>>> audience, report = win_back(segments, customers, at_risk_segments=["At risk"], return_report=True)
>>> audience
             segment
customer_id
1            At risk
>>> report
TargetReport('win-back', 1 customer(s), 1 excluded without consent)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted

from course_lib.validation import (
    _FrameWithOldAttributes,  # what the lists return until the next release
    check_scalar,
    consent_given,
    customer_ids,
    require_boolean,
    require_columns,
    require_dataframe,
    require_datetime,
    require_matching_ids,
    require_non_empty,
    require_numeric,
    require_positive_int,
    resolve_as_of,
    sample_of,
    with_old_attributes,
)

__all__ = [
    "INTENT_EVENTS",
    "GoldQuestions",
    "TargetReport",
    "abandoned_carts",
    "campaign_uplift",
    "first_order_incentive",
    "single_channel_shoppers",
    "win_back",
]

#: Events that show buying intent: looked at a dish, put it in the cart, or started paying.
INTENT_EVENTS = ("view_dish", "add_to_cart", "start_checkout")


# ------------------------------------------------------------------ target lists


def __getattr__(name: str) -> Any:
    # ``TargetList`` was the lists' return type until the lists became the audience itself.
    if name == "TargetList":
        warnings.warn(
            "course_lib.targeting.TargetList is gone: the target lists return the audience itself "
            "(a DataFrame indexed by 'customer_id'), and their report with return_report=True "
            "(TargetReport). The name stops working in the next release.",
            FutureWarning,
            stacklevel=2,
        )
        return _FrameWithOldAttributes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class TargetReport:
    """How a target list was made, and who was left out (``return_report=True`` of every list).

    Attributes
    ----------
    name : str
        What the list is for, e.g. "abandoned cart".
    rule : str
        The rule that picked the customers, with its parameters.
    n_selected : int
        Customers on the list (who matched the rule and consented).
    n_without_consent : int
        Customers who matched the rule but did not consent to this channel.
    n_unknown : int
        Ids that matched the rule but are not in the customer table, so their
        consent is unknown; they are left out too.
    """

    name: str
    rule: str
    n_selected: int
    n_without_consent: int
    n_unknown: int

    def __repr__(self) -> str:
        unknown = f", {self.n_unknown} unknown" if self.n_unknown else ""
        return (
            f"TargetReport({self.name!r}, {self.n_selected} customer(s), "
            f"{self.n_without_consent} excluded without consent{unknown})"
        )


def _with_consent(
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    name: str,
    rule: str,
    customer: str,
    consent: str,
    return_report: bool,
    function: str,
) -> pd.DataFrame | tuple[pd.DataFrame, TargetReport]:
    """Keep the candidates (indexed by `customer`) whose `consent` flag is True; count those left out.

    Only a recorded yes allows contact: a missing flag counts as no, and so
    does a customer listed twice with conflicting flags.
    """
    said_yes = consent_given(customers, consent, customer=customer, name="customers")
    known = candidates.index.isin(said_yes.index)
    allowed = candidates.index.isin(said_yes.index[said_yes])
    audience = candidates.loc[allowed]
    report = TargetReport(
        name=name,
        rule=rule,
        n_selected=int(allowed.sum()),
        n_without_consent=int((known & ~allowed).sum()),
        n_unknown=int((~known).sum()),
    )
    if return_report:
        return audience, report
    call = f"Write `audience, report = {function}(..., return_report=True)` and read report"
    return with_old_attributes(  # the old TargetList's attributes, until the next release
        audience,
        function=function,
        now_returns="the audience itself, a DataFrame indexed by 'customer_id'",
        attributes={
            "audience": (audience.reset_index(), "Use the result directly (.reset_index() gives the id as a column)."),
            "n_without_consent": (report.n_without_consent, f"{call}.n_without_consent."),
            "n_unknown": (report.n_unknown, f"{call}.n_unknown."),
        },
    )


def _require_customers(customers: pd.DataFrame, *, customer: str, consent: str) -> None:
    require_columns(customers, [consent], name="customers")
    customer_ids(customers, customer, name="customers")
    require_boolean(customers, consent, name="customers")


def _delivered_orders(orders: pd.DataFrame, *, customer: str, order: str, status: str) -> pd.DataFrame:
    """One row per delivered order of a known customer (an order has one row per line)."""
    kept = orders[customer].notna() & orders[status].eq("delivered")
    return orders.loc[kept].drop_duplicates(order)


def abandoned_carts(
    events: pd.DataFrame,
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    within_days: int = 3,
    as_of: pd.Timestamp | str | None = None,
    intent_events: Sequence[str] = INTENT_EVENTS,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    event: str = "event",
    ordered_at: str = "ordered_at",
    consent: str = "consent_email",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, TargetReport]:
    """Customers who browsed or carted and did not buy (a "you left something behind" mail).

    Parameters
    ----------
    events : DataFrame
        Web/app events; rows without a `customer` id cannot be contacted and
        are left out.
    orders : DataFrame
        Order lines (any status) with `customer` and `ordered_at`.
    customers : DataFrame
        The customer table with the `consent` flag (True/False).
    within_days : int, default=3
        Days the customer had to buy after their last sign of intent.
    as_of : str ("YYYY-MM-DD"), date or None, default=None
        The day of the analysis: events and orders before it count. None: the
        day after the last event in `events` (never today, so results
        reproduce); see :func:`course_lib.validation.resolve_as_of`.
    intent_events : sequence of str, default=INTENT_EVENTS
        Events that count as browsing or carting.
    customer, timestamp, event, ordered_at, consent : str
        Column names; the defaults are the course data's. `customers` may
        have the id as its index instead of a column.
    return_report : bool, default=False
        Also return a :class:`TargetReport`: the rule, and how many matching
        customers were left out for want of consent or of a customer record.

    Returns
    -------
    audience : DataFrame
        One row per customer to contact, indexed by `customer` (sorted):
        ``last_intent_at``, ``last_intent_event`` and ``days_since_intent``.
    report : TargetReport, only when `return_report` is True

    Notes
    -----
    A customer is on the list when their last intent event (before `as_of`)
    happened at least `within_days` days before `as_of` and they have placed
    no order since it (an order at the very moment counts as buying). Any
    order counts, whatever its status: a cancelled order is a service
    problem, not an abandoned cart. Old intents stay on the list; filter on
    ``days_since_intent`` to keep only fresh ones.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "customer_id": [1, 2, 3],
    ...     "timestamp": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-03-09"], format="%Y-%m-%d"),
    ...     "event": ["add_to_cart", "add_to_cart", "view_dish"],
    ... })
    >>> orders = pd.DataFrame({
    ...     "customer_id": [2], "ordered_at": pd.to_datetime(["2024-03-02"], format="%Y-%m-%d"),
    ... })
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "consent_email": [True, True, True]})
    >>> abandoned_carts(events, orders, customers, within_days=3)
                last_intent_at last_intent_event  days_since_intent
    customer_id
    1               2024-03-01       add_to_cart                  9

    Customer 2 bought the next day; customer 3 browsed yesterday and still
    has time to buy.
    """
    require_non_empty(events, name="events")
    require_columns(events, [customer, timestamp, event], name="events")
    require_datetime(events, timestamp, name="events")
    require_columns(orders, [customer, ordered_at], name="orders")
    require_datetime(orders, ordered_at, name="orders")
    _require_customers(customers, customer=customer, consent=consent)
    require_positive_int(within_days, parameter="within_days", function="abandoned_carts")
    require_matching_ids({"events": events, "orders": orders, "customers": customers}, customer)
    as_of = resolve_as_of(as_of, events[timestamp], function="abandoned_carts", later_rows="allowed", name="events")

    intents = events.loc[
        events[customer].notna() & events[event].isin(intent_events) & (events[timestamp] < as_of),
        [customer, timestamp, event],
    ]
    last_intent = (
        intents.sort_values(timestamp, kind="stable")
        .drop_duplicates(customer, keep="last")
        .rename(columns={timestamp: "last_intent_at", event: "last_intent_event"})
    )
    placed = orders.loc[orders[customer].notna() & (orders[ordered_at] < as_of)]
    last_order_at = last_intent[customer].map(placed.groupby(customer, observed=True)[ordered_at].max())
    window_over = last_intent["last_intent_at"] <= as_of - pd.Timedelta(days=within_days)
    no_order_since = last_order_at.isna() | (last_order_at < last_intent["last_intent_at"])
    candidates = (
        last_intent.loc[window_over & no_order_since]
        .assign(days_since_intent=lambda frame: (as_of - frame["last_intent_at"]).dt.days)
        .set_index(customer)
        .sort_index()
    )
    rule = f"browsed or carted, no order in the {within_days} day(s) after (as of {as_of:%Y-%m-%d})"
    return _with_consent(
        candidates,
        customers,
        name="abandoned cart",
        rule=rule,
        customer=customer,
        consent=consent,
        return_report=return_report,
        function="abandoned_carts",
    )


def first_order_incentive(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    within_days: int = 30,
    as_of: pd.Timestamp | str | None = None,
    customer: str = "customer_id",
    order: str = "order_id",
    ordered_at: str = "ordered_at",
    status: str = "status",
    consent: str = "consent_email",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, TargetReport]:
    """New customers with exactly one order so far, due an "after the first order" incentive.

    Parameters
    ----------
    orders : DataFrame
        Order lines with `customer`, `order`, `ordered_at` and `status`.
    customers : DataFrame
        The customer table with the `consent` flag (True/False).
    within_days : int, default=30
        How recent the first order must be: older one-time buyers have
        lapsed and belong to a win-back list instead.
    as_of : str ("YYYY-MM-DD"), date or None, default=None
        The day of the analysis: orders before it count. None: the day after
        the last order in `orders` (:func:`course_lib.validation.resolve_as_of`).
    customer, order, ordered_at, status, consent : str
        Column names; the defaults are the course data's. `customers` may
        have the id as its index instead of a column.
    return_report : bool, default=False
        Also return a :class:`TargetReport`: the rule, and how many matching
        customers were left out for want of consent or of a customer record.

    Returns
    -------
    audience : DataFrame
        One row per customer to contact, indexed by `customer` (sorted):
        ``first_order_at`` and ``days_since_first_order``.
    report : TargetReport, only when `return_report` is True

    Notes
    -----
    Only delivered orders count (a cancelled or refunded first try is not a
    first meal). A customer is due the incentive when they have exactly one
    delivered order before `as_of`, placed at most `within_days` days before it.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 2, 2, 3],
    ...     "order_id": [10, 11, 12, 13],
    ...     "ordered_at": pd.to_datetime(["2024-03-20", "2024-03-01", "2024-03-15", "2024-01-02"],
    ...                                  format="%Y-%m-%d"),
    ...     "status": ["delivered"] * 4,
    ... })
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "consent_email": [True, True, True]})
    >>> first_order_incentive(orders, customers, within_days=30)
                first_order_at  days_since_first_order
    customer_id
    1               2024-03-20                       1
    """
    require_non_empty(orders, name="orders")
    require_columns(orders, [customer, order, ordered_at, status], name="orders")
    require_datetime(orders, ordered_at, name="orders")
    _require_customers(customers, customer=customer, consent=consent)
    require_positive_int(within_days, parameter="within_days", function="first_order_incentive")
    require_matching_ids({"orders": orders, "customers": customers}, customer)
    as_of = resolve_as_of(
        as_of, orders[ordered_at], function="first_order_incentive", later_rows="allowed", name="orders"
    )

    delivered = _delivered_orders(orders, customer=customer, order=order, status=status)
    delivered = delivered.loc[delivered[ordered_at] < as_of]
    per_customer = delivered.groupby(customer, observed=True).agg(
        n_orders=(order, "size"), first_order_at=(ordered_at, "min")
    )
    days_since = (as_of - per_customer["first_order_at"]).dt.days
    candidates = per_customer.loc[
        per_customer["n_orders"].eq(1) & (days_since <= within_days), ["first_order_at"]
    ].assign(days_since_first_order=days_since)
    rule = f"exactly one delivered order, placed in the last {within_days} day(s) (as of {as_of:%Y-%m-%d})"
    return _with_consent(
        candidates,
        customers,
        name="first-order incentive",
        rule=rule,
        customer=customer,
        consent=consent,
        return_report=return_report,
        function="first_order_incentive",
    )


def single_channel_shoppers(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    min_orders: int = 2,
    customer: str = "customer_id",
    order: str = "order_id",
    ordered_at: str = "ordered_at",
    channel: str = "channel",
    status: str = "status",
    consent: str = "consent_email",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, TargetReport]:
    """Repeat customers who always order through the same channel, to invite to a second one.

    Parameters
    ----------
    orders : DataFrame
        Order lines with `customer`, `order`, `ordered_at`, `channel` and `status`.
    customers : DataFrame
        The customer table with the `consent` flag (True/False).
    min_orders : int, default=2
        Delivered orders needed before a single channel says something: a
        one-order customer has used one channel by definition.
    customer, order, ordered_at, channel, status, consent : str
        Column names; the defaults are the course data's. `customers` may
        have the id as its index instead of a column.
    return_report : bool, default=False
        Also return a :class:`TargetReport`: the rule, and how many matching
        customers were left out for want of consent or of a customer record.

    Returns
    -------
    audience : DataFrame
        One row per customer to contact, indexed by `customer` (sorted):
        ``only_channel`` and ``n_orders``.
    report : TargetReport, only when `return_report` is True

    Notes
    -----
    Counts delivered orders only; a customer is on the list when they have
    at least `min_orders` of them and all went through one channel.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2],
    ...     "order_id": [10, 11, 12, 13],
    ...     "ordered_at": pd.to_datetime(["2024-03-01", "2024-03-08", "2024-03-02", "2024-03-09"],
    ...                                  format="%Y-%m-%d"),
    ...     "channel": ["app", "app", "app", "web"],
    ...     "status": ["delivered"] * 4,
    ... })
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "consent_email": [True, True]})
    >>> single_channel_shoppers(orders, customers)
                only_channel  n_orders
    customer_id
    1                    app         2
    """
    require_columns(orders, [customer, order, ordered_at, channel, status], name="orders")
    require_datetime(orders, ordered_at, name="orders")
    _require_customers(customers, customer=customer, consent=consent)
    require_positive_int(min_orders, parameter="min_orders", function="single_channel_shoppers")
    require_matching_ids({"orders": orders, "customers": customers}, customer)

    delivered = _delivered_orders(orders, customer=customer, order=order, status=status)
    per_customer = delivered.groupby(customer, observed=True).agg(
        only_channel=(channel, "first"), n_channels=(channel, "nunique"), n_orders=(order, "size")
    )
    single_channel = per_customer["n_channels"].eq(1) & (per_customer["n_orders"] >= min_orders)
    candidates = per_customer.loc[single_channel, ["only_channel", "n_orders"]]
    rule = f"at least {min_orders} delivered orders, all through one channel"
    return _with_consent(
        candidates,
        customers,
        name="second channel",
        rule=rule,
        customer=customer,
        consent=consent,
        return_report=return_report,
        function="single_channel_shoppers",
    )


def win_back(
    segment_table: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    at_risk_segments: Sequence[str],
    segment: str = "segment",
    customer: str = "customer_id",
    consent: str = "consent_email",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, TargetReport]:
    """Members of the segments at risk of leaving, for a win-back campaign.

    Parameters
    ----------
    segment_table : DataFrame
        One row per customer with its `segment`, indexed by the customer id
        (as the RFM segments of :mod:`course_lib.rfm` are) or with it as a
        column; every column is kept.
    customers : DataFrame
        The customer table with the `consent` flag (True/False).
    at_risk_segments : sequence of str
        The segment names to win back. There is no default on purpose: which
        segments are "at risk" is a decision, and the names depend on the
        segmentation. Each name must occur in `segment_table` (or be one of
        its categories), which catches typos.
    segment, customer, consent : str
        Column names; the defaults are the course data's. The customer id may
        be the index of either table instead of a column.
    return_report : bool, default=False
        Also return a :class:`TargetReport`: the rule, and how many matching
        customers were left out for want of consent or of a customer record.

    Returns
    -------
    audience : DataFrame
        The rows of `segment_table` in those segments whose customers
        consented, indexed by `customer` (sorted).
    report : TargetReport, only when `return_report` is True

    Examples
    --------
    >>> segments = pd.DataFrame({"customer_id": [1, 2], "segment": ["Hibernating", "Loyal"]})
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "consent_email": [True, True]})
    >>> win_back(segments, customers, at_risk_segments=["Hibernating"])
                     segment
    customer_id
    1            Hibernating
    """
    require_columns(segment_table, [segment], name="segment_table")
    customer_ids(segment_table, customer, name="segment_table")
    _require_customers(customers, customer=customer, consent=consent)
    require_matching_ids({"segment_table": segment_table, "customers": customers}, customer)
    wanted = [at_risk_segments] if isinstance(at_risk_segments, str) else list(at_risk_segments)
    if not wanted:
        raise ValueError("`at_risk_segments` is empty; name at least one segment to win back.")
    labels = segment_table[segment]
    is_categorical = isinstance(labels.dtype, pd.CategoricalDtype)
    known = set(labels.cat.categories) if is_categorical else set(labels.dropna())
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError(
            f"`at_risk_segments` names segment(s) {sample_of(unknown, limit=len(unknown))} that "
            f"column {segment!r} of `segment_table` does not hold. Available segments: "
            f"{sorted(known, key=str)}."
        )
    members = segment_table.loc[labels.isin(wanted)]
    candidates = (members.set_index(customer) if customer in members.columns else members).sort_index()
    rule = f"in segment(s) {', '.join(wanted)}"
    return _with_consent(
        candidates,
        customers,
        name="win-back",
        rule=rule,
        customer=customer,
        consent=consent,
        return_report=return_report,
        function="win_back",
    )


# --------------------------------------------------------------- gold questions


class GoldQuestions(ClassifierMixin, BaseEstimator):
    """Pick the few survey questions that best place a customer in a segment.

    A full survey places customers well but few people answer it. A CRM
    sign-up form can ask two or three questions. This estimator chooses those
    questions, measures how well they place people it has not seen, and then
    places new contacts who answered only them.

    Parameters
    ----------
    max_questions : int, default=3
        At most this many questions are chosen; fewer when one more does not
        improve the cross-validated accuracy.
    max_depth : int, default=3
        Depth of the decision tree: shallow enough to read as a few rules.
    test_size : float, default=0.25
        Share of the rows held out, never seen while choosing questions or
        fitting, to measure accuracy honestly.
    cv : int, default=5
        Folds of the cross-validation on the training rows that scores each
        candidate question.
    random_state : int, default=0
        Seed of the split, the folds and the tree.

    Attributes
    ----------
    questions_ : list of str
        The chosen questions, in the order they were added.
    selection_scores_ : Series
        Cross-validated accuracy on the training rows after adding each question.
    model_ : DecisionTreeClassifier
        The tree fitted on the training rows' answers to `questions_`.
    classes_ : ndarray
        The segments.
    train_index_, test_index_ : Index
        Labels of the rows of `X` used to train and held out.
    train_accuracy_ : float
        Accuracy on the training rows (optimistic: the model has seen them).
    holdout_accuracy_ : float
        Accuracy on the held-out rows: the figure to report.
    baseline_accuracy_ : float
        Accuracy on the held-out rows of always guessing the largest training
        segment; the questions are worth asking only if they beat it.
    confusion_matrix_ : DataFrame
        Held-out rows counted by true segment (rows) and predicted segment
        (columns).

    Notes
    -----
    1. The rows are split once into training and held-out rows, stratified
       by segment (each segment keeps its share in both), with `test_size`
       held out.
    2. Greedy forward selection on the training rows only: start with no
       question; at each step add the question whose tree has the highest
       mean `cv`-fold cross-validated accuracy (stratified folds); stop after
       `max_questions` or when no question raises that accuracy. Ties go to
       the earlier column of `X`.
    3. A decision tree of depth `max_depth` is fitted on the training rows'
       answers to the chosen questions; missing answers are allowed (the
       tree learns which side they go).
    4. Accuracy = share of rows whose predicted segment is the true one.

    Real gold-question models are far from 100 % accurate: segments overlap,
    people answer loosely, and a few questions hold less than a whole survey.
    Held-out accuracies of 60-80 % are typical; always compare with
    ``baseline_accuracy_`` and read the confusion matrix to see which
    segments get mixed up.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> answers = pd.DataFrame(rng.integers(1, 6, size=(300, 4)),
    ...                        columns=["q_health", "q_budget", "q_variety", "q_shop_access"])
    >>> segment = np.where(answers["q_health"] >= 4, "health first",
    ...                    np.where(answers["q_budget"] >= 4, "budget", "curious"))
    >>> loose = rng.random(300) < 0.4  # people answer loosely: 40 % of the labels are guesses
    >>> noisy = np.where(loose, rng.choice(["health first", "budget", "curious"], 300), segment)
    >>> gold = GoldQuestions(max_questions=3, random_state=0).fit(answers, noisy)
    >>> gold.questions_
    ['q_health', 'q_budget']
    >>> print(f"held-out accuracy {gold.holdout_accuracy_:.2f}, baseline {gold.baseline_accuracy_:.2f}")
    held-out accuracy 0.72, baseline 0.40
    >>> gold.confusion_matrix_
    predicted segment  budget  curious  health first
    true segment
    budget                 16        2             6
    curious                 4       13             4
    health first            3        2            25
    >>> gold.predict(pd.DataFrame({"q_health": [5, 1], "q_budget": [2, 5]}))
    array(['health first', 'budget'], dtype=object)
    """

    def __init__(
        self,
        *,
        max_questions: int = 3,
        max_depth: int = 3,
        test_size: float = 0.25,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.max_questions = max_questions
        self.max_depth = max_depth
        self.test_size = test_size
        self.cv = cv
        self.random_state = random_state

    def _tree(self) -> DecisionTreeClassifier:
        return DecisionTreeClassifier(max_depth=self.max_depth, random_state=self.random_state)

    def _check_parameters(self) -> None:
        for parameter, minimum in (("max_questions", 1), ("max_depth", 1), ("cv", 2), ("random_state", 0)):
            require_positive_int(
                getattr(self, parameter), parameter=parameter, function="GoldQuestions", minimum=minimum
            )
        test_size = self.test_size
        if isinstance(test_size, bool) or not isinstance(test_size, float) or not 0 < test_size < 1:
            raise ValueError(
                f"The 'test_size' parameter of GoldQuestions must be a float between 0 and 1 "
                f"(exclusive), like 0.25. Got {test_size!r} instead."
            )

    @staticmethod
    def _answers(X: Any, columns: Sequence[str], *, name: str) -> pd.DataFrame:
        """The answers to `columns` as floats (missing answers as NaN), after checking them."""
        require_dataframe(X, name=name)
        require_columns(X, columns, name=name)
        for column in columns:
            require_numeric(X, column, name=name)
        return X[list(columns)].astype("float64")

    def _forward_select(self, X: pd.DataFrame, y: np.ndarray) -> pd.Series:
        """Add questions one at a time while cross-validated accuracy rises (see Notes)."""
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        chosen: dict[str, float] = {}
        best = -math.inf
        while len(chosen) < self.max_questions:
            candidates = [question for question in X.columns if question not in chosen]
            if not candidates:
                break
            scores = {
                question: cross_val_score(self._tree(), X[[*chosen, question]], y, cv=folds).mean()
                for question in candidates
            }
            question = max(scores, key=scores.get)
            if scores[question] <= best:
                break
            best = scores[question]
            chosen[question] = best
        return pd.Series(chosen, name="cv_accuracy", dtype="float64")

    def fit(self, X: pd.DataFrame, y: Any) -> GoldQuestions:
        """Choose the questions on the training rows, fit, and score on the held-out rows.

        Parameters
        ----------
        X : DataFrame
            One row per respondent, one numeric column per candidate question.
        y : array-like of shape (n_rows,)
            Each respondent's segment.

        Returns
        -------
        GoldQuestions
            The fitted estimator.
        """
        self._check_parameters()
        require_non_empty(X, name="X")
        answers = self._answers(X, list(X.columns), name="X")
        segments = np.asarray(y, dtype=object)
        if segments.shape != (len(answers),):
            raise ValueError(f"`y` must hold one segment per row of `X` ({len(answers)}); got shape {segments.shape}.")
        if pd.isna(segments).any():
            raise ValueError("`y` has missing segments; drop those rows from `X` and `y` first.")
        numbers = pd.Series(segments).infer_objects()
        if pd.api.types.is_numeric_dtype(numbers):
            # scikit-learn cannot tell the kind of an object array of numbers (cluster
            # numbers 0..k-1 are the usual case): give it plain numbers.
            segments = numbers.to_numpy()
        sizes = pd.Series(segments).value_counts()
        n_test = math.ceil(self.test_size * len(segments))
        if sizes.min() < 2 or n_test < len(sizes):
            raise ValueError(
                f"A stratified hold-out needs at least 2 rows per segment and at least one held-out "
                f"row per segment; got {len(segments)} rows, {n_test} held out, segment sizes "
                f"{sizes.to_dict()}. Gather more answers or merge small segments."
            )

        train_rows, test_rows = train_test_split(
            np.arange(len(segments)),
            test_size=self.test_size,
            stratify=segments,
            random_state=self.random_state,
        )
        X_train, y_train = answers.iloc[train_rows], segments[train_rows]
        X_test, y_test = answers.iloc[test_rows], segments[test_rows]
        training_sizes = pd.Series(y_train).value_counts()
        if training_sizes.min() < self.cv:
            raise ValueError(
                f"Segment {training_sizes.idxmin()!r} has only {training_sizes.min()} training row(s), "
                f"fewer than cv={self.cv} folds. Lower `cv` or gather more answers."
            )

        self.selection_scores_ = self._forward_select(X_train, y_train)
        self.questions_ = list(self.selection_scores_.index)
        self.model_ = self._tree().fit(X_train[self.questions_], y_train)
        self.classes_ = self.model_.classes_
        self.train_index_, self.test_index_ = X.index[train_rows], X.index[test_rows]

        predicted = self.model_.predict(X_test[self.questions_])
        self.train_accuracy_ = float(accuracy_score(y_train, self.model_.predict(X_train[self.questions_])))
        self.holdout_accuracy_ = float(accuracy_score(y_test, predicted))
        self.baseline_accuracy_ = float(np.mean(y_test == training_sizes.idxmax()))
        self.confusion_matrix_ = pd.DataFrame(
            confusion_matrix(y_test, predicted, labels=self.classes_),
            index=pd.Index(self.classes_, name="true segment"),
            columns=pd.Index(self.classes_, name="predicted segment"),
        )
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Place respondents in segments from their answers to `questions_` only.

        Parameters
        ----------
        X : DataFrame
            Must have the columns `questions_` (others are ignored), for
            example new CRM contacts who answered only the gold questions.

        Returns
        -------
        ndarray of shape (n_rows,)
            The predicted segment of each row.
        """
        check_is_fitted(self, "model_")
        return self.model_.predict(self._answers(X, self.questions_, name="X"))


# -------------------------------------------------------------- campaign uplift


def campaign_uplift(
    responses: pd.DataFrame,
    *,
    group: str = "group",
    responded: str = "responded",
    campaign: str | None = "campaign_id",
    customer: str = "customer_id",
    treatment: str = "treatment",
    holdout: str = "holdout",
    min_group_size: int = 30,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Response rates of the contacted group and the hold-out group, and the uplift between them.

    Parameters
    ----------
    responses : DataFrame
        One row per customer and campaign: the randomised `group` and whether
        the customer `responded` (True/False).
    group, responded, customer : str
        Column names; the defaults are the course data's.
    campaign : str or None, default="campaign_id"
        Column of the campaign, one result row per campaign; None to treat
        all rows as one campaign.
    treatment, holdout : str or bool
        The values of `group` for contacted customers and for the hold-out.
        For a True/False hold-out flag, pass ``group="holdout",
        treatment=False, holdout=True``.
    min_group_size : int, default=30
        Smaller groups are flagged ``too_small``.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row per campaign: ``n_treatment``, ``n_holdout``,
        ``responders_treatment``, ``responders_holdout``, ``rate_treatment``,
        ``rate_holdout`` (shares, 0-1), ``uplift``, ``ci_low``, ``ci_high``,
        ``too_small`` (True when the groups are too small to tell) and
        ``verdict`` (the result in words).

    Notes
    -----
    With n₁ contacted customers of whom a share p₁ responded and n₀ held-out
    customers with share p₀: uplift = p₁ − p₀ (×100 for percentage points).
    The interval is the normal approximation for a difference of two
    independent proportions (Wald): uplift ± z × √(p₁(1 − p₁)/n₁ +
    p₀(1 − p₀)/n₀), z = 1.96 for 95 %. Because the hold-out is chosen at
    random, the uplift estimates what the campaign caused; the response rate
    of the contacted group alone does not (some would have ordered anyway).

    The approximation needs enough people: ``too_small`` is True when a
    group has fewer than `min_group_size` customers, or fewer than 5
    responders or 5 non-responders. Then the verdict is "too small to tell",
    whatever the numbers say. Otherwise the verdict says whether the interval
    excludes 0.

    Examples
    --------
    >>> responses = pd.DataFrame({
    ...     "customer_id": range(400),
    ...     "campaign_id": "spring",
    ...     "group": ["treatment"] * 200 + ["holdout"] * 200,
    ...     "responded": [True] * 50 + [False] * 150 + [True] * 30 + [False] * 170,
    ... })
    >>> result = campaign_uplift(responses)
    >>> result[["campaign_id", "rate_treatment", "rate_holdout", "uplift"]]
      campaign_id  rate_treatment  rate_holdout  uplift
    0      spring            0.25          0.15     0.1
    >>> print(f"{result.loc[0, 'ci_low']:.3f} to {result.loc[0, 'ci_high']:.3f}: {result.loc[0, 'verdict']}")
    0.022 to 0.178: uplift: the interval excludes 0
    """
    keys = [] if campaign is None else [campaign]
    require_non_empty(responses, name="responses")
    require_columns(responses, [*keys, customer, group, responded], name="responses")
    require_boolean(responses, responded, name="responses")
    require_positive_int(min_group_size, parameter="min_group_size", function="campaign_uplift")
    check_scalar(
        confidence, parameter="confidence", function="campaign_uplift", low=0, high=1, inclusive="neither", example=0.95
    )
    unknown_groups = responses.loc[~responses[group].isin([treatment, holdout]), group]
    if len(unknown_groups):
        raise ValueError(
            f"Column {group!r} of `responses` must hold only {[treatment, holdout]}; found "
            f"{len(unknown_groups)} other value(s), like {sample_of(unknown_groups)}."
        )
    if responses[responded].isna().any():
        raise ValueError(
            f"Column {responded!r} of `responses` has missing values; record every response as True or False."
        )
    repeated = responses.duplicated([*keys, customer])
    if repeated.any():
        raise ValueError(
            f"`responses` lists {int(repeated.sum())} customer(s) more than once in a campaign, like "
            f"{sample_of(responses.loc[repeated, customer])}; each customer must count once."
        )

    # Without a campaign column every row belongs to one campaign, "all".
    frame, by = (responses, keys) if keys else (responses.assign(_all="all"), ["_all"])
    both_groups = pd.MultiIndex.from_product([["n", "responders"], [treatment, holdout]])
    counts = (
        frame.groupby([*by, group], observed=True)[responded]
        .agg(n="size", responders="sum")
        .unstack(group, fill_value=0)
        .reindex(columns=both_groups, fill_value=0)
    )
    n_t, n_h = counts[("n", treatment)], counts[("n", holdout)]
    r_t, r_h = counts[("responders", treatment)], counts[("responders", holdout)]
    rate_t, rate_h = r_t / n_t.where(n_t > 0), r_h / n_h.where(n_h > 0)
    uplift = rate_t - rate_h
    standard_error = np.sqrt(rate_t * (1 - rate_t) / n_t + rate_h * (1 - rate_h) / n_h)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    ci_low, ci_high = uplift - z * standard_error, uplift + z * standard_error

    rarest_outcome = pd.concat([r_t, n_t - r_t, r_h, n_h - r_h], axis=1).min(axis=1)
    too_small = (n_t < min_group_size) | (n_h < min_group_size) | (rarest_outcome < 5)
    too_small_reason = (
        "too small to tell: "
        + n_t.astype(str)
        + " contacted and "
        + n_h.astype(str)
        + " held-out customers, "
        + rarest_outcome.astype(str)
        + " in the rarest outcome (needs "
        + f"{min_group_size} per group and 5 responders and non-responders in each)"
    )
    verdict = np.where(
        too_small,
        too_small_reason,
        np.select(
            [ci_low > 0, ci_high < 0],
            ["uplift: the interval excludes 0", "drop: the interval excludes 0"],
            default="no clear effect: the interval includes 0",
        ),
    )
    result = pd.DataFrame(
        {
            "n_treatment": n_t,
            "n_holdout": n_h,
            "responders_treatment": r_t,
            "responders_holdout": r_h,
            "rate_treatment": rate_t,
            "rate_holdout": rate_h,
            "uplift": uplift,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "too_small": too_small,
            "verdict": verdict,
        }
    )
    return result.reset_index(drop=campaign is None)


# ------------------------------------------------------------ segment scorecard

#: Cut-offs that turn each measured criterion into a score of 1 to 5 (below the first: 1;
#: at or above the last: 5). Edit a copy and pass it as ``bins=`` to change them.
SCORECARD_BINS: dict[str, tuple[float, float, float, float]] = {
    # share of the segment's customers with every defining column recorded
    "measurable": (0.4, 0.6, 0.8, 0.95),
    # share of all customers in the segment
    "substantial": (0.05, 0.10, 0.20, 0.30),
    # share of the segment's customers who consented to be contacted
    "accessible": (0.4, 0.6, 0.8, 0.95),
    # largest |standardised difference| of a profile column between the segment and the rest
    # (Cohen's 0.2 small, 0.5 medium, 0.8 large)
    "differentiable": (0.2, 0.5, 0.8, 1.2),
    # share of all revenue
    "size": (0.05, 0.10, 0.20, 0.30),
    # relative change in customers between two snapshots (after / before - 1)
    "growth": (-0.10, -0.02, 0.02, 0.10),
    # margin per customer relative to the average customer's
    "margin": (0.5, 0.8, 1.2, 1.5),
}
#: The criteria a table of judgements supplies: no data can say them.
JUDGED_CRITERIA = ("actionable", "fit")


def _score(values: pd.Series, cuts: Sequence[float]) -> pd.Series:
    scores = pd.Series(np.digitize(values.to_numpy(dtype=float), cuts) + 1, index=values.index, dtype="Int64")
    return scores.mask(values.isna())


def segment_scorecard(
    data: pd.DataFrame,
    *,
    segment: str = "segment",
    customer: str = "customer_id",
    revenue: str = "net_revenue",
    measured_by: Sequence[str] = (),
    consent: str | None = "consent_email",
    profile: Sequence[str] = (),
    growth: pd.Series | dict | None = None,
    judgements: pd.DataFrame | None = None,
    min_customers: int = 50,
    bins: dict[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Score each segment on Kotler's five criteria and on its attractiveness, 1 (poor) to 5 (strong).

    Parameters
    ----------
    data : DataFrame
        One row per customer, indexed by the `customer` id (or with it as a
        column): the `segment`, `revenue` (euros), and the columns named
        below. Not modified.
    segment, customer, revenue : str
        Column names.
    measured_by : sequence of str, default=()
        The columns the segment is defined from; **measurable** is the share
        of the segment's customers with all of them recorded (1.0 when empty:
        the segment column itself is complete).
    consent : str or None, default="consent_email"
        True/False column; **accessible** is the share who may be contacted.
        None leaves accessible to `judgements`.
    profile : sequence of str, default=()
        Numeric columns that describe customers (frequency, spend, a survey
        answer); **differentiable** is the largest standardised difference
        between the segment and the rest. Empty leaves it to `judgements`.
    growth : Series or dict, optional
        Relative change in each segment's customers, for example from
        :func:`course_lib.segments.migration` (customers after / before − 1).
    judgements : DataFrame, optional
        The small editable table of what data cannot say: indexed by segment,
        columns ``actionable`` and ``fit`` (1-5; can Green Fork act on it, does
        it fit the brand and skills), optionally ``margin_share`` (gross
        margin share of revenue, 0-1, default 1) and any criterion missing
        from the data. Scores given here override nothing measured.
    min_customers : int, default=50
        Fewer customers than this scores **substantial** 1 whatever the share:
        too few to serve or to measure a campaign on.
    bins : dict, optional
        Replacement cut-offs for :data:`SCORECARD_BINS`.

    Returns
    -------
    DataFrame
        Indexed by segment: the measured values (``customers``,
        ``customer_share``, ``revenue_share``, ``revenue_per_customer``,
        ``complete_share``, ``consent_share``, ``max_std_difference``,
        ``growth_rate``, ``margin_index``), one score column per criterion
        (``measurable``, ``substantial``, ``accessible``, ``differentiable``,
        ``actionable``, ``size``, ``growth``, ``margin``, ``fit``),
        ``kotler`` (the lowest of the five: a segment is as usable as its
        weakest criterion), ``attractiveness`` (mean of the four; missing until all four are scored) and
        ``to_judge`` (criteria still without a score).

    Notes
    -----
    The cut-offs are conventions, stated in :data:`SCORECARD_BINS`, not
    laws: the scorecard makes a choice discussable, it does not make it.
    Standardised difference = (segment mean − rest mean) / pooled sd.

    Examples
    --------
    >>> data = pd.DataFrame({
    ...     "customer_id": range(200),
    ...     "segment": ["Lunch"] * 150 + ["Gourmet"] * 50,
    ...     "net_revenue": [100.0] * 150 + [400.0] * 50,
    ...     "consent_email": [True] * 120 + [False] * 30 + [True] * 50,
    ... })
    >>> judged = pd.DataFrame({"actionable": [5, 4], "fit": [5, 3]}, index=["Lunch", "Gourmet"])
    >>> card = segment_scorecard(data, judgements=judged, profile=["net_revenue"], growth={"Lunch": 0.0, "Gourmet": 0.15})
    >>> card[["customers", "accessible", "substantial", "kotler", "margin", "attractiveness"]]
             customers  accessible  substantial  kotler  margin  attractiveness
    segment
    Gourmet         50           5            4       4       5            4.50
    Lunch          150           4            5       4       2            3.75
    """
    function = "segment_scorecard"
    require_non_empty(data, name="data")
    columns = [segment, revenue, *measured_by, *profile] + ([consent] if consent else [])
    require_columns(data, columns, name="data")
    ids = customer_ids(data, customer, name="data")
    require_numeric(data, revenue, name="data")
    for column in profile:
        require_numeric(data, column, name="data")
    require_positive_int(min_customers, parameter="min_customers", function=function)
    if ids.duplicated().any():
        raise ValueError(
            f"`data` lists customers more than once, like {sample_of(ids[ids.duplicated()])}; one row per customer."
        )
    if data[segment].isna().any():
        raise ValueError(
            f"Column {segment!r} of `data` has {int(data[segment].isna().sum())} customer(s) without a segment; assign or drop them first."
        )
    if consent:
        require_boolean(data, consent, name="data")
    cuts = {**SCORECARD_BINS, **(bins or {})}
    unknown_bins = set(cuts) - set(SCORECARD_BINS)
    if unknown_bins:
        raise ValueError(
            f"The 'bins' parameter of {function} has unknown criteria {sorted(unknown_bins)}; known: {sorted(SCORECARD_BINS)}."
        )

    grouped = data.groupby(segment, observed=True)
    card = pd.DataFrame({"customers": grouped.size()})
    card["customer_share"] = card["customers"] / len(data)
    money = data[revenue].astype(float).fillna(0.0)
    card["revenue_share"] = money.groupby(data[segment], observed=True).sum() / money.sum() if money.sum() else np.nan
    card["revenue_per_customer"] = money.groupby(data[segment], observed=True).mean()
    complete = data[list(measured_by)].notna().all(axis=1) if measured_by else pd.Series(True, index=data.index)
    card["complete_share"] = complete.groupby(data[segment], observed=True).mean()
    card["consent_share"] = (
        data[consent].astype(float).groupby(data[segment], observed=True).mean() if consent else np.nan
    )
    differences = []
    for name in card.index:
        inside = data[segment] == name
        gaps = []
        for column in profile:
            a, b = data.loc[inside, column].astype(float).dropna(), data.loc[~inside, column].astype(float).dropna()
            if len(a) > 1 and len(b) > 1:
                pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(a) + len(b) - 2))
                gaps.append(abs(a.mean() - b.mean()) / pooled if pooled > 0 else np.inf)
        differences.append(max(gaps) if gaps else np.nan)
    card["max_std_difference"] = differences
    growth_rate = pd.Series(growth if growth is not None else {}, dtype=float)
    card["growth_rate"] = growth_rate.reindex(card.index)

    table = pd.DataFrame(index=card.index) if judgements is None else judgements
    if judgements is not None:
        unknown = [s for s in judgements.index if s not in card.index]
        if unknown:
            raise ValueError(
                f"`judgements` has segment(s) {unknown} not in column {segment!r} of `data`; segments are {card.index.tolist()}."
            )
        for column in judgements.columns:
            if column == "margin_share":
                values = judgements[column].dropna()
                if ((values <= 0) | (values > 1)).any():
                    raise ValueError("Column 'margin_share' of `judgements` must lie in (0, 1], a share of revenue.")
            elif (
                column in (*JUDGED_CRITERIA, *SCORECARD_BINS)
                and not judgements[column].dropna().isin([1, 2, 3, 4, 5]).all()
            ):
                raise ValueError(f"Column {column!r} of `judgements` must hold scores 1 to 5 (or be empty).")
    table = table.reindex(card.index)
    margin_share = table["margin_share"].fillna(1.0) if "margin_share" in table else pd.Series(1.0, index=card.index)
    margin_per_customer = card["revenue_per_customer"] * margin_share
    average = (margin_per_customer * card["customers"]).sum() / card["customers"].sum()
    card["margin_index"] = margin_per_customer / average if average else np.nan

    measured = {
        "measurable": "complete_share",
        "substantial": "customer_share",
        "accessible": "consent_share",
        "differentiable": "max_std_difference",
        "size": "revenue_share",
        "growth": "growth_rate",
        "margin": "margin_index",
    }
    for criterion in (
        "measurable",
        "substantial",
        "accessible",
        "differentiable",
        "actionable",
        "size",
        "growth",
        "margin",
        "fit",
    ):
        score = (
            _score(card[measured[criterion]], cuts[criterion])
            if criterion in measured
            else pd.Series(pd.NA, index=card.index, dtype="Int64")
        )
        if criterion in table:
            score = score.fillna(table[criterion].astype("Int64"))
        card[criterion] = score
    card.loc[card["customers"] < min_customers, "substantial"] = 1
    five = ["measurable", "substantial", "accessible", "differentiable", "actionable"]
    four = ["size", "growth", "margin", "fit"]
    card["kotler"] = card[five].min(axis=1, skipna=False).astype("Int64")
    card["attractiveness"] = card[four].astype(float).mean(axis=1, skipna=False)  # a partial mean would hide a gap
    missing = card[five + four].isna()
    card["to_judge"] = missing.apply(lambda row: ", ".join(row.index[row]), axis=1)
    return card
