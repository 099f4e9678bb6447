"""Rule-based segments: groups of customers defined by a rule anyone can read.

Before any clustering, a business can already segment its customers with
simple, stated rules: by declared diet and the channel they came through, by
where they are in their relationship with the business (the lifecycle stage),
by how often they order. This module holds three small steps that lessons and
exercises reuse:

* :func:`lifecycle_stage` puts every customer in one stage - ``new``,
  ``active``, ``lapsed`` or ``never ordered`` - with cut-offs given in days;
* :func:`segment_table` gives each segment's size and revenue, and their
  shares of the whole;
* :func:`with_consent` keeps only the customers who agreed to be contacted
  (or profiled) the way a campaign intends to.

Every function takes one row per customer (for example the output of
:func:`course_lib.customer_view.customer_view`) and returns a new DataFrame;
the caller's frame is never changed.

Examples
--------
>>> import pandas as pd
>>> view = pd.DataFrame({
...     "customer_id": [1, 2, 3, 4],
...     "diet": ["vegan", "vegan", "curious", "curious"],
...     "signup_date": pd.to_datetime(["2025-12-20", "2024-05-01", "2024-02-01", "2024-03-01"],
...                                   format="%Y-%m-%d"),
...     "last_order_at": pd.to_datetime(["2025-12-28", "2025-12-01", "2024-06-30", None],
...                                     format="%Y-%m-%d"),
...     "net_revenue": [20.0, 300.0, 80.0, 0.0],
... })
>>> staged = lifecycle_stage(view, as_of="2025-12-31", new_days=90, lapsed_days=90)
>>> staged["stage"].tolist()
['new', 'active', 'lapsed', 'never ordered']
>>> segment_table(view, "diet")[["diet", "customers", "customer_share", "revenue_share"]]
      diet  customers  customer_share  revenue_share
0  curious          2             0.5            0.2
1    vegan          2             0.5            0.8
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from course_lib.validation import (
    as_name_list,
    consent_given,
    customer_ids,
    require_columns,
    require_datetime,
    require_non_empty,
    require_numeric,
    require_one_row_per_id,
    require_positive_int,
    resolve_as_of,
    sample_of,
)

__all__ = ["LIFECYCLE_STAGES", "lifecycle_stage", "segment_table", "with_consent"]

#: The lifecycle stages of :func:`lifecycle_stage`, in the order of a customer's life.
LIFECYCLE_STAGES = ("new", "active", "lapsed", "never ordered")


def lifecycle_stage(
    data: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    new_days: int = 90,
    lapsed_days: int = 90,
    signup: str = "signup_date",
    last_order: str = "last_order_at",
    stage: str = "stage",
) -> pd.DataFrame:
    """Put each customer in a lifecycle stage: new, active, lapsed or never ordered.

    Parameters
    ----------
    data : DataFrame
        One row per customer (indexed by ``customer_id``, or with it as a
        column), with the sign-up date and the time of the last delivered
        order (missing when the customer never received an order).
    as_of : str ("YYYY-MM-DD"), date or None, default=None
        The day the stages describe (from its midnight). None: the day after
        the last sign-up or order in `data` - never "today", which would give
        another answer every day (:func:`course_lib.validation.resolve_as_of`).
    new_days : int, default=90
        A customer who signed up less than this many days before `as_of` is
        ``new``, whatever they ordered.
    lapsed_days : int, default=90
        An older customer without a delivered order in this many days before
        `as_of` is ``lapsed``.
    signup, last_order : str, default="signup_date", "last_order_at"
        The two datetime columns the rule reads.
    stage : str, default="stage"
        Name of the column added.

    Returns
    -------
    DataFrame
        A copy of `data` (same rows, same index: the customer id stays where
        `data` has it) with the column `stage`, an ordered categorical with
        the categories of :data:`LIFECYCLE_STAGES`.

    Raises
    ------
    ValueError
        When a sign-up or an order lies on a day after `as_of` (the stages at
        a past date need the data up to that date only: filter it first).

    Notes
    -----
    The rule is read from top to bottom; the first line that holds wins:

    1. ``new``: `signup` ≥ `as_of` − `new_days` days;
    2. ``active``: `last_order` ≥ `as_of` − `lapsed_days` days;
    3. ``lapsed``: a last order exists, but it is older than that;
    4. ``never ordered``: no delivered order at all.

    Cut-offs are choices, not facts: a weekly lunch customer is lapsed after a
    few quiet weeks, a monthly treat buyer is not. State them next to any
    figure built on the stages.

    Examples
    --------
    >>> view = pd.DataFrame({
    ...     "signup_date": pd.to_datetime(["2025-12-01", "2025-01-10", "2025-01-10"], format="%Y-%m-%d"),
    ...     "last_order_at": pd.to_datetime([None, "2025-11-30", "2025-08-01"], format="%Y-%m-%d"),
    ... }, index=pd.Index([11, 12, 13], name="customer_id"))
    >>> lifecycle_stage(view, as_of="2025-12-31", new_days=60, lapsed_days=60)
                signup_date last_order_at   stage
    customer_id
    11           2025-12-01           NaT     new
    12           2025-01-10    2025-11-30  active
    13           2025-01-10    2025-08-01  lapsed
    """
    require_datetime(data, signup, name="data")
    require_datetime(data, last_order, name="data")
    require_positive_int(new_days, parameter="new_days", function="lifecycle_stage")
    require_positive_int(lapsed_days, parameter="lapsed_days", function="lifecycle_stage")
    dates = pd.concat([data[signup], data[last_order]], ignore_index=True)
    moment = resolve_as_of(as_of, dates, function="lifecycle_stage", later_rows="allowed")
    for column in (signup, last_order):  # no date after as_of, with the column named
        resolve_as_of(moment, data[column].rename(column), function="lifecycle_stage", name="data")
    is_new = data[signup] >= moment - pd.Timedelta(days=new_days)
    ordered_recently = data[last_order] >= moment - pd.Timedelta(days=lapsed_days)
    ever_ordered = data[last_order].notna()
    labels = np.select(
        [is_new, ordered_recently, ever_ordered], list(LIFECYCLE_STAGES[:3]), default=LIFECYCLE_STAGES[3]
    )
    stages = pd.Categorical(labels, categories=LIFECYCLE_STAGES, ordered=True)
    return data.assign(**{stage: stages})


# ---------------------------------------------------------------- size & revenue


def segment_table(
    data: pd.DataFrame,
    by: str | Sequence[str],
    *,
    customer: str = "customer_id",
    revenue: str = "net_revenue",
    dropna: bool = True,
) -> pd.DataFrame:
    """Size and revenue of each segment, and their shares of the whole.

    Parameters
    ----------
    data : DataFrame
        One row per customer, with the segment column(s) and the revenue of
        each customer; indexed by the customer id (or with it as a column).
    by : str or sequence of str
        The column(s) whose values define the segments (``["diet",
        "acquisition_channel"]`` gives one segment per combination).
    customer : str, default="customer_id"
        The name of the id (the index's, or a column's); each id must appear once.
    revenue : str, default="net_revenue"
        Each customer's revenue in euros (a missing value counts as 0).
    dropna : bool, default=True
        Leave out customers with a missing segment value (pandas' convention);
        the shares are then of the customers kept. False keeps them as a group
        of their own.

    Returns
    -------
    DataFrame
        One row per segment, sorted by the `by` columns: the `by` columns,
        ``customers``, ``customer_share``, ``revenue`` (euros),
        ``revenue_share`` and ``revenue_per_customer`` (euros).

    Notes
    -----
    ``customer_share`` = customers in the segment / customers in the table;
    ``revenue_share`` = revenue of the segment / revenue of the table (both
    add up to 1); ``revenue_per_customer`` = revenue / customers. A segment
    whose revenue share is well above its customer share is worth more per
    head than the average; revenue is not profit (costs are not in the data).
    The shares are missing when the whole table has no revenue.

    Examples
    --------
    >>> view = pd.DataFrame({
    ...     "customer_id": [1, 2, 3, 4],
    ...     "diet": ["vegan", "vegan", "vegan", None],
    ...     "channel": ["app", "app", "web", "web"],
    ...     "net_revenue": [100.0, 50.0, 50.0, 800.0],
    ... })
    >>> table = segment_table(view, ["diet", "channel"])
    >>> table[["diet", "channel", "customers", "revenue", "revenue_share", "revenue_per_customer"]]
        diet channel  customers  revenue  revenue_share  revenue_per_customer
    0  vegan     app          2    150.0           0.75                  75.0
    1  vegan     web          1     50.0           0.25                  50.0
    """
    by = as_name_list(by, parameter="by", function="segment_table")
    require_columns(data, [*by, revenue], name="data")
    require_non_empty(data, name="data")
    require_numeric(data, revenue, name="data")
    require_one_row_per_id(
        data,
        customer,
        name="data",
        fix="Their revenue would count twice: summarise to one row per customer first (customer_view does).",
    )
    if not isinstance(dropna, bool):
        raise TypeError(f"The 'dropna' parameter of segment_table must be True or False. Got {dropna!r} instead.")
    table = (
        data.assign(**{revenue: data[revenue].astype("float64").fillna(0.0)})
        .groupby(by, observed=True, dropna=dropna)
        .agg(customers=(revenue, "size"), revenue=(revenue, "sum"))
        .reset_index()
    )
    total_revenue = table["revenue"].sum()
    table.insert(len(by) + 1, "customer_share", table["customers"] / table["customers"].sum())
    table["revenue_share"] = table["revenue"] / total_revenue if total_revenue else np.nan
    table["revenue_per_customer"] = table["revenue"] / table["customers"]
    return table


# ------------------------------------------------------------------- consent


def with_consent(
    data: pd.DataFrame, *, consent: str | Sequence[str] = "consent_email", customer: str = "customer_id"
) -> pd.DataFrame:
    """Keep the customers who gave every consent a use of their data needs.

    Parameters
    ----------
    data : DataFrame
        Candidates for a campaign, one row per customer (indexed by
        ``customer_id``, or with it as a column), with True/False consent
        columns.
    consent : str or sequence of str, default="consent_email"
        The consent flag(s) the campaign needs: the channel it is sent
        through (``"consent_email"``, ``"consent_sms"``) and, when its
        content is built from the customer's order history,
        ``"consent_personalisation"`` as well.
    customer : str, default="customer_id"
        The name of the customer id (the index's, or a column's), when `data`
        has it: a customer listed on two rows is kept only if every row says yes.

    Returns
    -------
    DataFrame
        The rows of `data` where every flag of `consent` is True, in their
        order and with their index (the customer id stays where `data` has
        it). ``len(data) - len(result)`` is how many were left out.

    Notes
    -----
    This is the kit's one consent rule (:func:`course_lib.validation.consent_given`,
    also behind every list of :mod:`course_lib.targeting`): only a recorded yes
    counts, a missing flag is a no, and when two rows of one customer disagree
    (the shop says yes, the CRM says no) the stricter answer wins.

    Examples
    --------
    >>> candidates = pd.DataFrame({
    ...     "consent_email": pd.array([True, True, None], dtype="boolean"),
    ...     "consent_personalisation": [True, False, True],
    ... }, index=pd.Index([1, 2, 3], name="customer_id"))
    >>> with_consent(candidates).index.tolist()
    [1, 2]
    >>> with_consent(candidates, consent=["consent_email", "consent_personalisation"])
                 consent_email  consent_personalisation
    customer_id
    1                     True                     True
    """
    flags = as_name_list(consent, parameter="consent", function="with_consent")
    if customer in data.columns or data.index.name == customer:
        said_yes = consent_given(data, flags, customer=customer)
        allowed = customer_ids(data, customer).map(said_yes).fillna(False).to_numpy(dtype=bool)
    else:
        allowed = consent_given(data, flags).to_numpy(dtype=bool)
    return data.loc[allowed]


# ------------------------------------------------------------------ migration

#: Customers in the later snapshot only enter the migration matrix from this row.
NOT_YET_A_CUSTOMER = "(not yet a customer)"

#: The flows :func:`migration` names by default, for the RFM segments of :func:`course_lib.rfm.default_segment_map`:
#: name -> (segments before, segments after).
RFM_FLOWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "champions slipping": (
        ("Champions",),
        ("Loyal", "Potential loyalist", "Need attention", "About to sleep", "At risk", "Can't lose them", "Lost"),
    ),
    "loyal slipping to at risk": (("Loyal", "Champions"), ("At risk", "Can't lose them", "Lost")),
    "new customers becoming loyal": (
        ("New customers", NOT_YET_A_CUSTOMER),
        ("Potential loyalist", "Loyal", "Champions"),
    ),
    "won back": (
        ("At risk", "Can't lose them", "Lost", "About to sleep"),
        ("Champions", "Loyal", "Potential loyalist", "Need attention"),
    ),
}


class Migration:
    """How customers moved between segments from one snapshot to the next (see :func:`migration`).

    Attributes
    ----------
    counts : DataFrame
        Customers, rows = segment before, columns = segment after.
    shares : DataFrame
        Each row of `counts` divided by its total: where the customers of a segment went (rows add to 1).
    flows : DataFrame
        The named flows: ``flow``, ``from``, ``to``, ``customers``, ``base`` (customers in the
        "from" segments) and ``share`` (customers / base).
    """

    def __init__(self, counts: pd.DataFrame, shares: pd.DataFrame, flows: pd.DataFrame) -> None:
        self.counts, self.shares, self.flows = counts, shares, flows

    def __repr__(self) -> str:
        total = int(self.counts.to_numpy().sum())
        stayed = sum(int(self.counts.loc[s, s]) for s in self.counts.index if s in self.counts.columns)
        return f"Migration({total} customers, {stayed} stayed in their segment, {len(self.flows)} named flow(s))"


def _snapshot(data: pd.DataFrame, *, segment: str, customer: str, name: str) -> pd.Series:
    """The snapshot as a Series segment by customer id (from the `customer` column, or the index)."""
    require_non_empty(data, name=name)
    require_columns(data, [segment], name=name)
    ids = data[customer] if customer in data.columns else data.index.to_series()
    if customer not in data.columns and data.index.name != customer:
        raise ValueError(
            f"`{name}` needs its customer ids in a {customer!r} column or as the index named {customer!r} "
            f"(one row per customer); its index is named {data.index.name!r}."
        )
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise ValueError(
            f"`{name}` lists {len(repeated)} customer(s) more than once, like {sample_of(repeated)}; a snapshot has one row per customer."
        )
    if data[segment].isna().any():
        missing = ids[data[segment].isna().to_numpy()]
        raise ValueError(
            f"Column {segment!r} of `{name}` has no segment for {len(missing)} customer(s), like {sample_of(missing)}."
        )
    return pd.Series(data[segment].array, index=pd.Index(ids.to_numpy(), name=customer), name=segment)


def _order(values: pd.Series) -> list:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if c in set(values)]
    return sorted(values.unique(), key=str)


def migration(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    segment: str = "segment",
    customer: str = "customer_id",
    flows: dict[str, tuple[Sequence[str], Sequence[str]]] | None = None,
) -> Migration:
    """Where each segment's customers went between two snapshots, and the flows that matter.

    Parameters
    ----------
    before, after : DataFrame
        One row per customer with its `segment`, at two dates (for example
        RFM segments a quarter apart, each computed with its own ``as_of``).
        Customer ids in a `customer` column or as the index. `after` may add
        customers who were not customers yet; it must keep every customer of
        `before`. Not modified.
    segment : str, default="segment"
        The segment column, in both.
    customer : str, default="customer_id"
        The customer id column (or index name).
    flows : dict, optional
        Named flows to report: ``{name: (segments before, segments after)}``.
        Default :data:`RFM_FLOWS` (champions slipping, loyal slipping to at
        risk, new customers becoming loyal, won back), keeping those whose
        segments occur in the data.

    Returns
    -------
    Migration
        ``counts`` and ``shares`` (rows = before, columns = after; customers
        new in `after` come from the row ``"(not yet a customer)"``) and
        ``flows``.

    Raises
    ------
    ValueError
        Snapshots that do not match: a customer of `before` missing from
        `after`, no customer in common, ids of different types, repeated
        customers, missing segments, a named flow with an unknown segment.

    Notes
    -----
    A migration matrix describes movement; it does not say why customers
    moved. Segments defined by quantiles (RFM scores) move even when nobody
    changes behaviour, because the cut-offs move with everyone else.

    Examples
    --------
    >>> before = pd.DataFrame({"customer_id": [1, 2, 3, 4],
    ...                        "segment": ["Champions", "Champions", "New customers", "Lost"]})
    >>> after = pd.DataFrame({"customer_id": [1, 2, 3, 4, 5],
    ...                       "segment": ["Champions", "At risk", "Loyal", "Lost", "New customers"]})
    >>> moves = migration(before, after)
    >>> moves
    Migration(5 customers, 2 stayed in their segment, 4 named flow(s))
    >>> moves.flows.set_index("flow").loc[["champions slipping", "new customers becoming loyal"], ["customers", "base", "share"]]
                                  customers  base  share
    flow
    champions slipping                    1     2    0.5
    new customers becoming loyal          1     2    0.5
    """
    old = _snapshot(before, segment=segment, customer=customer, name="before")
    new = _snapshot(after, segment=segment, customer=customer, name="after")
    if old.index.dtype.kind != new.index.dtype.kind and not (
        old.index.dtype.kind in "iu" and new.index.dtype.kind in "iu"
    ):
        raise ValueError(
            f"The customer ids of `before` ({old.index.dtype}) and `after` ({new.index.dtype}) are of different types, "
            f"like {sample_of(old.index)} and {sample_of(new.index)}; convert one so they match."
        )
    common = old.index.intersection(new.index)
    if len(common) == 0:
        raise ValueError(
            f"`before` and `after` have no customer in common (like {sample_of(old.index)} and {sample_of(new.index)}): "
            "they are not two snapshots of the same customers."
        )
    lost = old.index.difference(new.index)
    if len(lost):
        raise ValueError(
            f"{len(lost)} customer(s) of `before` are missing from `after`, like {sample_of(lost)}. Both snapshots "
            "must cover the same customers (a later one only adds new customers); compute both from the same "
            "customer table with a different as_of."
        )
    came_from = old.reindex(new.index).astype(object).fillna(NOT_YET_A_CUSTOMER)
    rows = _order(old) + ([NOT_YET_A_CUSTOMER] if (came_from == NOT_YET_A_CUSTOMER).any() else [])
    columns = _order(new)
    counts = (
        pd.crosstab(came_from.to_numpy(), new.astype(object).to_numpy())
        .reindex(index=rows, columns=columns, fill_value=0)
        .rename_axis(index=f"{segment} before", columns=f"{segment} after")
    )
    shares = counts.div(counts.sum(axis=1), axis=0)

    known = set(rows) | set(columns)
    if flows is None:
        chosen = {
            name: pair for name, pair in RFM_FLOWS.items() if set(pair[0]) & set(rows) and set(pair[1]) & set(columns)
        }
    else:
        chosen = dict(flows)
        for name, (sources, targets) in chosen.items():
            unknown = [s for s in [*sources, *targets] if s not in known]
            if unknown:
                raise ValueError(
                    f"Flow {name!r} names segment(s) {unknown} found in neither snapshot; segments are {sorted(known, key=str)}."
                )
    records = []
    for name, (sources, targets) in chosen.items():
        sources = [s for s in sources if s in counts.index]
        targets = [t for t in targets if t in counts.columns and t not in sources]
        moved = int(counts.loc[sources, targets].to_numpy().sum())
        base = int(counts.loc[sources].to_numpy().sum())
        records.append(
            {
                "flow": name,
                "from": ", ".join(map(str, sources)),
                "to": ", ".join(map(str, targets)),
                "customers": moved,
                "base": base,
                "share": moved / base if base else np.nan,
            }
        )
    flow_table = pd.DataFrame(records, columns=["flow", "from", "to", "customers", "base", "share"])
    return Migration(counts=counts, shares=shares, flows=flow_table)
