"""The event log sorted by journey and time: the fast path behind :mod:`course_lib.journey`.

A funnel, a path or a transition table all start the same way: put each
journey's events together and in time order, then look at neighbouring rows.
In pandas that is ``events.sort_values([session, timestamp], kind="stable")``
followed by ``groupby(session)``; here the same order is reached on integer
codes (two ``pd.factorize`` and two stable ``argsort``), which is several
times faster on a million events. ``tests/test_engine.py`` checks the funnel
against a plain pandas version.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SortedLog",
    "any_order_reach",
    "count_by_group",
    "strict_reach",
    "without_repeats",
]


def as_datetime64(times: pd.Series) -> np.ndarray:
    """Return `times` as a numpy ``datetime64[ns]`` array (time-zone aware times in UTC)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert(None)
    return times.to_numpy(dtype="datetime64[ns]")


class SortedLog:
    """The columns of a log that an analysis needs, as numpy arrays sorted by journey and time.

    A *journey* is one unit (a session, a customer) within one group of `by`:
    the same customer on the web and on the app makes two journeys in a funnel
    by channel. Rows missing the unit, the time, the event or a `by` value are
    left out, since they cannot be placed in a journey.

    Attributes
    ----------
    journey : int array, one per row, non-decreasing (0 .. n_journeys - 1).
    time : datetime64[ns] array, non-decreasing within a journey.
    event : int array, the row's event as a position in `event_names`.
    event_names : array of str, each event name of the log once.
    group_of_journey : int array, the group code (0 .. n_groups - 1) of each journey.
    groups : DataFrame of the `by` values, one row per group code (one empty row without `by`).
    """

    def __init__(self, events: pd.DataFrame, *, session: str, timestamp: str, event: str, by: list[str]) -> None:
        # Work on integer codes: comparing numbers is far faster than comparing strings, and
        # factorize marks a missing value with the code -1, so no separate dropna is needed.
        unit_code, _ = pd.factorize(events[session])
        event_code, event_names = pd.factorize(events[event])
        times = as_datetime64(events[timestamp])
        if by:
            groups = events.groupby(by, sort=True, observed=True)
            group_code = groups.ngroup().fillna(-1).to_numpy(dtype=np.int64)  # -1: a missing `by` value
        else:
            group_code = np.zeros(len(events), dtype=np.int64)
        complete = (unit_code >= 0) & (event_code >= 0) & ~np.isnat(times) & (group_code >= 0)
        if not complete.any():
            raise ValueError(
                f"No row of `events` has all of {[*by, session, timestamp, event]} filled in, so there is no "
                "journey to follow. Check the column names, or give anonymous rows an id first "
                "(see link_anonymous)."
            )
        unit_code, event_code, times = unit_code[complete], event_code[complete], times[complete]
        # One code per (group, unit) pair: the same unit in two groups is two journeys. Factorizing
        # again also numbers the journeys and events 0 .. n - 1 among the complete rows only.
        journey_code, _ = pd.factorize(group_code[complete] * (unit_code.max() + 1) + unit_code)
        event_code, used_names = pd.factorize(event_code)
        # Sort by time, then stably by journey: each journey's rows become contiguous and in time
        # order (ties keep the log's order), and the sorted journey codes count up from 0.
        by_time = np.argsort(times, kind="stable")
        order = by_time[np.argsort(journey_code[by_time], kind="stable")]
        self.journey = journey_code[order]
        self.time = times[order]
        self.event = event_code[order]
        self.event_names = np.asarray(event_names.astype(str))[used_names]
        self.n_journeys = int(self.journey[-1]) + 1
        self.group_of_journey = np.zeros(self.n_journeys, dtype=np.int64)
        self.group_of_journey[self.journey] = group_code[complete][order]
        if by:
            # Group codes follow the sorted `by` values; renumber the groups that kept a row.
            kept_groups, first_rows = np.unique(group_code[complete], return_index=True)
            self.group_of_journey = np.searchsorted(kept_groups, self.group_of_journey)
            self.groups = events.loc[complete, by].iloc[first_rows].reset_index(drop=True)
        else:
            self.groups = pd.DataFrame(index=range(1))

    def position_in(self, names: Sequence[str]) -> np.ndarray:
        """For each row, the position of its event in `names`, or -1 when it is not there."""
        return pd.Index(names).get_indexer(self.event_names)[self.event]

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def first_of_journey(self) -> np.ndarray:
        """Boolean array: True on the first row of each journey."""
        first = np.ones(len(self.journey), dtype=bool)
        first[1:] = self.journey[1:] != self.journey[:-1]
        return first


def _first_per_journey(rows: np.ndarray, journey: np.ndarray) -> np.ndarray:
    """Of `rows` (sorted positions), keep the first of each journey: the earliest one."""
    owners = journey[rows]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = owners[1:] != owners[:-1]
    return rows[first]


def strict_reach(log: SortedLog, stages: list[str]) -> np.ndarray:
    """Row position at which each journey reached each stage in order; ``len(log)`` if never.

    Stage k is reached at the first event of stage k that comes after the
    event that reached stage k - 1 (in sorted order, so ties in time follow
    the log's order). The loop runs over the handful of stages, never over people.
    """
    n_rows = len(log.journey)
    stage_of_row = log.position_in(stages)
    reach = np.full((log.n_journeys, len(stages)), n_rows)
    previous = np.full(log.n_journeys, -1)
    for k in range(len(stages)):
        rows = np.flatnonzero(stage_of_row == k)
        rows = rows[rows > previous[log.journey[rows]]]
        reached = _first_per_journey(rows, log.journey)
        reach[log.journey[reached], k] = reached
        previous = reach[:, k]
    return reach


def any_order_reach(log: SortedLog, stages: list[str]) -> np.ndarray:
    """Boolean (journey, stage): at some point the journey has an event of this stage and each one before."""
    stage_of_row = log.position_in(stages)
    has_event = np.zeros((log.n_journeys, len(stages)), dtype=bool)
    in_stage = stage_of_row >= 0
    has_event[log.journey[in_stage], stage_of_row[in_stage]] = True
    return np.logical_and.accumulate(has_event, axis=1)


def count_by_group(reached: np.ndarray, log: SortedLog) -> np.ndarray:
    """Count the journeys of each group that reached each stage: an (n_groups, n_stages) array."""
    groups = log.group_of_journey
    per_stage = [np.bincount(groups[reached[:, k]], minlength=log.n_groups) for k in range(reached.shape[1])]
    return np.stack(per_stage, axis=1)


def without_repeats(log: SortedLog) -> np.ndarray:
    """Boolean array: False on an event that repeats the journey's previous event (view_dish, view_dish)."""
    keep = log.first_of_journey()
    keep[1:] |= log.event[1:] != log.event[:-1]
    return keep
