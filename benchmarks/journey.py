"""Benchmark: funnel and transition matrix on 1,000,000 generated events, against a plain pandas baseline.

Run with ``.venv/bin/python benchmarks/journey.py [--events N] [--seed S]``.

The log is generated here with numpy (seeded), shuffled so that it is not in
time order, the way an export often arrives. Each analysis is timed twice in
the same run: with :mod:`course_lib.journey` (vectorised: one pass per funnel
stage, never per person) and with the straightforward pandas approach a
learner would write first (sort, then ``groupby(...).apply`` a Python function
to each session). Both must give the same answer; the script checks that
before printing the ratio. The goal is under 1 s each on one core; times are
CPU seconds of this process, so other work on a shared machine does not count.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal says

import numpy as np
import pandas as pd

from course_lib import journey

#: The chance of going on from each stage of journey.DEFAULT_STAGES to the next.
CONTINUE = np.array([0.85, 0.7, 0.6, 0.75, 0.8, 0.95])
SIDE_EVENTS = ["payment_failed", "rate_order", "contact_support", "address_outside_zone"]


def generate_events(n_events: int, *, seed: int) -> pd.DataFrame:
    """A shuffled log of `n_events` events: funnel walks plus noise (repeats, side events, skipped steps)."""
    rng = np.random.default_rng(seed)
    stages = np.array(journey.DEFAULT_STAGES)
    n_sessions = n_events // 5
    goes_on = rng.random((n_sessions, len(CONTINUE))) < CONTINUE
    depth = 1 + np.cumprod(goes_on, axis=1).sum(axis=1)  # stages reached, 1 .. 7
    session = np.repeat(np.arange(n_sessions), depth)
    step = np.arange(len(session)) - np.repeat(np.cumsum(depth) - depth, depth)
    start = rng.integers(0, 90 * 24 * 3600, n_sessions)  # seconds into a 90-day window
    seconds = start[session] + np.cumsum(rng.exponential(60, len(session)).astype(np.int64)) % 1800
    funnel_rows = pd.DataFrame({"session": session, "seconds": seconds, "event": stages[step]})
    n_noise = n_events - len(funnel_rows)
    noise_session = rng.integers(0, n_sessions, n_noise)
    noise_rows = pd.DataFrame(
        {
            "session": noise_session,
            "seconds": start[noise_session] + rng.integers(0, 1800, n_noise),
            "event": rng.choice(np.array([*stages, *SIDE_EVENTS]), n_noise),
        }
    )
    rows = pd.concat([funnel_rows, noise_rows], ignore_index=True).sample(frac=1.0, random_state=seed)
    channels = rng.choice(np.array(["web", "app", "phone"]), n_sessions, p=[0.45, 0.45, 0.1])
    return pd.DataFrame(
        {
            "session_id": "S" + pd.Series(rows["session"].to_numpy()).astype(str).str.zfill(7),
            "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(rows["seconds"].to_numpy(), unit="s"),
            "channel": channels[rows["session"].to_numpy()],
            "event": rows["event"].to_numpy(),
        }
    )


# --- the straightforward baselines: one Python call per session ---------------------------------


def baseline_funnel(events: pd.DataFrame) -> list[int]:
    """Strict funnel counts, walking each session's events in a Python function."""
    stages = list(journey.DEFAULT_STAGES)

    def stages_reached(session_events: pd.Series) -> int:
        reached = 0
        for name in session_events:
            if reached < len(stages) and name == stages[reached]:
                reached += 1
        return reached

    ordered = events.sort_values(["session_id", "timestamp"], kind="stable")
    depth = ordered.groupby("session_id")["event"].apply(stages_reached)
    return [int((depth > k).sum()) for k in range(len(stages))]


def baseline_transitions(events: pd.DataFrame) -> pd.DataFrame:
    """Transition counts, listing each session's (from, to) pairs in a Python function."""
    ordered = events.sort_values(["session_id", "timestamp"], kind="stable")

    def pairs(session_events: pd.Series) -> list[tuple[str, str]]:
        path = [journey.START, *session_events, journey.END]
        return list(zip(path[:-1], path[1:], strict=False))

    counter: Counter[tuple[str, str]] = Counter()
    for session_pairs in ordered.groupby("session_id")["event"].apply(pairs):
        counter.update(session_pairs)
    counts = pd.Series(counter).unstack(fill_value=0)
    return counts


def cpu_time(function: Callable[[], object], *, repeat: int) -> tuple[float, object]:
    """The least CPU time (seconds) of `repeat` runs, and the result of the last one.

    CPU time of this process, not wall-clock time: the machine is shared, and
    waiting for a core is not the code's cost. Every step timed here runs on one core.
    """
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        result = function()
        timings.append(time.process_time() - started)
    return min(timings), result


def report(name: str, ours: float, theirs: float) -> None:
    verdict = "under" if ours < 1.0 else "OVER"
    print(
        f"{name:38s} course_lib {ours:5.2f} s ({verdict} the 1 s goal)   "
        f"groupby-apply {theirs:5.2f} s   ratio {theirs / ours:5.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()

    started = time.perf_counter()
    plain = generate_events(arguments.events, seed=arguments.seed)
    # The course's loaders give event and channel as categoricals; an export read with
    # pd.read_csv gives plain strings. Time both.
    typed = plain.astype({"event": "category", "channel": "category"})
    print(
        f"{len(plain):,} events, {plain['session_id'].nunique():,} sessions, "
        f"generated in {time.perf_counter() - started:.1f} s (seed {arguments.seed}); CPU seconds, best of 3"
    )

    theirs, expected = cpu_time(lambda: baseline_funnel(plain), repeat=1)
    for label, events in [("categorical events", typed), ("str events", plain)]:
        ours, table = cpu_time(lambda events=events: journey.funnel(events), repeat=3)
        if table["reached"].tolist() != expected:
            raise SystemExit(f"funnel disagrees with the baseline: {table['reached'].tolist()} != {expected}")
        report(f"funnel, {label}", ours, theirs)

    theirs, expected = cpu_time(lambda: baseline_transitions(plain), repeat=1)
    for label, events in [("categorical events", typed), ("str events", plain)]:
        ours, matrix = cpu_time(lambda events=events: journey.transition_matrix(events, normalize=False), repeat=3)
        aligned = expected.reindex(index=matrix.index, columns=matrix.columns, fill_value=0)
        if not (aligned.to_numpy() == matrix.to_numpy()).all():
            raise SystemExit("transition_matrix disagrees with the baseline")
        report(f"transition_matrix, {label}", ours, theirs)


if __name__ == "__main__":
    main()
