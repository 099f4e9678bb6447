"""Benchmark: fitting BG/NBD on 23,570 customers, the size of the whole CDNOW cohort.

Run with ``.venv/bin/python benchmarks/clv.py [--lifetimes-python PATH]``.

Two summaries of 23,570 customers, in weeks:

* **CDNOW x 10**: the calibration summary of the shipped 1/10 CDNOW sample,
  repeated ten times (the issue's yardstick). Its fit must give the published
  parameters again, which the script checks.
* **simulated**: 23,570 customers drawn from the BG/NBD story with the
  published parameters and first purchases spread over 12 weeks, in
  continuous time, so almost no two customers share a row. ``BetaGeo`` sums
  identical rows once (with a weight); this summary shows the speed without
  that help.

Contenders, each three times, best CPU time of its own process:

* :class:`course_lib.clv.BetaGeo` (L-BFGS-B with the exact gradient);
* lifetimes' ``BetaGeoFitter`` when a Python with lifetimes is given (it is not
  a course dependency; make a throwaway one with
  ``python3 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes 'setuptools<81'``),
  run in a subprocess of the same run on the same summary; the script checks
  that both find the same parameters before printing the ratio.

Goal: at least 3x faster than lifetimes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

from course_lib.clv import BetaGeo, calibration_holdout
from course_lib.datasets import load_cdnow_sample

GOAL_RATIO = 3.0
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}

LIFETIMES_SCRIPT = textwrap.dedent(
    """
    import json, sys, time, warnings
    warnings.simplefilter("ignore")
    import pandas as pd
    from lifetimes import BetaGeoFitter
    summary = pd.read_csv(sys.argv[1])
    times = []
    for _ in range(3):
        start = time.process_time()
        model = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        times.append(time.process_time() - start)
    print(json.dumps({"seconds": min(times), "params": [float(model.params_[k]) for k in ("r", "alpha", "a", "b")]}))
    """
)


def cdnow_times_ten() -> pd.DataFrame:
    """The CDNOW calibration summary (weeks), repeated ten times: 23,570 customers."""
    table = calibration_holdout(
        load_cdnow_sample(), calibration_end="1997-09-30", holdout_end="1998-06-30", zero_amount_days="count"
    )
    return pd.concat([table[["frequency", "recency", "T"]]] * 10, ignore_index=True)


def simulated(n_customers: int = 23_570, *, seed: int = 0) -> pd.DataFrame:
    """Customers from the BG/NBD story with the published parameters, observed to week 39."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(PUBLISHED["r"], 1 / PUBLISHED["alpha"], n_customers)
    drop = rng.beta(PUBLISHED["a"], PUBLISHED["b"], n_customers)
    age = 39.0 - rng.uniform(0, 12, n_customers)  # first purchase in the first 12 weeks
    frequency, recency = np.zeros(n_customers), np.zeros(n_customers)
    now, alive = np.zeros(n_customers), np.ones(n_customers, dtype=bool)
    while alive.any():  # one more purchase for every customer still alive and observed
        now[alive] += rng.exponential(1 / rates[alive])
        alive &= now <= age
        frequency[alive] += 1
        recency[alive] = now[alive]
        alive &= rng.random(n_customers) >= drop
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": age})


def best_cpu_seconds(summary: pd.DataFrame, *, repeat: int = 3) -> tuple[float, BetaGeo]:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        model = BetaGeo().fit(summary)
        times.append(time.process_time() - start)
    return min(times), model


def lifetimes_seconds(python: Path, summary: pd.DataFrame) -> dict | None:
    if not python.is_file():
        print(f"lifetimes: skipped, no Python at {python} (see the module docstring)")
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.csv"
        summary.to_csv(path, index=False, float_format="%.17g")
        done = subprocess.run(
            [str(python), "-c", LIFETIMES_SCRIPT, str(path)], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        print(f"lifetimes: skipped, it failed:\n{done.stderr[-600:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetimes-python", type=Path, default=Path("/tmp/lt/bin/python"))
    arguments = parser.parse_args()
    for name, summary in (("CDNOW x 10", cdnow_times_ten()), ("simulated", simulated())):
        distinct = len(summary.drop_duplicates())
        seconds, model = best_cpu_seconds(summary)
        print(f"\n{name}: {len(summary):,} customers, {distinct:,} distinct rows")
        print(f"  BetaGeo.fit            {seconds:7.3f} s  {model.params_.round(3).to_dict()}")
        if name == "CDNOW x 10":
            assert model.params_.round(3).to_dict() == PUBLISHED, "the published parameters were not found"
        theirs = lifetimes_seconds(arguments.lifetimes_python, summary)
        if theirs is None:
            continue
        np.testing.assert_allclose(theirs["params"], model.params_.to_numpy(), rtol=2e-3)
        ratio = theirs["seconds"] / seconds
        verdict = "meets" if ratio >= GOAL_RATIO else "misses"
        print(f"  lifetimes BetaGeoFitter {theirs['seconds']:7.3f} s  same parameters (to 0.2%)")
        print(f"  BetaGeo is {ratio:.1f}x faster ({verdict} the goal of {GOAL_RATIO:.0f}x)")


if __name__ == "__main__":
    sys.exit(main())
