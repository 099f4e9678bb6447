"""One row per customer: merging orders, survey, web/app events and CRM tickets.

A "360° customer view" puts everything the business knows about a customer on
one row: what they bought (orders), what they said (survey), what they did on
the site or app (events) and why they called (CRM tickets). Each source is first
summarised to one row per customer, then the summaries are joined to the
customer table on the customer id.

Three things make the merge trustworthy, and this module does all three:

* ids are checked before merging: a missing id column, or ids stored as text
  in one table and as numbers in another, is an error that says how to fix it
  (a silent merge would just match nobody);
* :func:`data_quality_report` says what the merge could *not* link, and what
  that means for the conclusions;
* :func:`nps` and :func:`nps_by` report the Net Promoter Score with its count
  and an interval, so a score from a handful of answers is not over-read.

Examples
--------
>>> import pandas as pd
>>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "diet": ["vegan", "vegetarian", "vegan"]})
>>> survey = pd.DataFrame({
...     "customer_id": [1, 3],
...     "answered_at": pd.to_datetime(["2024-03-01", "2024-03-02"], format="%Y-%m-%d"),
...     "nps": [10, 4],
... })
>>> customer_view(customers, survey=survey)[["customer_id", "diet", "answered_survey", "nps"]]
   customer_id        diet  answered_survey   nps
0            1       vegan             True  10.0
1            2  vegetarian            False   NaN
2            3       vegan             True   4.0
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from course_lib.datasets import schema
from course_lib.validation import (
    check_scalar,
    customer_ids,
    require_columns,
    require_dataframe,
    require_datetime,
    require_in_range,
    require_matching_ids,
    require_non_empty,
    require_numeric,
    require_one_row_per_id,
    require_positive_int,
    sample_of,
)

__all__ = [
    "COUNTED_EVENTS",
    "ORDER_STATUSES",
    "SURVEY_QUESTIONS",
    "behaviour_summary",
    "customer_view",
    "data_quality_report",
    "nps",
    "nps_by",
    "order_summary",
    "survey_latest",
    "ticket_summary",
]

#: The statuses an order line may have in the course data.
ORDER_STATUSES = schema.ORDER_STATUSES

#: The survey's answer columns: eight Likert items (1-5) and the NPS question (0-10).
SURVEY_QUESTIONS = (*schema.LIKERT_ITEMS, "nps")

#: The events counted per customer by :func:`behaviour_summary` unless told otherwise.
COUNTED_EVENTS = ("view_menu", "add_to_cart", "start_checkout", "pay", "payment_failed", "contact_support")


# --------------------------------------------------------------------------- ids


def _require_values_in(data: pd.DataFrame, column: str, allowed: Sequence[str], *, name: str) -> None:
    """Raise ``ValueError`` naming the values of `column` that are not in `allowed`."""
    unknown = data.loc[data[column].notna() & ~data[column].isin(allowed), column]
    if len(unknown):
        raise ValueError(
            f"Column {column!r} of `{name}` must hold only {list(allowed)}; found "
            f"{len(unknown)} other value(s), like {sample_of(unknown)}."
        )


def _require_one_survey(survey: pd.DataFrame, which_survey: str) -> None:
    """Raise ``ValueError`` when `survey` mixes the responses of different surveys."""
    if which_survey not in survey.columns:
        return
    surveys = survey[which_survey].dropna().unique()
    if len(surveys) > 1:
        first = surveys[0]
        raise ValueError(
            f"`survey` mixes {len(surveys)} surveys in column {which_survey!r} "
            f"({sample_of(surveys)}), whose answers are not comparable. Keep one first, "
            f"for example survey[survey[{which_survey!r}] == {first!r}]."
        )


def _most_frequent(data: pd.DataFrame, *, customer: str, column: str, weight: str | None = None) -> pd.Series:
    """The most frequent (or heaviest) value of `column` per customer; ties go to the first alphabetically."""
    # As text, so that ties sort alphabetically even when `column` is categorical.
    present = data.dropna(subset=[column]).astype({column: str})
    weights = present[weight] if weight is not None else pd.Series(1, index=present.index)
    totals = (
        present.assign(_weight=weights)
        .groupby([customer, column], observed=True)["_weight"]
        .sum()
        .reset_index()
        .sort_values([customer, "_weight", column], ascending=[True, False, True])
    )
    return totals.drop_duplicates(customer).set_index(customer)[column]


# --------------------------------------------------------------------- summaries


def order_summary(
    lines: pd.DataFrame,
    *,
    customer: str = "customer_id",
    order: str = "order_id",
    line: str = "line_number",
    ordered_at: str = "ordered_at",
    channel: str = "channel",
    category: str = "category",
    quantity: str = "quantity",
    unit_price: str = "unit_price",
    discount: str = "discount",
    status: str = "status",
    drop_duplicate_lines: bool = True,
) -> pd.DataFrame:
    """Summarise order lines to one row per customer.

    Parameters
    ----------
    lines : DataFrame
        One row per order line, with the columns named below. `status` holds
        "delivered", "cancelled" or "refunded"; `discount` is the line's
        discount in euros; a missing `customer` is a guest checkout.
    customer, order, line, ordered_at, channel, category, quantity, unit_price, discount, status : str
        Column names; the defaults are the course data's.
    drop_duplicate_lines : bool, default=True
        Keep only the first row of each (`order`, `line`) pair, since a line
        recorded twice would count its revenue twice.
        :func:`data_quality_report` says how many there were.

    Returns
    -------
    DataFrame
        One row per customer id found in `lines` (guest lines are left out),
        indexed by `customer` (sorted), with the columns

        - ``n_orders``: delivered orders;
        - ``n_cancelled_orders``, ``n_refunded_orders``;
        - ``first_order_at``, ``last_order_at``: of delivered orders;
        - ``net_revenue``: euros kept from delivered lines;
        - ``refunded_revenue``: euros paid back on refunded lines;
        - ``discount_share``: discount / gross value of delivered lines;
        - ``favourite_category``: of delivered lines, by quantity;
        - ``n_channels``, ``channels``: channels of delivered orders.

    Notes
    -----
    Per line, gross value = `quantity` × `unit_price` and net value = gross −
    `discount`. ``net_revenue`` sums the net value of delivered lines only: a
    cancelled line was never paid, and a refunded line was paid back (its net
    value goes to ``refunded_revenue`` instead). An order counts as delivered
    (cancelled, refunded) when at least one of its lines is, so an order with
    one refunded line among delivered ones counts in both. ``discount_share``
    = Σ discount / Σ gross over delivered lines (missing with no delivered
    line). ``favourite_category`` is the category with the largest delivered
    quantity; ties go to the first alphabetically. Customers whose every
    order was cancelled or refunded keep a row with ``n_orders`` = 0.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "customer_id": pd.array([1, 1, 1, 2, None], dtype="Int64"),
    ...     "order_id": [10, 10, 11, 12, 13],
    ...     "line_number": [1, 2, 1, 1, 1],
    ...     "ordered_at": pd.to_datetime(["2024-01-02", "2024-01-02", "2024-02-01",
    ...                                   "2024-01-05", "2024-01-06"], format="%Y-%m-%d"),
    ...     "channel": ["app", "app", "web", "app", "web"],
    ...     "category": ["bowl", "drink", "bowl", "curry", "bowl"],
    ...     "quantity": [2, 1, 1, 1, 1],
    ...     "unit_price": [10.0, 3.0, 12.0, 11.0, 9.0],
    ...     "discount": [2.0, 0.0, 0.0, 0.0, 0.0],
    ...     "status": ["delivered", "delivered", "refunded", "cancelled", "delivered"],
    ... })
    >>> summary = order_summary(lines)
    >>> summary[["n_orders", "net_revenue", "refunded_revenue", "channels"]]
                 n_orders  net_revenue  refunded_revenue channels
    customer_id
    1                   1         21.0              12.0      app
    2                   0          0.0               0.0      NaN
    """
    columns = [customer, order, line, ordered_at, channel, category, quantity, unit_price, discount, status]
    require_columns(lines, columns, name="lines")
    for column in (quantity, unit_price, discount):
        require_numeric(lines, column, name="lines")
    require_datetime(lines, ordered_at, name="lines")
    _require_values_in(lines, status, ORDER_STATUSES, name="lines")
    require_matching_ids({"lines": lines}, customer)

    known = lines.loc[lines[customer].notna(), columns]
    if drop_duplicate_lines:
        known = known.drop_duplicates([order, line])
    gross = known[quantity] * known[unit_price]
    net = gross - known[discount]
    delivered = known[status].eq("delivered")
    refunded = known[status].eq("refunded")
    prepared = known.assign(
        _delivered_order=known[order].where(delivered),
        _cancelled_order=known[order].where(known[status].eq("cancelled")),
        _refunded_order=known[order].where(refunded),
        _delivered_at=known[ordered_at].where(delivered),
        _net=net.where(delivered, 0.0),
        _refunded=net.where(refunded, 0.0),
        _gross=gross.where(delivered, 0.0),
        _discount=known[discount].where(delivered, 0.0),
    )
    summary = prepared.groupby(customer, observed=True).agg(
        n_orders=("_delivered_order", "nunique"),
        n_cancelled_orders=("_cancelled_order", "nunique"),
        n_refunded_orders=("_refunded_order", "nunique"),
        first_order_at=("_delivered_at", "min"),
        last_order_at=("_delivered_at", "max"),
        net_revenue=("_net", "sum"),
        refunded_revenue=("_refunded", "sum"),
        _gross=("_gross", "sum"),
        _discount=("_discount", "sum"),
    )
    summary["discount_share"] = (summary["_discount"] / summary["_gross"]).where(summary["_gross"] > 0)

    delivered_lines = prepared.loc[delivered]
    summary["favourite_category"] = _most_frequent(delivered_lines, customer=customer, column=category, weight=quantity)
    channels_used = (
        delivered_lines.dropna(subset=[channel])
        .astype({channel: str})  # sorts alphabetically even when `channel` is categorical
        .drop_duplicates([customer, channel])
        .sort_values([customer, channel])
    )
    by_customer = channels_used.groupby(customer, observed=True)[channel]
    summary["n_channels"] = by_customer.nunique().reindex(summary.index, fill_value=0)
    summary["channels"] = by_customer.agg(", ".join)
    return summary.drop(columns=["_gross", "_discount"])


def behaviour_summary(
    events: pd.DataFrame,
    *,
    customer: str = "customer_id",
    session: str = "session_id",
    timestamp: str = "timestamp",
    event: str = "event",
    counted_events: Sequence[str] = COUNTED_EVENTS,
) -> pd.DataFrame:
    """Summarise web/app events to one row per known customer.

    Parameters
    ----------
    events : DataFrame
        One row per event. Rows without a `customer` id (visitors who never
        logged in) cannot be linked to anyone and are left out.
    customer, session, timestamp, event : str
        Column names; the defaults are the course data's.
    counted_events : sequence of str, default=COUNTED_EVENTS
        Event names to count, one ``n_<event>`` column each (0 when the
        customer never did it, or when no one did).

    Returns
    -------
    DataFrame
        One row per customer, indexed by `customer` (sorted): ``n_sessions``
        (distinct sessions), ``n_events``, ``first_seen_at``, ``last_seen_at``
        and one ``n_<event>`` column per counted event.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": ["s1", "s1", "s2", "s3"],
    ...     "customer_id": pd.array([1, 1, 1, None], dtype="Int64"),
    ...     "timestamp": pd.to_datetime(["2024-01-01 12:00", "2024-01-01 12:05",
    ...                                  "2024-01-03 19:00", "2024-01-03 20:00"],
    ...                                 format="%Y-%m-%d %H:%M"),
    ...     "event": ["visit", "add_to_cart", "add_to_cart", "visit"],
    ... })
    >>> summary = behaviour_summary(events, counted_events=["add_to_cart", "pay"])
    >>> summary.drop(columns=["first_seen_at", "last_seen_at"])
                 n_sessions  n_events  n_add_to_cart  n_pay
    customer_id
    1                     2         3              2      0
    """
    require_columns(events, [customer, session, timestamp, event], name="events")
    require_datetime(events, timestamp, name="events")
    require_matching_ids({"events": events}, customer)
    known = events.loc[events[customer].notna(), [customer, session, timestamp, event]]
    summary = known.groupby(customer, observed=True).agg(
        n_sessions=(session, "nunique"),
        n_events=(event, "size"),
        first_seen_at=(timestamp, "min"),
        last_seen_at=(timestamp, "max"),
    )
    counts = (
        known.groupby([customer, event], observed=True)
        .size()
        .unstack(fill_value=0)
        .reindex(index=summary.index, columns=list(counted_events), fill_value=0)
        .add_prefix("n_")
    )
    return summary.join(counts).rename_axis(columns=None)


def ticket_summary(
    tickets: pd.DataFrame,
    *,
    customer: str = "customer_id",
    ticket: str = "ticket_id",
    opened_at: str = "opened_at",
    category: str = "category",
) -> pd.DataFrame:
    """Summarise CRM tickets to one row per customer.

    Parameters
    ----------
    tickets : DataFrame
        One row per support ticket.
    customer, ticket, opened_at, category : str
        Column names; the defaults are the course data's.

    Returns
    -------
    DataFrame
        One row per customer, indexed by `customer` (sorted): ``n_tickets``
        (distinct tickets), ``last_ticket_at`` and ``top_ticket_category``
        (the most frequent; ties go to the first alphabetically).

    Examples
    --------
    >>> tickets = pd.DataFrame({
    ...     "ticket_id": [1, 2, 3],
    ...     "customer_id": [7, 7, 8],
    ...     "opened_at": pd.to_datetime(["2024-02-01", "2024-02-09", "2024-02-03"], format="%Y-%m-%d"),
    ...     "category": ["late delivery", "late delivery", "refund"],
    ... })
    >>> ticket_summary(tickets)
                 n_tickets last_ticket_at top_ticket_category
    customer_id
    7                    2     2024-02-09       late delivery
    8                    1     2024-02-03              refund
    """
    require_columns(tickets, [customer, ticket, opened_at, category], name="tickets")
    require_datetime(tickets, opened_at, name="tickets")
    require_matching_ids({"tickets": tickets}, customer)
    known = tickets.loc[tickets[customer].notna(), [customer, ticket, opened_at, category]]
    summary = known.groupby(customer, observed=True).agg(
        n_tickets=(ticket, "nunique"),
        last_ticket_at=(opened_at, "max"),
    )
    summary["top_ticket_category"] = _most_frequent(known, customer=customer, column=category)
    return summary


def survey_latest(
    survey: pd.DataFrame,
    *,
    customer: str = "customer_id",
    answered_at: str = "answered_at",
    which_survey: str = "survey",
) -> pd.DataFrame:
    """Keep each customer's latest survey response.

    Parameters
    ----------
    survey : DataFrame
        One row per response to one survey. Rows without a `customer` id are
        left out.
    customer, answered_at : str
        Column names; the defaults are the course data's.
    which_survey : str, default="survey"
        Column naming the survey a response belongs to. When `survey` has it,
        it must hold a single survey: the latest answer to a post-purchase
        survey (about one order) does not replace an answer to a
        relationship survey (about the brand). Select one first.

    Returns
    -------
    DataFrame
        One row per customer, indexed by `customer` (sorted): ``n_survey_responses``
        (how many answers they gave in all), then every other column of the
        latest response.

    Notes
    -----
    Attitudes change, so an older answer is treated as superseded rather than
    averaged in. Two answers at the same moment keep the one that comes last
    in `survey`.

    Examples
    --------
    >>> survey = pd.DataFrame({
    ...     "customer_id": [5, 5, 6],
    ...     "answered_at": pd.to_datetime(["2024-05-01", "2023-11-01", "2024-01-15"], format="%Y-%m-%d"),
    ...     "nps": [9, 6, 7],
    ... })
    >>> survey_latest(survey)
                 n_survey_responses answered_at  nps
    customer_id
    5                             2  2024-05-01    9
    6                             1  2024-01-15    7
    """
    require_columns(survey, [customer, answered_at], name="survey")
    require_datetime(survey, answered_at, name="survey")
    require_matching_ids({"survey": survey}, customer)
    _require_one_survey(survey, which_survey)
    known = survey.loc[survey[customer].notna()]
    latest = (
        known.sort_values(answered_at, kind="stable")
        .drop_duplicates(customer, keep="last")
        .sort_values(customer)
        .set_index(customer)
    )
    counts = known.groupby(customer, observed=True).size()
    latest.insert(0, "n_survey_responses", latest.index.map(counts).astype("int64"))
    return latest


# ------------------------------------------------------------------------ merge


def _merge_summary(view: pd.DataFrame, summary: pd.DataFrame, *, customer: str, source: str) -> pd.DataFrame:
    """Left-join `summary` (indexed by `customer`) to `view`, refusing to overwrite a column silently."""
    clashes = sorted(set(view.columns) & set(summary.columns) - {customer})
    if clashes:
        raise ValueError(
            f"The summary of `{source}` would add column(s) {clashes}, which `customers` already "
            f"has. Rename them in `customers` first."
        )
    return view.merge(summary.reset_index(), on=customer, how="left", validate="one_to_one")


def customer_view(
    customers: pd.DataFrame,
    *,
    orders: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    tickets: pd.DataFrame | None = None,
    customer: str = "customer_id",
) -> pd.DataFrame:
    """Merge every source into one row per customer (a 360° view).

    Parameters
    ----------
    customers : DataFrame
        One row per customer, each with its own non-missing id, in a
        `customer` column (as the customer file has it) or as the index
        named `customer`.
    orders, survey, events, tickets : DataFrame, optional
        Raw order lines, responses to one survey, web/app events and CRM
        tickets in the course data's columns; each is summarised with
        :func:`order_summary`, :func:`survey_latest`,
        :func:`behaviour_summary` and :func:`ticket_summary`. With other
        column names, rename them first or call those functions yourself and
        merge their results.
    customer : str, default="customer_id"
        The id column, the same in every table.

    Returns
    -------
    DataFrame
        `customers`, in its order and with its id where it had it (a column,
        or the index), with the summaries' columns added. Counts
        (columns starting ``n_``) and revenue are 0 for a customer the
        source does not mention; survey answers stay missing (not answering
        is not answering 0), and ``answered_survey`` says who answered.

    Raises
    ------
    ValueError
        When a table has no `customer` column, or `customers` has a missing
        or repeated id.
    TypeError
        When the ids are numbers in one table and text in another.

    Notes
    -----
    It is a left join on `customer`: rows of the other tables whose id is
    missing (guest orders, anonymous visits) or not in `customers` do not
    appear. :func:`data_quality_report` counts them.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "city": ["Verdale", "Verdale"]})
    >>> tickets = pd.DataFrame({
    ...     "ticket_id": [1], "customer_id": [2],
    ...     "opened_at": pd.to_datetime(["2024-02-01"], format="%Y-%m-%d"),
    ...     "category": ["refund"],
    ... })
    >>> customer_view(customers, tickets=tickets)
       customer_id     city  n_tickets last_ticket_at top_ticket_category
    0            1  Verdale          0            NaT                 NaN
    1            2  Verdale          1     2024-02-01              refund
    """
    require_non_empty(customers, name="customers")
    sources = {"orders": orders, "survey": survey, "events": events, "tickets": tickets}
    given = {name: table for name, table in sources.items() if table is not None}
    for name, table in given.items():
        require_dataframe(table, name=name)
    require_matching_ids({"customers": customers, **given}, customer)
    require_one_row_per_id(
        customers,
        customer,
        name="customers",
        fix=f"Keep one row per customer first, for example with customers.drop_duplicates({customer!r}, keep='last').",
    )

    indexed = customer not in customers.columns  # the checks above found the ids in the index
    view = customers.reset_index() if indexed else customers
    n_customer_columns = len(view.columns)
    if orders is not None:
        summary = order_summary(orders, customer=customer)
        view = _merge_summary(view, summary, customer=customer, source="orders")
        view["net_revenue"] = view["net_revenue"].fillna(0.0)
        view["refunded_revenue"] = view["refunded_revenue"].fillna(0.0)
    if survey is not None:
        latest = survey_latest(survey, customer=customer)
        view = _merge_summary(view, latest, customer=customer, source="survey")
        view.insert(n_customer_columns, "answered_survey", view[customer].isin(latest.index))
    if events is not None:
        summary = behaviour_summary(events, customer=customer)
        view = _merge_summary(view, summary, customer=customer, source="events")
    if tickets is not None:
        summary = ticket_summary(tickets, customer=customer)
        view = _merge_summary(view, summary, customer=customer, source="tickets")

    added_counts = [name for name in view.columns if name.startswith("n_") and name not in customers.columns]
    if added_counts:
        view[added_counts] = view[added_counts].fillna(0).astype("int64")
    return view.set_index(customer) if indexed else view


# ---------------------------------------------------------------- data quality

_MEANINGS = {
    "customers without an id": (
        "Customer rows that nothing can be linked to: their orders, answers and tickets are "
        "lost in the merged view. Fix or drop them before merging."
    ),
    "duplicate customer ids": (
        "The same customer appears on several rows, possibly with conflicting details. "
        "Per-customer figures cannot be trusted until one row per customer is kept."
    ),
    "duplicate order lines": (
        "The same order line was recorded more than once. Left in, it would inflate revenue; "
        "order_summary keeps the first copy, so totals are correct after that step."
    ),
    "guest order lines (no customer id)": (
        "These lines are real sales but belong to no one. Business totals must include them; "
        "per-customer revenue, frequency and segments leave them out, so they describe "
        "registered customers only."
    ),
    "order lines from unknown customers": (
        "These ids are not in the customer table (deleted or not yet synced). Their orders "
        "count in totals but are lost in the merged view."
    ),
    "survey responses from unknown customers": (
        "Answers that cannot be linked to a customer: they can describe attitudes overall, "
        "but not be compared with what those people bought."
    ),
    "survey answered before signup": (
        "Impossible dates: either the signup date or the survey date is wrong (or the id was "
        "reused). Treat these answers as unreliable when linking attitudes to behaviour."
    ),
    "customers who answered more than once": (
        "Older answers are stale: survey_latest keeps the newest. Attitudes may have changed, "
        "so compare waves with care."
    ),
    "survey coverage (customers who answered)": (
        "Survey figures describe those who answered, who chose to; they may differ from the "
        "rest (more engaged, happier or angrier). Do not read them as the whole customer base."
    ),
    "missing answer": (
        "Respondents skipped this question. Its averages rest on fewer answers, and people "
        "who skip may differ from people who answer."
    ),
    "anonymous events (no customer id)": (
        "Visits by people not logged in. They count in funnels and traffic, but cannot be "
        "tied to a customer, so per-customer behaviour undercounts browsing."
    ),
    "events from unknown customers": (
        "Logged-in activity by ids missing from the customer table; lost in the merged view."
    ),
    "tickets from unknown customers": (
        "CRM tickets whose id is not in the customer table; service problems of these people "
        "cannot be linked to their orders."
    ),
}


def _check(table: str, check: str, count: int, out_of: int, *, meaning_key: str | None = None) -> dict:
    """One row of the data-quality report."""
    return {
        "table": table,
        "check": check,
        "count": int(count),
        "out_of": int(out_of),
        "share": count / out_of if out_of else np.nan,
        "what_it_means": _MEANINGS[meaning_key or check],
    }


def data_quality_report(
    customers: pd.DataFrame,
    *,
    orders: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    tickets: pd.DataFrame | None = None,
    customer: str = "customer_id",
    order: str = "order_id",
    line: str = "line_number",
    signup_date: str = "signup_date",
    answered_at: str = "answered_at",
    which_survey: str = "survey",
    questions: Sequence[str] = SURVEY_QUESTIONS,
) -> pd.DataFrame:
    """Check the sources before merging them, and say what each problem means.

    Parameters
    ----------
    customers : DataFrame
        The customer table, with the ids in a `customer` column or as the
        index so named (and `signup_date` when `survey` is given).
    orders, survey, events, tickets : DataFrame, optional
        The other sources; checks on a source run only when it is given.
    customer, order, line, signup_date, answered_at : str
        Column names; the defaults are the course data's.
    which_survey : str, default="survey"
        Column naming the survey of each response; when `survey` has it, it
        must hold one survey (check each survey on its own: a question the
        other survey never asks is not a missing answer).
    questions : sequence of str, default=SURVEY_QUESTIONS
        Survey answer columns checked for missing answers.

    Returns
    -------
    DataFrame
        One row per check: ``table``, ``check``, ``count`` (rows or customers
        affected), ``out_of`` (what the share is of), ``share`` =
        count / out_of, and ``what_it_means``: what the learner can and
        cannot conclude.

    Notes
    -----
    A duplicate order line is a repeated (`order`, `line`) pair; ``count``
    is the copies beyond the first. "Unknown customers" have an id that is
    not in `customers`. Survey coverage counts customers of `customers` with
    at least one response. The checks report problems instead of failing on
    them; only ids of different types (which make every comparison wrong)
    raise an error.

    Examples
    --------
    >>> customers = pd.DataFrame({
    ...     "customer_id": [1, 2, 3, 4],
    ...     "signup_date": pd.to_datetime(["2024-01-01"] * 4, format="%Y-%m-%d"),
    ... })
    >>> survey = pd.DataFrame({
    ...     "customer_id": [1, 2, 9],
    ...     "answered_at": pd.to_datetime(["2024-02-01", "2023-12-01", "2024-02-01"], format="%Y-%m-%d"),
    ...     "nps": [10, None, 8],
    ... })
    >>> report = data_quality_report(customers, survey=survey, questions=["nps"])
    >>> report[["check", "count", "out_of", "share"]].round(2)
                                          check  count  out_of  share
    0                   customers without an id      0       4   0.00
    1                    duplicate customer ids      0       4   0.00
    2   survey responses from unknown customers      1       3   0.33
    3             survey answered before signup      1       3   0.33
    4     customers who answered more than once      0       3   0.00
    5  survey coverage (customers who answered)      2       4   0.50
    6                       missing answer: nps      1       3   0.33
    """
    ids_of_customers = customer_ids(customers, customer, name="customers")  # a column, or the index
    sources = {"orders": orders, "survey": survey, "events": events, "tickets": tickets}
    given = {name: table for name, table in sources.items() if table is not None}
    for name, table in given.items():
        require_dataframe(table, name=name)
    require_matching_ids({"customers": customers, **given}, customer)
    known_ids = ids_of_customers.dropna()
    n_customers = len(customers)

    def unknown(ids: pd.Series) -> int:
        """Ids that are present but not in the customer table."""
        return int((ids.notna() & ~ids.isin(known_ids)).sum())

    rows = [
        _check("customers", "customers without an id", ids_of_customers.isna().sum(), n_customers),
        _check("customers", "duplicate customer ids", known_ids.duplicated().sum(), n_customers),
    ]

    if orders is not None:
        require_columns(orders, [order, line], name="orders")
        n_lines = len(orders)
        rows += [
            _check("orders", "duplicate order lines", orders.duplicated([order, line]).sum(), n_lines),
            _check("orders", "guest order lines (no customer id)", orders[customer].isna().sum(), n_lines),
            _check("orders", "order lines from unknown customers", unknown(orders[customer]), n_lines),
        ]

    if survey is not None:
        require_columns(survey, [answered_at, *questions], name="survey")
        require_datetime(survey, answered_at, name="survey")
        require_datetime(customers, signup_date, name="customers")
        _require_one_survey(survey, which_survey)
        n_responses = len(survey)
        signup_by_id = pd.Series(customers[signup_date].to_numpy(), index=ids_of_customers.to_numpy())
        signup_by_id = signup_by_id[signup_by_id.index.notna() & ~signup_by_id.index.duplicated()]
        answered_before_signup = survey[answered_at] < survey[customer].map(signup_by_id)
        answers_per_respondent = survey[customer].dropna().value_counts()
        rows += [
            _check("survey", "survey responses from unknown customers", unknown(survey[customer]), n_responses),
            _check("survey", "survey answered before signup", answered_before_signup.sum(), n_responses),
            _check(
                "survey",
                "customers who answered more than once",
                (answers_per_respondent > 1).sum(),
                len(answers_per_respondent),
            ),
            _check(
                "survey",
                "survey coverage (customers who answered)",
                known_ids.isin(answers_per_respondent.index).sum(),
                n_customers,
            ),
        ]
        rows += [
            _check(
                "survey",
                f"missing answer: {question}",
                survey[question].isna().sum(),
                n_responses,
                meaning_key="missing answer",
            )
            for question in questions
        ]

    if events is not None:
        n_events = len(events)
        rows += [
            _check("events", "anonymous events (no customer id)", events[customer].isna().sum(), n_events),
            _check("events", "events from unknown customers", unknown(events[customer]), n_events),
        ]

    if tickets is not None:
        unknown_tickets = unknown(tickets[customer])
        rows.append(_check("tickets", "tickets from unknown customers", unknown_tickets, len(tickets)))

    return pd.DataFrame(rows)


# ------------------------------------------------------------------------- NPS


def _require_scores(data: pd.DataFrame, score: str, *, name: str) -> None:
    """Raise unless `score` holds whole numbers from 0 to 10 (missing allowed)."""
    require_numeric(data, score, name=name)
    require_in_range(data, score, low=0, high=10, name=name)
    answered = data[score].dropna()
    fractional = answered[answered != np.floor(answered)]
    if len(fractional):
        raise ValueError(
            f"Column {score!r} of `{name}` must hold whole numbers from 0 to 10 (the NPS "
            f"question's answers); found {len(fractional)} non-integer value(s), like "
            f"{sample_of(fractional.tolist())}."
        )


_NPS_COLUMNS = [
    "n",
    "promoters",
    "passives",
    "detractors",
    "pct_promoters",
    "pct_detractors",
    "nps",
    "ci_low",
    "ci_high",
    "small_sample",
]


def _nps_from_counts(counts: pd.DataFrame, *, by: list[str], min_n: int, confidence: float) -> pd.DataFrame:
    """Shares, NPS, its interval and the small-sample flag from columns n, promoters, detractors."""
    n = counts["n"].astype("float64")
    promoter_share = counts["promoters"] / n
    detractor_share = counts["detractors"] / n
    difference = promoter_share - detractor_share
    standard_error = np.sqrt((promoter_share + detractor_share - difference**2) / n)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    table = counts.assign(
        passives=counts["n"] - counts["promoters"] - counts["detractors"],
        pct_promoters=100 * promoter_share,
        pct_detractors=100 * detractor_share,
        nps=100 * difference,
        ci_low=(100 * (difference - z * standard_error)).clip(lower=-100),
        ci_high=(100 * (difference + z * standard_error)).clip(upper=100),
        small_sample=counts["n"] < min_n,
    )
    return table[[*by, *_NPS_COLUMNS]]


def _count_nps(answers: pd.DataFrame, *, score: str, by: list[str]) -> pd.DataFrame:
    """Count answers, promoters (9-10) and detractors (0-6), per group of `by` (or overall)."""
    # Plain floats and bools (answers are complete here), so the counts come out as plain ints.
    scores = answers[score].astype("float64")
    flagged = answers.assign(_promoter=scores >= 9, _detractor=scores <= 6)
    if not by:
        return pd.DataFrame(
            {
                "n": [len(flagged)],
                "promoters": [flagged["_promoter"].sum()],
                "detractors": [flagged["_detractor"].sum()],
            }
        )
    return (
        flagged.groupby(by, observed=True)
        .agg(n=("_promoter", "size"), promoters=("_promoter", "sum"), detractors=("_detractor", "sum"))
        .reset_index()
    )


def nps(scores: pd.Series | Sequence[float], *, min_n: int = 30, confidence: float = 0.95) -> pd.Series:
    """Net Promoter Score of answers to "How likely are you to recommend us? (0-10)".

    Parameters
    ----------
    scores : Series or sequence of numbers
        Whole numbers from 0 to 10; missing answers are left out.
    min_n : int, default=30
        Below this many answers, ``small_sample`` is True: the score moves a
        lot from one answer to the next, and the interval's approximation is
        poor.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    Series
        ``n`` (answers), ``promoters`` (9-10), ``passives`` (7-8),
        ``detractors`` (0-6), ``pct_promoters``, ``pct_detractors``,
        ``nps``, ``ci_low``, ``ci_high`` and ``small_sample``.

    Raises
    ------
    TypeError
        When the scores are not numbers.
    ValueError
        When a score lies outside 0-10 or is not a whole number.

    Notes
    -----
    NPS = 100 × (P − D) / n, with P promoters, D detractors and n answers;
    passives count in n only. It ranges from −100 (all detractors) to +100
    (all promoters).

    The interval is the normal approximation. Scoring each answer +1
    (promoter), 0 (passive) or −1 (detractor), NPS/100 is the mean score,
    whose variance is (p + d − (p − d)²) / n, with p = P/n and d = D/n. The
    interval is NPS ± z × 100 × √((p + d − (p − d)²) / n), z = 1.96 for 95 %,
    clipped to [−100, 100]. It is too narrow for small n or when nearly all
    answers are in one group (with all promoters it shrinks to a point):
    trust it only when ``small_sample`` is False.

    Examples
    --------
    >>> result = nps([10, 9, 8, 6, 3])
    >>> result[["n", "promoters", "passives", "detractors", "nps", "small_sample"]]
    n                  5
    promoters          2
    passives           1
    detractors         2
    nps              0.0
    small_sample    True
    Name: nps, dtype: object
    >>> print(f"95% interval: {result['ci_low']:.1f} to {result['ci_high']:.1f}")
    95% interval: -78.4 to 78.4
    """
    if isinstance(scores, pd.DataFrame):
        raise TypeError("`scores` must be one column of scores, got a DataFrame; pass data['nps'] instead.")
    require_positive_int(min_n, parameter="min_n", function="nps")
    check_scalar(confidence, parameter="confidence", function="nps", low=0, high=1, inclusive="neither", example=0.95)
    answers = pd.DataFrame({"nps": pd.Series(scores)}).dropna()
    if answers.empty:
        raise ValueError("`scores` holds no answers (it is empty or all missing); NPS needs at least one.")
    _require_scores(answers, "nps", name="scores")
    counts = _count_nps(answers, score="nps", by=[])
    return _nps_from_counts(counts, by=[], min_n=min_n, confidence=confidence).iloc[0].rename("nps")


def nps_by(
    data: pd.DataFrame,
    by: str | Sequence[str],
    *,
    score: str = "nps",
    min_n: int = 30,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Net Promoter Score per group (segment, channel, diet...), with counts and intervals.

    Parameters
    ----------
    data : DataFrame
        One row per answer (a survey, or a customer view).
    by : str or sequence of str
        Column(s) to group by. Rows with a missing group are left out.
    score : str, default="nps"
        The column of 0-10 answers; missing answers are left out.
    min_n, confidence
        As in :func:`nps`.

    Returns
    -------
    DataFrame
        One row per group: the `by` columns, then the columns of :func:`nps`.

    Notes
    -----
    Each group's NPS and interval follow :func:`nps`. Comparing two groups
    needs more than two non-overlapping intervals by eye, but overlapping
    intervals from small groups are a clear sign not to rank them.

    Examples
    --------
    >>> answers = pd.DataFrame({"channel": ["app", "app", "app", "web", "web"], "nps": [10, 9, 2, 7, 9]})
    >>> nps_by(answers, "channel", min_n=3)[["channel", "n", "nps", "small_sample"]].round(1)
      channel  n   nps  small_sample
    0     app  3  33.3         False
    1     web  2  50.0          True
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(data, [*by, score], name="data")
    require_positive_int(min_n, parameter="min_n", function="nps_by")
    check_scalar(
        confidence, parameter="confidence", function="nps_by", low=0, high=1, inclusive="neither", example=0.95
    )
    answers = data.loc[data[score].notna(), [*by, score]]
    _require_scores(answers, score, name="data")
    counts = _count_nps(answers, score=score, by=by)
    return _nps_from_counts(counts, by=by, min_n=min_n, confidence=confidence)
