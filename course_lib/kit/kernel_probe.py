"""What the grader runs inside a student's kernel, before and after the student's cells.

:func:`watch` notes which objects the check modules, pandas, NumPy and the
builtins hold before any student code runs; :func:`patched` names those that
were replaced since (a flag for the instructor). :func:`dump_many` writes the
answer variables with :func:`course_lib.kit.answers.dump_answer`.

Nothing here decides a score: the student's code runs in the same process and
could change any of it. Scores come from the clean evaluator
(:mod:`course_lib.kit.evaluator`), which reads only the answer files.

Examples
--------
>>> watch("doc", ["json"])
>>> patched("doc")
[]
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any

from course_lib.kit.answers import dump_answer

__all__ = ["PATCHED_FILE", "dump_many", "patched", "watch"]

#: The file, beside the answers, naming what was patched (no variable name starts with a dot).
PATCHED_FILE = ".patched.json"

#: Names IPython itself adds to or removes from builtins while a cell runs.
_VOLATILE = {"exit", "quit", "get_ipython", "display", "input", "raw_input", "_", "__", "___", "__IPYTHON__"}
_SNAPSHOTS: dict[str, dict[str, Any]] = {}


def _class_holdings(cls: type) -> dict[str, Any]:
    """What a class offers by each name, inherited too (so adding `equals` to Series counts)."""
    held = {}
    for key in dir(cls):
        if key.startswith("__") and key not in {"__call__", "__eq__", "__init__"}:
            continue
        try:
            held[key] = inspect.getattr_static(cls, key)
        except AttributeError:
            continue
    return held


def _holdings(module_names: list[str]) -> dict[str, Any]:
    """Every object the modules (and their classes and check objects) hold, by dotted name."""
    held: dict[str, Any] = {}
    for name in module_names:
        module = sys.modules.get(name)
        if module is None:
            continue
        held[f"sys.modules[{name!r}]"] = module
        for attribute, value in list(vars(module).items()):
            if attribute in _VOLATILE:
                continue
            held[f"{name}.{attribute}"] = value
            if isinstance(value, type) and value.__module__.startswith(("pandas", "course_lib")):
                inner = _class_holdings(value)
            elif hasattr(value, "exercise_id"):  # a check object
                inner = dict(vars(value))
            else:
                continue
            for key, item in inner.items():
                held[f"{name}.{attribute}.{key}"] = item
    return held


def watch(token: str, module_names: list[str]) -> None:
    """Import `module_names` and remember what they hold, under `token`."""
    for name in module_names:
        try:
            importlib.import_module(name)
        except Exception:  # a module the exercise names but that is missing: the run says so
            pass
    _SNAPSHOTS[token] = {"modules": list(module_names), "held": _holdings(module_names)}


def patched(token: str) -> list[str]:
    """The dotted names whose object was replaced or deleted since :func:`watch` (at most 20)."""
    snapshot = _SNAPSHOTS.get(token)
    if snapshot is None:
        return ["the grader's record of the modules was removed"]
    now = _holdings(snapshot["modules"])
    changed = [name for name, value in snapshot["held"].items() if name not in now or now[name] is not value]
    return changed[:20]


def dump_many(namespace: dict[str, Any], names: list[str], folder: str, token: str | None = None) -> None:
    """Write each of `names` defined in `namespace`; with `token`, also :data:`PATCHED_FILE`."""
    for name in names:
        if name in namespace:
            dump_answer(namespace[name], folder, name)
    if token is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / PATCHED_FILE).write_text(json.dumps(patched(token)), encoding="utf-8")
