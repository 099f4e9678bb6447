"""Benchmark: how long a newcomer's set-up takes, and how big the student environment is.

Run with ``python3 benchmarks/setup.py [--commits 6b777e7 HEAD] [--installers pip uv] [--uv PATH]``
from the kit's folder (any Python 3.11+; it does not need the kit's environment).

For each commit it makes a fresh ``git clone`` in a temporary folder and, for each installer,
runs exactly what ``python3 kit.py start`` runs before JupyterLab opens (``kit.ensure_environment()``:
create ``.venv``, install the student lock and ``course_lib``, build matplotlib's font cache),
from an empty ``.venv`` each time. It prints per run:

* the wall time (what the newcomer waits) and the CPU time of the installer's processes (less
  sensitive to other work on a shared machine);
* the size of ``.venv`` on disk (``du``), and the ten largest installed packages;
* the load average before and after, so a busy machine is visible in the figures.

The package caches are expected to be warm (``--repeat 2`` warms them in the first run and keeps the
best). uv is taken from ``--uv``, else from the PATH; ``pip install uv`` into a throw-away virtual
environment gives one. ``PYTHONDONTWRITEBYTECODE`` is removed from the environment, as on a
student's machine (pip compiles bytecode then; uv does not).

``--suite`` also times ``python3 kit.py test`` in the clone of the last commit (long: minutes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parents[1]
SET_UP = "import kit; kit.ensure_environment()"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


def disk_usage(folder: Path) -> int:
    """Bytes on disk, as ``du -s`` counts them (hard links once)."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        info = path.lstat()
        if path.is_symlink() or (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        total += info.st_blocks * 512
    return total


def largest_packages(venv: Path, count: int = 10) -> list[tuple[str, int]]:
    site = next(venv.glob("lib/python3*/site-packages"), None) or venv / "Lib" / "site-packages"
    # Folders, and the single-file extension modules some packages ship (duckdb's is one .so).
    sizes = [
        (entry.name, disk_usage(entry) if entry.is_dir() else entry.lstat().st_blocks * 512) for entry in site.iterdir()
    ]
    return sorted(sizes, key=lambda pair: -pair[1])[:count]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and children's CPU seconds of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def environment(installer: str, uv: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env.pop("COURSE_KIT_VENV", None)
    if installer == "pip":
        env["COURSE_KIT_INSTALLER"] = "pip"
    else:
        env.pop("COURSE_KIT_INSTALLER", None)
        env["PATH"] = str(Path(uv).parent) + os.pathsep + env["PATH"]
    return env


def measure(clone: Path, installer: str, uv: str | None, repeat: int) -> None:
    env = environment(installer, uv)
    runs = []
    for attempt in range(repeat):
        shutil.rmtree(clone / ".venv", ignore_errors=True)
        before = load()
        wall, cpu = timed([sys.executable, "-c", SET_UP], clone, env)
        runs.append((wall, cpu))
        print(f"  {installer:>3} run {attempt + 1}: {wall:6.1f} s wall, {cpu:6.1f} s CPU  ({before}; after: {load()})")
    size = disk_usage(clone / ".venv")
    best = min(runs)
    print(f"  {installer:>3} best: {best[0]:.1f} s wall, {best[1]:.1f} s CPU; .venv {size / 1e6:,.0f} MB")
    print(
        "      largest: " + ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in largest_packages(clone / ".venv"))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", nargs="+", default=["HEAD"], help="commits to measure (default: HEAD)")
    parser.add_argument("--installers", nargs="+", choices=["pip", "uv"], default=["pip", "uv"])
    parser.add_argument("--uv", default=shutil.which("uv"), help="the uv executable (default: from the PATH)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per installer; the first warms the cache")
    parser.add_argument("--suite", action="store_true", help="also time `python3 kit.py test` (minutes)")
    arguments = parser.parse_args()
    if "uv" in arguments.installers and not arguments.uv:
        sys.exit("no uv on the PATH: give --uv PATH (pip install uv into a throw-away venv), or --installers pip")
    with tempfile.TemporaryDirectory(prefix="kit-setup-") as scratch:
        for commit in arguments.commits:
            clone = Path(scratch) / commit.replace("/", "_")
            subprocess.run(["git", "clone", "--quiet", str(KIT_ROOT), str(clone)], check=True)
            subprocess.run(
                ["git", "-c", "advice.detachedHead=false", "checkout", "--quiet", commit], cwd=clone, check=True
            )
            label = subprocess.run(
                ["git", "log", "-1", "--format=%h %s"], cwd=clone, capture_output=True, text=True
            ).stdout.strip()
            print(f"{label[:90]}")
            for installer in arguments.installers:
                measure(clone, installer, arguments.uv, arguments.repeat)
        if arguments.suite:
            env = environment(arguments.installers[-1], arguments.uv)
            print(f"test suite ({load()}) ...", flush=True)
            wall, cpu = timed([sys.executable, "kit.py", "test"], clone, env)
            print(f"  kit.py test: {wall / 60:.1f} min wall, {cpu / 60:.1f} min CPU; after: {load()}")


if __name__ == "__main__":
    main()
