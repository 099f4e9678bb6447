"""Customer journeys from an event log: sessions, funnels, paths, retention and the journey map.

A *journey* is every interaction a customer has with the business, up to the
order and beyond it. This module turns a raw event log (one row per thing
someone did: a visit, a dish viewed, a payment) into the tables a journey
analysis needs:

- :func:`sessionize` and :func:`link_anonymous` - who did what, and when a visit ends;
- :func:`funnel` and :func:`stage_times` - how many get from one stage to the next, and how long it takes;
- :func:`top_paths` and :func:`transition_matrix` - the routes people actually take;
- :func:`repeat_funnel` and :func:`cohort_retention` - what happens after the first order;
- :func:`journey_map_table` - the journey map's grid, filled from the data where it can be and
  from :func:`journey_map_notes`, a small editable table, where it cannot.

Every function takes a DataFrame and returns a new one; none reads files, draws
or prints (figures are in :mod:`course_lib.plots.journey`). Column names are
keyword arguments whose defaults are the course's event log::

    session_id, customer_id, anonymous_id, timestamp, channel, device, app_version, zone, event

The log need not be sorted: every function orders a copy of it by unit and
time, with a stable sort (events with the same timestamp keep their order in
the log), and never changes the caller's frame.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({
...     "session_id": ["s1", "s1", "s1", "s2", "s2"],
...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:01", "2024-05-01 12:05",
...                                  "2024-05-02 19:00", "2024-05-02 19:02"], format="%Y-%m-%d %H:%M"),
...     "event": ["visit", "view_menu", "add_to_cart", "visit", "view_menu"],
... })
>>> table = funnel(events, stages=["visit", "view_menu", "add_to_cart"])
>>> table[["stage", "reached", "conversion_from_start"]]
         stage  reached  conversion_from_start
0        visit        2                    1.0
1    view_menu        2                    1.0
2  add_to_cart        1                    0.5
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from course_lib._engine.journey import SortedLog, any_order_reach, count_by_group, strict_reach, without_repeats
from course_lib.datasets.schema import EVENTS
from course_lib.validation import (
    customer_ids,
    renamed_parameters,
    require_columns,
    require_dataframe,
    require_datetime,
    require_in_range,
    require_non_empty,
    require_one_of,
    require_positive_int,
    sample_of,
)

__all__ = [
    "DEFAULT_STAGES",
    "KNOWN_EVENTS",
    "START",
    "END",
    "sessionize",
    "link_anonymous",
    "funnel",
    "stage_times",
    "top_paths",
    "transition_matrix",
    "repeat_funnel",
    "cohort_retention",
    "DEFAULT_PHASES",
    "PAIN_EVENTS",
    "JOURNEY_MAP_ROWS",
    "journey_map_notes",
    "journey_map_table",
]

#: The funnel of one order, in the order a customer normally goes through it.
DEFAULT_STAGES: tuple[str, ...] = (
    "visit",
    "view_menu",
    "view_dish",
    "add_to_cart",
    "start_checkout",
    "pay",
    "order_delivered",
)
#: Every event of the course's log: the funnel stages, then what can happen beside them.
KNOWN_EVENTS: tuple[str, ...] = (*DEFAULT_STAGES, *(name for name in EVENTS if name not in DEFAULT_STAGES))
#: The state before a unit's first event and after its last, in transition tables.
START = "(start)"
END = "(end)"

_FUNNEL_MODES = ("strict", "any_order")


# --- shared checks and preparation --------------------------------------------------------------


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    """Return the grouping columns as a list (``None`` means no grouping)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _check_log(events: pd.DataFrame, columns: Sequence[str], *, timestamp: str | None) -> None:
    """Check that `events` is a non-empty DataFrame with `columns`, and datetimes in `timestamp`."""
    require_dataframe(events, name="events")
    require_columns(events, columns, name="events")
    require_non_empty(events, name="events")
    if timestamp is not None:
        require_datetime(events, timestamp, name="events")


def _known_events(events: pd.DataFrame, event: str, observed: Sequence[str]) -> list[str]:
    """The event names a stage may use: the course's, the `observed` ones and a categorical's categories."""
    values = events[event]
    declared = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else []
    return _event_order([*KNOWN_EVENTS, *observed, *(str(name) for name in declared)])


def _event_order(names: Sequence[str]) -> list[str]:
    """Order event names as the journey goes: the course's events first, then the rest alphabetically."""
    distinct = set(names)
    known = [name for name in KNOWN_EVENTS if name in distinct]
    return known + sorted(distinct - set(KNOWN_EVENTS))


def _check_stages(stages: Sequence[str], known: Sequence[str], *, event: str, function: str) -> list[str]:
    """Return `stages` as a list, or raise naming the empty, repeated or unknown stages."""
    if isinstance(stages, str):
        raise TypeError(
            f"The 'stages' parameter of {function} must be a list of event names, "
            f"got the single string {stages!r}. Write stages=[{stages!r}, ...] instead."
        )
    stages = list(stages)
    if len(stages) < 1:
        raise ValueError(f"The 'stages' parameter of {function} needs at least one stage. Got [] instead.")
    repeated = [stage for stage in dict.fromkeys(stages) if stages.count(stage) > 1]
    if repeated:
        raise ValueError(
            f"The 'stages' parameter of {function} names {sample_of(repeated)} more than once; "
            "each stage must appear once."
        )
    unknown = [stage for stage in stages if stage not in known]
    if unknown:
        raise ValueError(
            f"Unknown stage(s) {sample_of(unknown, limit=len(unknown))} in the 'stages' parameter of "
            f"{function}: no event in column {event!r} has that name. Known events: {known}."
        )
    return stages


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole`` as floats, NaN where `whole` is 0 (a rate of nobody is undefined, not 0)."""
    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    return np.divide(part, whole, out=np.full(np.broadcast(part, whole).shape, np.nan), where=whole > 0)


def _stage_table(groups: pd.DataFrame, stages: Sequence[str], counts: np.ndarray) -> pd.DataFrame:
    """The funnel table (one row per group and stage) from an (n_groups, n_stages) array of counts."""
    previous = np.concatenate([counts[:, :1], counts[:, :-1]], axis=1)  # the first stage is its own base
    from_previous = _share(counts, previous)
    table = groups.loc[groups.index.repeat(len(stages))].reset_index(drop=True)
    table["stage"] = pd.Categorical(list(stages) * len(groups), categories=list(stages), ordered=True)
    table["reached"] = counts.ravel()
    table["conversion_from_previous"] = from_previous.ravel()
    table["conversion_from_start"] = _share(counts, counts[:, :1]).ravel()
    table["dropped"] = (previous - counts).ravel()
    table["drop_off_rate"] = 1 - from_previous.ravel()
    return table


# --- sessions and identities --------------------------------------------------------------------


@renamed_parameters(time="timestamp")
def sessionize(
    events: pd.DataFrame,
    *,
    user: str = "anonymous_id",
    timestamp: str = "timestamp",
    timeout: pd.Timedelta = pd.Timedelta(minutes=30),
    session: str = "session",
) -> pd.DataFrame:
    """Cut each user's events into sessions wherever they were idle for longer than `timeout`.

    Parameters
    ----------
    events : DataFrame
        The event log, one row per event, in any order.
    user : str, default="anonymous_id"
        Column identifying who did the event (a device, a customer, ...).
    timestamp : str, default="timestamp"
        Column of event times (datetimes).
    timeout : Timedelta, default=30 minutes
        The longest pause inside one session. Thirty minutes is the usual web
        analytics convention.
    session : str, default="session"
        Name of the new column. It must not exist in `events` yet (the course's
        log already has ``session_id``, the app's own sessions).

    Returns
    -------
    DataFrame
        A copy of `events` sorted by `user` then `timestamp` (index kept), with the
        new column `session` (nullable integer): 0, 1, 2, ... numbered in that order.

    Notes
    -----
    A new session starts at a user's first event and at every event that comes
    more than `timeout` after the user's previous event::

        new session  <=>  first event of the user  or  time - previous time > timeout

    A pause of exactly `timeout` stays in the session. Rows without a user or a
    time cannot be placed: they are kept, with a missing session (``<NA>``).

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "anonymous_id": ["a", "a", "a", "b"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:20",
    ...                                  "2024-05-01 13:30", "2024-05-01 12:10"], format="%Y-%m-%d %H:%M"),
    ... })
    >>> sessionize(events, timeout=pd.Timedelta(minutes=30))
      anonymous_id           timestamp  session
    0            a 2024-05-01 12:00:00        0
    1            a 2024-05-01 12:20:00        0
    2            a 2024-05-01 13:30:00        1
    3            b 2024-05-01 12:10:00        2
    """
    _check_log(events, [user, timestamp], timestamp=timestamp)
    if not isinstance(timeout, pd.Timedelta) or timeout <= pd.Timedelta(0):
        raise ValueError(
            f"The 'timeout' parameter of sessionize must be a positive pd.Timedelta, "
            f"for example pd.Timedelta(minutes=30). Got {timeout!r} instead."
        )
    if session in events.columns:
        raise ValueError(f"`events` already has a column {session!r}; choose another name with session='...'.")
    ordered = events.sort_values([user, timestamp], kind="stable", na_position="last")
    placeable = ordered[user].notna() & ordered[timestamp].notna()
    same_user = ordered[user].eq(ordered[user].shift()) & placeable.shift(fill_value=False)
    gap = ordered[timestamp].diff()
    starts = placeable & ~(same_user & (gap <= timeout))
    numbers = starts.cumsum() - 1
    return ordered.assign(**{session: numbers.astype("Int64").where(placeable)})


@renamed_parameters(time="timestamp")
def link_anonymous(
    events: pd.DataFrame,
    *,
    anonymous: str = "anonymous_id",
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    linked: str = "linked_customer_id",
    person: str = "person_id",
) -> pd.DataFrame:
    """Give anonymous events the customer id their device later (or earlier) logged in with.

    Parameters
    ----------
    events : DataFrame
        The event log, in any order.
    anonymous : str, default="anonymous_id"
        Column of the device or browser id, present on every event that has one.
    customer : str, default="customer_id"
        Column of the customer id, missing while the visitor is not logged in.
    timestamp : str, default="timestamp"
        Column of event times (datetimes).
    linked : str, default="linked_customer_id"
        Name of the new column holding the customer id after linking.
    person : str, default="person_id"
        Name of the new column that names everyone, linked or not:
        ``"customer:<id>"`` for a known customer, ``"anonymous:<id>"`` otherwise.

    Returns
    -------
    DataFrame
        A copy of `events` (same rows, same order) with the two new columns.

    Notes
    -----
    The linking rule, applied to each anonymous id:

    1. an event that has a customer id keeps it;
    2. an event without one takes the customer id of the *earliest* event of
       the same anonymous id that has one - before or after it in time, since a
       visitor who logs in at checkout was the same person while browsing;
    3. an anonymous id that never logs in stays anonymous.

    A device shared by several customers gives its anonymous events to the
    first one who logged in on it: a simplification, stated so it can be
    questioned. Rows with neither id stay unnamed (``<NA>`` in both columns).

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "anonymous_id": ["d1", "d1", "d2"],
    ...     "customer_id": pd.array([pd.NA, 7, pd.NA], dtype="Int64"),
    ...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:05", "2024-05-01 12:07"],
    ...                                 format="%Y-%m-%d %H:%M"),
    ... })
    >>> link_anonymous(events)[["anonymous_id", "linked_customer_id", "person_id"]]
      anonymous_id  linked_customer_id     person_id
    0           d1                   7    customer:7
    1           d1                   7    customer:7
    2           d2                <NA>  anonymous:d2
    """
    _check_log(events, [anonymous, customer, timestamp], timestamp=timestamp)
    for new in (linked, person):
        if new in events.columns:
            raise ValueError(f"`events` already has a column {new!r}; choose another name for it.")
    identified = events.dropna(subset=[anonymous, customer, timestamp])
    first_customer = (
        identified.sort_values(timestamp, kind="stable").drop_duplicates(anonymous).set_index(anonymous)[customer]
    )
    linked_ids = events[customer].fillna(events[anonymous].map(first_customer))
    as_customer = "customer:" + linked_ids.astype("str")
    person_ids = as_customer.fillna("anonymous:" + events[anonymous].astype("str"))
    return events.assign(**{linked: linked_ids, person: person_ids})


# --- funnels ------------------------------------------------------------------------------------


@renamed_parameters(unit="session", time="timestamp")
def funnel(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] = DEFAULT_STAGES,
    by: str | Sequence[str] | None = None,
    mode: str = "strict",
    session: str = "session_id",
    timestamp: str = "timestamp",
    event: str = "event",
) -> pd.DataFrame:
    """Count how many units reach each stage of a funnel, and how many are lost on the way.

    Parameters
    ----------
    events : DataFrame
        The event log, one row per event, in any order.
    stages : sequence of str, default=DEFAULT_STAGES
        Event names in funnel order (visit, view_menu, ..., order_delivered).
    by : str or list of str, optional
        Column(s) to compare funnels by (``"channel"``, ``"device"``, a segment
        column merged onto the events, ...). Each group is its own funnel over
        the events of that group.
    mode : {"strict", "any_order"}, default="strict"
        ``"strict"``: a unit reaches stage k when it has an event of stage k
        *after* the event with which it reached stage k - 1.
        ``"any_order"``: a unit reaches stage k when it has, at some point, an
        event of stage k and of every stage before it, in any order.
    session : str, default="session_id"
        Column of what is counted: ``"session_id"`` for visits, ``"customer_id"``
        or the ``person_id`` of :func:`link_anonymous` for people across visits.
    timestamp, event : str, default="timestamp", "event"
        Columns of event times (datetimes) and event names.

    Returns
    -------
    DataFrame
        One row per group and stage, in funnel order: the `by` columns, then
        ``stage`` (ordered categorical), ``reached`` (units), ``conversion_from_previous``,
        ``conversion_from_start``, ``dropped`` (units lost since the previous
        stage) and ``drop_off_rate``.

    Notes
    -----
    With n_k the units that reached stage k (k = 1 is the first stage)::

        conversion_from_previous_k = n_k / n_(k-1)      (1.0 for the first stage)
        conversion_from_start_k    = n_k / n_1
        dropped_k                  = n_(k-1) - n_k      (0 for the first stage)
        drop_off_rate_k            = 1 - conversion_from_previous_k

    A rate whose base is 0 units is missing (NaN), not 0. In strict mode "after"
    means later in time; events with the same timestamp keep their order in
    the log. Strict counts can only be lower than or equal to any-order counts.
    Rows without a unit, a time, an event or a `by` value are left out: they
    cannot be followed (see :func:`link_anonymous` to give anonymous rows an id).

    The two modes differ when a unit does the stages out of order. Session s2
    below adds a dish to the cart from a "reorder" button, then looks at the
    dish: strict mode stops it at the menu, any-order mode counts it in the
    cart.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": ["s1", "s1", "s1", "s1", "s2", "s2", "s2", "s2"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:01", "2024-05-01 12:02",
    ...                                  "2024-05-01 12:03", "2024-05-02 19:00", "2024-05-02 19:01",
    ...                                  "2024-05-02 19:02", "2024-05-02 19:03"], format="%Y-%m-%d %H:%M"),
    ...     "event": ["visit", "view_menu", "view_dish", "add_to_cart",
    ...               "visit", "view_menu", "add_to_cart", "view_dish"],
    ... })
    >>> stages = ["visit", "view_menu", "view_dish", "add_to_cart"]
    >>> funnel(events, stages=stages, mode="strict")[["stage", "reached", "conversion_from_previous"]]
             stage  reached  conversion_from_previous
    0        visit        2                       1.0
    1    view_menu        2                       1.0
    2    view_dish        2                       1.0
    3  add_to_cart        1                       0.5
    >>> funnel(events, stages=stages, mode="any_order")["reached"].tolist()
    [2, 2, 2, 2]
    """
    by_columns = _as_list(by)
    _check_log(events, [*by_columns, session, timestamp, event], timestamp=timestamp)
    require_one_of(mode, _FUNNEL_MODES, parameter="mode", function="funnel")
    log = SortedLog(events, session=session, timestamp=timestamp, event=event, by=by_columns)
    known = _known_events(events, event, log.event_names)
    stages = _check_stages(stages, known, event=event, function="funnel")
    if mode == "strict":
        reached = strict_reach(log, stages) < len(log.journey)
    else:
        reached = any_order_reach(log, stages)
    return _stage_table(log.groups, stages, count_by_group(reached, log))


@renamed_parameters(unit="session", time="timestamp")
def stage_times(
    events: pd.DataFrame,
    *,
    stages: Sequence[str] = DEFAULT_STAGES,
    by: str | Sequence[str] | None = None,
    stall_after: pd.Timedelta = pd.Timedelta(minutes=10),
    session: str = "session_id",
    timestamp: str = "timestamp",
    event: str = "event",
) -> pd.DataFrame:
    """How long units take from each stage to the next, and where they stall.

    Parameters
    ----------
    events : DataFrame
        The event log, in any order.
    stages : sequence of str, default=DEFAULT_STAGES
        Event names in funnel order.
    by : str or list of str, optional
        Column(s) to compare by, as in :func:`funnel`.
    stall_after : Timedelta, default=10 minutes
        A step that takes longer than this counts as a stall.
    session, timestamp, event : str, default="session_id", "timestamp", "event"
        Columns of the unit counted, event times and event names.

    Returns
    -------
    DataFrame
        One row per group and step (``from_stage`` -> ``to_stage``): the `by`
        columns, ``reached_from`` and ``reached_to`` (units, strict funnel),
        ``median_minutes``, ``q1_minutes`` and ``q3_minutes`` of the time the
        step took, and ``slow_share``, the share of the units making the step
        that took longer than `stall_after`.

    Notes
    -----
    Stage times follow the strict funnel of :func:`funnel`: t_k is the time of
    the event that reached stage k, and the step k-1 -> k takes t_k - t_(k-1),
    measured over the units that made it (``reached_to`` of them). q1 and q3
    are the 25 % and 75 % quantiles (linear interpolation, pandas' default);
    the interquartile range q3 - q1 is the spread. ``slow_share`` = (units
    whose step took > `stall_after`) / ``reached_to``. People stall at the steps
    with a long median or a high ``slow_share``; they stop at the steps with a
    high ``drop_off_rate`` in :func:`funnel`. Statistics of a step nobody made are NaN.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": ["s1", "s1", "s1", "s2", "s2", "s2"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:02", "2024-05-01 12:20",
    ...                                  "2024-05-02 19:00", "2024-05-02 19:04", "2024-05-02 19:06"],
    ...                                 format="%Y-%m-%d %H:%M"),
    ...     "event": ["visit", "view_menu", "pay", "visit", "view_menu", "pay"],
    ... })
    >>> times = stage_times(events, stages=["visit", "view_menu", "pay"])
    >>> times[["from_stage", "to_stage", "reached_to", "median_minutes", "q3_minutes", "slow_share"]]
      from_stage   to_stage  reached_to  median_minutes  q3_minutes  slow_share
    0      visit  view_menu           2             3.0         3.5         0.0
    1  view_menu        pay           2            10.0        14.0         0.5
    """
    by_columns = _as_list(by)
    _check_log(events, [*by_columns, session, timestamp, event], timestamp=timestamp)
    if not isinstance(stall_after, pd.Timedelta) or stall_after < pd.Timedelta(0):
        raise ValueError(
            "The 'stall_after' parameter of stage_times must be a pd.Timedelta >= 0, "
            f"for example pd.Timedelta(minutes=10). Got {stall_after!r} instead."
        )
    log = SortedLog(events, session=session, timestamp=timestamp, event=event, by=by_columns)
    known = _known_events(events, event, log.event_names)
    stages = _check_stages(stages, known, event=event, function="stage_times")
    if len(stages) < 2:
        raise ValueError(f"stage_times needs at least two stages to time a step. Got {stages!r} instead.")
    reach = strict_reach(log, stages)
    reached = reach < len(log.journey)
    counts = count_by_group(reached, log)
    steps = []
    for k in range(1, len(stages)):  # a loop over the steps of the funnel, not over people
        made = np.flatnonzero(reached[:, k])
        waited = log.time[reach[made, k]] - log.time[reach[made, k - 1]]
        minutes = waited / np.timedelta64(1, "m")
        steps.append(pd.DataFrame({"group": log.group_of_journey[made], "step": k - 1, "minutes": minutes}))
    stats = (
        pd.concat(steps, ignore_index=True)
        .assign(slow=lambda frame: frame["minutes"] > stall_after / pd.Timedelta(minutes=1))
        .groupby(["group", "step"])
        .agg(
            median_minutes=("minutes", "median"),
            q1_minutes=("minutes", lambda minutes: minutes.quantile(0.25)),
            q3_minutes=("minutes", lambda minutes: minutes.quantile(0.75)),
            slow_share=("slow", "mean"),
        )
    )
    every_step = pd.MultiIndex.from_product([range(log.n_groups), range(len(stages) - 1)], names=["group", "step"])
    stats = stats.reindex(every_step).reset_index(drop=True)
    table = log.groups.loc[log.groups.index.repeat(len(stages) - 1)].reset_index(drop=True)
    table["from_stage"] = stages[:-1] * log.n_groups
    table["to_stage"] = stages[1:] * log.n_groups
    table["reached_from"] = counts[:, :-1].ravel()
    table["reached_to"] = counts[:, 1:].ravel()
    return pd.concat([table, stats], axis=1)


# --- paths --------------------------------------------------------------------------------------


@renamed_parameters(unit="session", time="timestamp")
def top_paths(
    events: pd.DataFrame,
    *,
    n: int = 10,
    separator: str = " → ",
    session: str = "session_id",
    timestamp: str = "timestamp",
    event: str = "event",
) -> pd.DataFrame:
    """The `n` most common routes through the events, from a unit's first event to its last.

    Parameters
    ----------
    events : DataFrame
        The event log, in any order.
    n : int, default=10
        How many paths to return.
    separator : str, default=" → "
        Written between two events of a path.
    session, timestamp, event : str, default="session_id", "timestamp", "event"
        Columns of the unit followed, event times and event names.

    Returns
    -------
    DataFrame
        Columns ``path`` (the events joined by `separator`), ``steps`` (events
        in the path), ``units`` (how many units took it) and ``share`` (of all
        units), most common first; ties are ordered alphabetically by path.

    Notes
    -----
    A path is a unit's events in time order with consecutive repeats collapsed:
    ``view_dish, view_dish, view_dish`` is one step ``view_dish``, so browsing
    three dishes and browsing one follow the same route. A repeat that is not
    consecutive stays (``pay → payment_failed → pay``). ``share`` = units / all
    units with at least one event. Rows without a unit, time or event are left out.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": ["s1", "s1", "s1", "s2", "s2", "s3"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:01", "2024-05-01 12:02",
    ...                                  "2024-05-02 19:00", "2024-05-02 19:04", "2024-05-03 08:00"],
    ...                                 format="%Y-%m-%d %H:%M"),
    ...     "event": ["visit", "view_menu", "view_menu", "visit", "view_menu", "visit"],
    ... })
    >>> top_paths(events, n=2)
                    path  steps  units     share
    0  visit → view_menu      2      2  0.666667
    1              visit      1      1  0.333333
    """
    _check_log(events, [session, timestamp, event], timestamp=timestamp)
    require_positive_int(n, parameter="n", function="top_paths")
    log = SortedLog(events, session=session, timestamp=timestamp, event=event, by=[])
    keep = without_repeats(log)
    steps = pd.Series(log.event_names[log.event[keep]]).groupby(log.journey[keep])
    paths = pd.DataFrame({"path": steps.agg(separator.join), "steps": steps.size()})
    return (
        paths.groupby(["path", "steps"])
        .size()
        .rename("units")
        .reset_index()
        .assign(share=lambda table: table["units"] / log.n_journeys)
        .sort_values(["units", "path"], ascending=[False, True], kind="stable")
        .head(n)
        .reset_index(drop=True)
    )


@renamed_parameters(unit="session", time="timestamp")
def transition_matrix(
    events: pd.DataFrame,
    *,
    normalize: bool = True,
    collapse_repeats: bool = False,
    session: str = "session_id",
    timestamp: str = "timestamp",
    event: str = "event",
) -> pd.DataFrame:
    """What happens next: for each event, how often each event (or the end) follows it.

    Parameters
    ----------
    events : DataFrame
        The event log, in any order.
    normalize : bool, default=True
        ``True``: each row holds shares that sum to 1 (the chance of each next
        step). ``False``: counts of transitions.
    collapse_repeats : bool, default=False
        ``True`` drops consecutive repeats first (as :func:`top_paths` does), so
        the diagonal (``view_dish`` -> ``view_dish``) is 0.
    session, timestamp, event : str, default="session_id", "timestamp", "event"
        Columns of the unit followed, event times and event names.

    Returns
    -------
    DataFrame
        Rows: ``"(start)"`` then every event of the log (index name ``from``);
        columns: every event then ``"(end)"`` (columns name ``to``). Events are
        in journey order (the course's events first, then others alphabetically).

    Notes
    -----
    Each unit's events, in time order, give the transitions
    ``(start) -> e_1 -> e_2 -> ... -> e_n -> (end)``: one per event plus one to the
    end. With c(a, b) the number of transitions from a to b::

        share(a, b) = c(a, b) / sum over x of c(a, x)

    The ``(start)`` row is how journeys begin (its counts sum to the number of
    units); the ``(end)`` column is where they stop. Rows without a unit, time
    or event are left out.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": ["s1", "s1", "s2", "s2", "s2"],
    ...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:01", "2024-05-02 19:00",
    ...                                  "2024-05-02 19:04", "2024-05-02 19:05"], format="%Y-%m-%d %H:%M"),
    ...     "event": ["visit", "view_menu", "visit", "view_menu", "pay"],
    ... })
    >>> transition_matrix(events, normalize=False)
    to         visit  view_menu  pay  (end)
    from
    (start)        2          0    0      0
    visit          0          2    0      0
    view_menu      0          0    1      1
    pay            0          0    0      1
    """
    _check_log(events, [session, timestamp, event], timestamp=timestamp)
    if not isinstance(normalize, bool) or not isinstance(collapse_repeats, bool):
        raise TypeError(
            "The 'normalize' and 'collapse_repeats' parameters of transition_matrix must be True or False. "
            f"Got {normalize!r} and {collapse_repeats!r} instead."
        )
    log = SortedLog(events, session=session, timestamp=timestamp, event=event, by=[])
    keep = without_repeats(log) if collapse_repeats else np.ones(len(log.journey), dtype=bool)
    states = _event_order(log.event_names)
    code = log.position_in(states)[keep]
    journey_ids = log.journey[keep]
    first = np.ones(len(code), dtype=bool)
    first[1:] = journey_ids[1:] != journey_ids[:-1]
    last = np.ones(len(code), dtype=bool)
    last[:-1] = first[1:]
    # Row 0 is (start) and row i + 1 is state i; column i is state i and the last column is (end).
    n_columns = len(states) + 1
    from_row = np.where(first, 0, np.concatenate([[0], code[:-1] + 1]))
    flat = np.concatenate([from_row * n_columns + code, (code[last] + 1) * n_columns + len(states)])
    counts = np.bincount(flat, minlength=n_columns * n_columns).reshape(n_columns, n_columns)
    matrix = pd.DataFrame(
        counts,
        index=pd.Index([START, *states], name="from"),
        columns=pd.Index([*states, END], name="to"),
    )
    if normalize:
        matrix = matrix.div(matrix.sum(axis=1), axis=0)
    return matrix


# --- beyond the first order ---------------------------------------------------------------------

_PERIODS = ("D", "W", "M", "Q", "Y")


def _check_orders(orders: pd.DataFrame, columns: Sequence[str], *, ordered_at: str) -> None:
    """Check that `orders` is a non-empty DataFrame with `columns`, and datetimes in `ordered_at`."""
    require_dataframe(orders, name="orders")
    require_columns(orders, columns, name="orders")
    require_non_empty(orders, name="orders")
    require_datetime(orders, ordered_at, name="orders")


def _ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@renamed_parameters(time="ordered_at")
def repeat_funnel(
    orders: pd.DataFrame,
    *,
    max_orders: int = 5,
    by: str | Sequence[str] | None = None,
    customer: str = "customer_id",
    order: str = "order_id",
    ordered_at: str = "ordered_at",
) -> pd.DataFrame:
    """The funnel after the first order: how many customers place a 1st, 2nd, 3rd, ... order.

    Parameters
    ----------
    orders : DataFrame
        One row per order, or per order line (an order's lines count once).
    max_orders : int, default=5
        The last stage of the funnel ("5th order").
    by : str or list of str, optional
        Column(s) of `orders` to compare by (a segment merged onto the orders,
        for example). Each group is its own funnel over its orders.
    customer, order, ordered_at : str, default="customer_id", "order_id", "ordered_at"
        Columns of the customer id, the order id and the order time (datetimes).

    Returns
    -------
    DataFrame
        The table of :func:`funnel` with stages "1st order", "2nd order", ...,
        plus ``order_number`` (1, 2, ...) and ``median_days_since_previous``
        (the median gap, in days, between a customer's previous order and this
        one; NaN for the first order).

    Notes
    -----
    A customer reaches stage k when they have at least k distinct orders;
    ``conversion_from_previous`` of stage k is then the repeat rate: the share
    of customers with k - 1 orders who ordered again. The formulas are those of
    :func:`funnel`. Orders without a customer id (guest checkouts) cannot be
    followed and are left out; filter cancelled or refunded orders out first if
    they should not count.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2, 2, 3],
    ...     "order_id": [10, 11, 12, 20, 21, 30],
    ...     "ordered_at": pd.to_datetime(["2024-01-02", "2024-01-09", "2024-02-01", "2024-01-05",
    ...                                   "2024-01-25", "2024-03-01"], format="%Y-%m-%d"),
    ... })
    >>> repeat_funnel(orders, max_orders=3)[["stage", "reached", "conversion_from_previous",
    ...                                      "median_days_since_previous"]]
           stage  reached  conversion_from_previous  median_days_since_previous
    0  1st order        3                  1.000000                         NaN
    1  2nd order        2                  0.666667                        13.5
    2  3rd order        1                  0.500000                        23.0
    """
    by_columns = _as_list(by)
    _check_orders(orders, [*by_columns, customer, order, ordered_at], ordered_at=ordered_at)
    require_positive_int(max_orders, parameter="max_orders", function="repeat_funnel")
    keys = [*by_columns, customer]
    placed = orders[[*keys, order, ordered_at]].dropna()
    if placed.empty:
        raise ValueError(
            f"No row of `orders` has all of {[*keys, order, ordered_at]} filled in: there is no customer to follow."
        )
    # One row per order, at the ordered_at of its first line, in each customer's ordered_at order.
    firsts = placed.sort_values(ordered_at, kind="stable").drop_duplicates([*keys, order])
    per_customer = firsts.groupby(keys, sort=False, observed=True)
    firsts = firsts.assign(
        order_number=per_customer.cumcount() + 1,
        days_since_previous=per_customer[ordered_at].diff() / pd.Timedelta(days=1),
    )
    firsts = firsts[firsts["order_number"] <= max_orders]
    stage_keys = [*by_columns, "order_number"]
    numbers = pd.Index(range(1, max_orders + 1), name="order_number")
    counts = firsts.groupby(stage_keys, observed=True).size()
    medians = firsts.groupby(stage_keys, observed=True)["days_since_previous"].median()
    if by_columns:
        counts = counts.unstack("order_number").reindex(columns=numbers, fill_value=0).fillna(0)
        medians = medians.unstack("order_number").reindex(columns=numbers)
        groups = counts.index.to_frame(index=False)
    else:
        counts = counts.reindex(numbers, fill_value=0).to_frame().T
        medians = medians.reindex(numbers).to_frame().T
        groups = pd.DataFrame(index=range(1))
    labels = [f"{_ordinal(number)} order" for number in numbers]
    table = _stage_table(groups, labels, counts.to_numpy(dtype=np.int64))
    table.insert(len(by_columns), "order_number", np.tile(numbers.to_numpy(), len(groups)))
    table["median_days_since_previous"] = medians.to_numpy(dtype=float).ravel()
    return table


def _period_numbers(times: pd.Series, period: str) -> pd.Series:
    """Number each time by its calendar period (month, week, ...): consecutive periods differ by 1."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_localize(None)  # the local calendar decides which month an order is in
    return pd.Series(times.dt.to_period(period).array.asi8, index=times.index)


@renamed_parameters(time="ordered_at")
def cohort_retention(
    orders: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    period: str = "M",
    normalize: bool = True,
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    signup: str = "signup_date",
) -> pd.DataFrame:
    """Retention by cohort: of the customers who started in a period, how many order n periods later.

    Parameters
    ----------
    orders : DataFrame
        One row per order (or order line) with a customer id and a time.
    customers : DataFrame, optional
        One row per customer with a signup date: cohorts by signup period, and
        a cohort counts every customer who signed up, ordering or not. Without
        it, cohorts are by the period of each customer's first order.
    period : {"D", "W", "M", "Q", "Y"}, default="M"
        Calendar period of the cohorts and of the columns (day, week, month, quarter, year).
    normalize : bool, default=True
        ``True``: shares of the cohort. ``False``: numbers of customers.
    customer, ordered_at, signup : str, default="customer_id", "ordered_at", "signup_date"
        Columns of the customer id, the order time, and (in `customers`) the signup date.

    Returns
    -------
    DataFrame
        One row per cohort, indexed by ``cohort`` (the period) and ``customers``
        (the cohort's size); one column per period since the cohort started
        (0, 1, 2, ...; columns name ``periods_since_start``).

    Notes
    -----
    For cohort c (customers who started in period c) and n = 0, 1, 2, ...::

        retention(c, n) = customers of c with an order in period c + n  /  customers of c

    Periods are calendar periods, not 30-day windows: a customer who signs up on
    31 January and orders on 1 February is active in period 1. `orders` is
    taken to cover the periods from its first order to its last: a cell whose
    period lies outside is NaN (not observed), not 0 - after the last order it
    has not happened yet, and before the first (a customer who signed up
    before the order history starts) it is not in the data. Orders without a
    customer or a time, customers without a signup date, orders of customers
    missing from `customers`, and orders placed before the customer's signup
    period are left out. Time-zone aware times are read in
    their local calendar.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20", "2024-03-01",
    ...                                   "2024-02-14"], format="%Y-%m-%d"),
    ... })
    >>> cohort_retention(orders)
    periods_since_start    0    1    2
    cohort  customers
    2024-01 2          1.0  0.5  0.5
    2024-02 1          1.0  0.0  NaN
    """
    _check_orders(orders, [customer, ordered_at], ordered_at=ordered_at)
    require_one_of(period, _PERIODS, parameter="period", function="cohort_retention")
    if not isinstance(normalize, bool):
        raise TypeError(
            f"The 'normalize' parameter of cohort_retention must be True or False. Got {normalize!r} instead."
        )
    placed = orders[[customer, ordered_at]].dropna()
    if placed.empty:
        raise ValueError(f"No row of `orders` has both {customer!r} and {ordered_at!r} filled in.")
    active = pd.DataFrame({"customer": placed[customer], "active": _period_numbers(placed[ordered_at], period)})
    active = active.drop_duplicates()
    if customers is None:
        cohort_of = active.groupby("customer")["active"].min()
    else:
        require_columns(customers, [signup], name="customers")
        require_non_empty(customers, name="customers")
        require_datetime(customers, signup, name="customers")
        ids = customer_ids(customers, customer, name="customers")  # a column, or the index
        repeated = ids.dropna()
        repeated = repeated[repeated.duplicated()]
        if len(repeated):
            raise ValueError(
                f"Column {customer!r} of `customers` must name each customer once; "
                f"found {len(repeated)} repeated id(s), like {sample_of(repeated)}."
            )
        known = pd.DataFrame({customer: ids.to_numpy(), signup: customers[signup].to_numpy()}).dropna()
        cohort_of = pd.Series(_period_numbers(known[signup], period).to_numpy(), index=known[customer].to_numpy())
    activity = active.assign(cohort=active["customer"].map(cohort_of)).dropna(subset=["cohort"])
    activity = activity.assign(offset=activity["active"] - activity["cohort"])
    activity = activity[activity["offset"] >= 0].astype({"cohort": np.int64, "offset": np.int64})
    first_period, last_period = int(active["active"].min()), int(active["active"].max())
    sizes = cohort_of.value_counts().sort_index()
    offsets = range(0, max(last_period - int(sizes.index.min()), 0) + 1)
    counts = (
        activity.groupby(["cohort", "offset"])
        .size()
        .unstack("offset", fill_value=0)
        .reindex(index=sizes.index, columns=offsets, fill_value=0)
    )
    period_of_cell = sizes.index.to_numpy()[:, None] + np.array(offsets)[None, :]
    observed = (period_of_cell >= first_period) & (period_of_cell <= last_period)
    values = _share(counts.to_numpy(), sizes.to_numpy()[:, None]) if normalize else counts.to_numpy()
    table = pd.DataFrame(values, columns=pd.Index(offsets, name="periods_since_start"))
    table = table.where(observed) if normalize else table.astype("Int64").where(observed)
    table.index = pd.MultiIndex.from_arrays(
        [pd.PeriodIndex.from_ordinals(sizes.index, freq=period), sizes.to_numpy()],
        names=["cohort", "customers"],
    )
    return table


# --- the journey map ----------------------------------------------------------------------------

#: The journey map's stages (its columns), each with the events that belong to it.
#: Read-only; to change it, edit a copy: ``phases = dict(DEFAULT_PHASES)``.
DEFAULT_PHASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Discover": ("visit",),
        "Choose": ("view_menu", "view_dish"),
        # The delivery address is checked at checkout: that is where a visitor is turned away.
        "Order": ("add_to_cart", "start_checkout", "address_outside_zone", "pay", "payment_failed"),
        "Receive": ("order_delivered",),
        "After the meal": ("rate_order", "contact_support"),
    }
)
#: Events that signal a problem: the map lists them as pain points, not as what people do.
PAIN_EVENTS: tuple[str, ...] = ("payment_failed", "contact_support", "address_outside_zone")
#: The rows of the journey map, top to bottom.
JOURNEY_MAP_ROWS: tuple[str, ...] = (
    "Doing",
    "Touchpoints",
    "Thinking & feeling",
    "Pain points",
    "Opportunities",
)


def _check_phases(phases: Mapping[str, Sequence[str]], known: Sequence[str]) -> dict[str, list[str]]:
    """Return `phases` as a dict of lists, or raise naming the overlapping or unknown events."""
    if not isinstance(phases, Mapping) or len(phases) == 0:
        raise TypeError(
            "The 'phases' parameter of journey_map_table must be a non-empty mapping of stage name to "
            f"event names, like {{'Order': ['add_to_cart', 'pay']}}. Got {phases!r} instead."
        )
    checked: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for name, names in phases.items():
        if isinstance(names, str):
            raise TypeError(
                f"Stage {name!r} of `phases` must list event names, got the single string {names!r}. "
                f"Write [{names!r}] instead."
            )
        for event_name in names:
            if event_name in owner:
                raise ValueError(
                    f"Event {event_name!r} is in two stages of `phases`, {owner[event_name]!r} and {name!r}; "
                    "each event belongs to one stage."
                )
            owner[event_name] = name
        checked[str(name)] = list(names)
    unknown = [name for name in owner if name not in known]
    if unknown:
        raise ValueError(
            f"Unknown event(s) {sample_of(unknown, limit=len(unknown))} in `phases`: no event has that "
            f"name. Known events: {list(known)}."
        )
    return checked


def _check_by_phase(
    frame: pd.DataFrame, columns: Sequence[str], *, name: str, phase: str, phases: Sequence[str]
) -> None:
    """Check a frame of tickets or feedback: its columns, and that each phase it names is a map stage."""
    require_columns(frame, [phase, *columns], name=name)
    unknown = sorted(set(frame[phase].dropna().astype(str)) - set(phases))
    if unknown:
        raise ValueError(
            f"Column {phase!r} of `{name}` names stage(s) {sample_of(unknown, limit=len(unknown))} that "
            f"the map does not have. Stages of the map: {list(phases)}."
        )


def _humanise(event_name: str) -> str:
    """'view_menu' -> 'view menu', for text read on a projector."""
    return event_name.replace("_", " ")


def _ranked(shares: pd.Series, top: int) -> str:
    """'app 55% · web 35%': the `top` largest shares, largest first (ties alphabetically)."""
    ordered = shares[shares > 0].sort_index().sort_values(ascending=False, kind="stable").head(top)
    return " · ".join(f"{_humanise(str(label))} {share:.0%}" for label, share in ordered.items())


def journey_map_notes(phases: Mapping[str, Sequence[str]] = DEFAULT_PHASES) -> pd.DataFrame:
    """A blank, editable table of notes for the journey map: its rows by its stages, all empty.

    Write into it what the data cannot say - hypotheses about feelings,
    opportunities, touchpoints outside the log - and pass it to
    :func:`journey_map_table` as ``notes=``.

    Examples
    --------
    >>> notes = journey_map_notes()
    >>> notes.loc["Opportunities", "Order"] = "Offer a second payment method"
    >>> notes.shape
    (5, 5)
    """
    return pd.DataFrame(
        "",
        index=pd.Index(JOURNEY_MAP_ROWS, name="row"),
        columns=pd.Index([str(name) for name in phases], name="stage"),
    )


@renamed_parameters(unit="session")
def journey_map_table(
    events: pd.DataFrame,
    *,
    phases: Mapping[str, Sequence[str]] = DEFAULT_PHASES,
    notes: pd.DataFrame | None = None,
    tickets: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
    touchpoints: str | Sequence[str] = "channel",
    pain_events: Sequence[str] = PAIN_EVENTS,
    rating_range: tuple[float, float] = (1, 5),
    top: int = 3,
    session: str = "session_id",
    event: str = "event",
    phase: str = "phase",
    category: str = "category",
    rating: str = "rating",
    comment: str = "comment",
) -> pd.DataFrame:
    """The journey map as a table: its stages (columns) by what customers do, use, feel, suffer, could gain.

    Parameters
    ----------
    events : DataFrame
        The event log, in any order (one segment's events, for that segment's map).
    phases : mapping of str to list of str, default=DEFAULT_PHASES
        The map's stages, in journey order, each with its events. An event in
        no stage is left out of the map.
    notes : DataFrame, optional
        Text the data cannot give, laid out like :func:`journey_map_notes`
        (rows from ``JOURNEY_MAP_ROWS``, columns from the stages; any subset).
        A non-empty note is added below the data in its cell.
    tickets : DataFrame, optional
        Support tickets with a `phase` column (the map stage it concerns) and a
        `category` column (late delivery, payment, ...).
    feedback : DataFrame, optional
        Survey answers with a `phase` column, a numeric `rating` and, optionally,
        a free-text `comment`.
    touchpoints : str or list of str, default="channel"
        Column(s) of `events` naming where things happen (``"channel"``, ``"device"``).
    pain_events : sequence of str, default=PAIN_EVENTS
        Events that signal a problem: listed under pain points, not under doing.
    rating_range : (float, float), default=(1, 5)
        The lowest and highest possible rating; ratings outside are an error.
    top : int, default=3
        How many touchpoints and ticket categories to list per stage.
    session, event : str, default="session_id", "event"
        Columns of the unit counted and the event names.
    phase, category, rating, comment : str, default="phase", "category", "rating", "comment"
        Columns of `tickets` and `feedback`.

    Returns
    -------
    DataFrame
        Rows ``JOURNEY_MAP_ROWS`` (index name ``row``), one column per stage
        (columns name ``stage``), text in every cell (``""`` when there is nothing to say).

    Notes
    -----
    With U_s the units that have at least one event of stage s and U the units
    of the whole log, the cells filled from data are:

    - Doing: "Reached by ``|U_s|`` (``|U_s| / |U|``)", then for each event e of the stage that
      is not a pain event, the share of U_s with an e event;
    - Touchpoints: for each touchpoint column, the `top` values by share of U_s
      that used them (a unit that used two channels counts for both);
    - Pain points: "go no further", the share of U_s whose furthest stage (in
      map order) is s (not shown for the last stage); each pain event's share
      of U_s; the `top` ticket categories of the stage with their counts;
    - Thinking & feeling: the mean rating of the stage's feedback, with n, and
      the comment that came with its lowest rating (the first such one);
    - Opportunities: only from `notes` - deciding what to do is not in the data.

    Rows without a unit or an event are left out.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": ["s1", "s1", "s1", "s2", "s2", "s2"],
    ...     "channel": ["app", "app", "app", "web", "web", "web"],
    ...     "event": ["view_menu", "add_to_cart", "payment_failed", "view_menu", "add_to_cart", "pay"],
    ... })
    >>> phases = {"Choose": ["view_menu"], "Order": ["add_to_cart", "pay", "payment_failed"]}
    >>> feedback = pd.DataFrame({"phase": ["Order", "Order"], "rating": [2, 4],
    ...                          "comment": ["Card refused twice", "Quick"]})
    >>> table = journey_map_table(events, phases=phases, feedback=feedback)
    >>> print(table.loc["Pain points", "Order"])
    payment failed 50%
    >>> print(table.loc["Thinking & feeling", "Order"])
    Rating 3.0 / 5 (n=2)
    Lowest: “Card refused twice”
    """
    touchpoint_columns = _as_list(touchpoints)
    _check_log(events, [session, event, *touchpoint_columns], timestamp=None)
    require_positive_int(top, parameter="top", function="journey_map_table")
    log, stages = _map_log(events, phases, session=session, event=event, touchpoints=touchpoint_columns)
    names = list(stages)
    # The sessions with at least one event of each stage (U_s in the Notes).
    sessions_in = log[[session, "_stage"]].drop_duplicates()
    reached = sessions_in.groupby("_stage").size().reindex(names, fill_value=0)
    # How many sessions of each stage had each event.
    had_event = log[[session, "_stage", event]].drop_duplicates().groupby(["_stage", event]).size()
    cells = {
        "Doing": _doing_cells(stages, reached, had_event, all_sessions=log[session].nunique(), pain_events=pain_events),
        "Touchpoints": _touchpoint_cells(log, names, reached, session=session, touchpoints=touchpoint_columns, top=top),
        "Thinking & feeling": _feeling_cells(
            feedback, names, phase=phase, rating=rating, comment=comment, rating_range=rating_range
        ),
        "Pain points": _pain_cells(stages, reached, had_event, sessions_in, session=session, pain_events=pain_events),
        "Opportunities": {name: [] for name in names},
    }
    for name, listed in _ticket_cells(tickets, names, phase=phase, category=category, top=top).items():
        cells["Pain points"][name].extend(listed)
    _add_notes(cells, notes, names)
    return pd.DataFrame(
        [["\n".join(cells[row][name]) for name in names] for row in JOURNEY_MAP_ROWS],
        index=pd.Index(JOURNEY_MAP_ROWS, name="row"),
        columns=pd.Index(names, name="stage"),
    )


# --- the journey map's rows, one function each ---------------------------------------------------


def _map_log(
    events: pd.DataFrame,
    phases: Mapping[str, Sequence[str]],
    *,
    session: str,
    event: str,
    touchpoints: list[str],
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The rows with a session and an event in a stage, with their stage as ``_stage``; and the checked stages."""
    log = events[[session, event, *touchpoints]].dropna(subset=[session, event])
    if log.empty:
        raise ValueError(f"No row of `events` has both {session!r} and {event!r} filled in.")
    log = log.assign(**{event: log[event].astype("str")})
    stages = _check_phases(phases, _known_events(events, event, log[event].unique()))
    stage_of_event = {event_name: name for name, event_names in stages.items() for event_name in event_names}
    return log.assign(_stage=log[event].map(stage_of_event)).dropna(subset=["_stage"]), stages


def _doing_cells(
    stages: dict[str, list[str]],
    reached: pd.Series,
    had_event: pd.Series,
    *,
    all_sessions: int,
    pain_events: Sequence[str],
) -> dict[str, list[str]]:
    """Doing: how many reach each stage, and the share of them doing each (non-pain) event."""
    cells = {}
    for name, event_names in stages.items():
        cells[name] = [f"Reached by {reached[name]:,} ({reached[name] / all_sessions:.0%})"]
        cells[name] += [
            f"{_humanise(event_name)} {had_event[(name, event_name)] / reached[name]:.0%}"
            for event_name in event_names
            if event_name not in pain_events and (name, event_name) in had_event.index
        ]
    return cells


def _touchpoint_cells(
    log: pd.DataFrame, names: list[str], reached: pd.Series, *, session: str, touchpoints: list[str], top: int
) -> dict[str, list[str]]:
    """Touchpoints: the `top` values of each touchpoint column, by share of the sessions in the stage."""
    cells: dict[str, list[str]] = {name: [] for name in names}
    for column in touchpoints:
        used = log[[session, "_stage", column]].dropna().drop_duplicates().astype({column: "str"})
        shares = used.groupby(["_stage", column]).size().div(reached, level="_stage")
        prefix = f"{column}: " if len(touchpoints) > 1 else ""
        for name in names:
            if name in shares.index.get_level_values("_stage"):
                cells[name].append(prefix + _ranked(shares.loc[name], top))
    return cells


def _pain_cells(
    stages: dict[str, list[str]],
    reached: pd.Series,
    had_event: pd.Series,
    sessions_in: pd.DataFrame,
    *,
    session: str,
    pain_events: Sequence[str],
) -> dict[str, list[str]]:
    """Pain points: the share that goes no further than each stage, and each pain event's share."""
    names = list(stages)
    stage_number = pd.Series(range(len(names)), index=names)
    furthest = sessions_in.assign(number=sessions_in["_stage"].map(stage_number)).groupby(session)["number"].max()
    stopped_at = furthest.value_counts().reindex(range(len(names)), fill_value=0)
    cells: dict[str, list[str]] = {name: [] for name in names}
    for number, name in enumerate(names[:-1]):
        if reached[name]:
            cells[name].append(f"{stopped_at[number] / reached[name]:.0%} go no further")
    for name, event_names in stages.items():
        cells[name] += [
            f"{_humanise(event_name)} {had_event[(name, event_name)] / reached[name]:.0%}"
            for event_name in event_names
            if event_name in pain_events and (name, event_name) in had_event.index
        ]
    return cells


def _ticket_cells(
    tickets: pd.DataFrame | None, names: list[str], *, phase: str, category: str, top: int
) -> dict[str, list[str]]:
    """Pain points, continued: the `top` ticket categories of each stage, with their counts."""
    if tickets is None:
        return {}
    _check_by_phase(tickets, [category], name="tickets", phase=phase, phases=names)
    counts = tickets.dropna(subset=[phase, category]).astype({phase: "str", category: "str"})
    counts = counts.groupby([phase, category]).size()
    cells = {}
    for name in names:
        if name in counts.index.get_level_values(phase):
            ranked = counts.loc[name].sort_index().sort_values(ascending=False, kind="stable").head(top)
            cells[name] = ["Tickets: " + ", ".join(f"{label} ({count})" for label, count in ranked.items())]
    return cells


def _feeling_cells(
    feedback: pd.DataFrame | None,
    names: list[str],
    *,
    phase: str,
    rating: str,
    comment: str,
    rating_range: tuple[float, float],
) -> dict[str, list[str]]:
    """Thinking & feeling: each stage's mean rating with n, and the comment of its lowest rating."""
    cells: dict[str, list[str]] = {name: [] for name in names}
    if feedback is None:
        return cells
    _check_by_phase(feedback, [rating], name="feedback", phase=phase, phases=names)
    low, high = rating_range
    require_in_range(feedback, rating, low=low, high=high, name="feedback")
    answers = feedback.dropna(subset=[phase, rating]).astype({phase: "str"})
    summary = answers.groupby(phase).agg(mean=(rating, "mean"), n=(rating, "size"))
    if comment in answers.columns:
        commented = answers[answers[comment].fillna("").astype("str").str.strip() != ""]
        lowest = commented.sort_values(rating, kind="stable").drop_duplicates(phase).set_index(phase)[comment]
    else:
        lowest = pd.Series(dtype="str")
    for name in summary.index:
        cells[name].append(f"Rating {summary.loc[name, 'mean']:.1f} / {high:g} (n={summary.loc[name, 'n']})")
        if name in lowest.index:
            quote = textwrap.shorten(str(lowest[name]), width=80, placeholder="…")
            cells[name].append(f"Lowest: “{quote}”")
    return cells


def _add_notes(cells: dict[str, dict[str, list[str]]], notes: pd.DataFrame | None, names: list[str]) -> None:
    """Add each non-empty note below the data of its cell (what the data cannot say)."""
    if notes is None:
        return
    require_dataframe(notes, name="notes")
    bad_rows = [row for row in notes.index if row not in JOURNEY_MAP_ROWS]
    bad_columns = [column for column in notes.columns if column not in names]
    if bad_rows or bad_columns:
        raise ValueError(
            f"`notes` must use the map's rows {list(JOURNEY_MAP_ROWS)} and stages {names}; "
            f"found rows {bad_rows} and stages {bad_columns} that are not. "
            "Start from journey_map_notes(phases) to get the layout right."
        )
    for row in notes.index:
        for name in notes.columns:
            note = notes.loc[row, name]
            if isinstance(note, str) and note.strip():
                cells[row][name].append(note.strip())
