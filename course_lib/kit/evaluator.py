"""The clean process that scores answers: it has never run, and never runs, student code.

The grader starts it once per run (``python -P -m course_lib.kit.evaluator``, in
an empty folder, with the grader's environment: the same data) and talks to it
in JSON lines on stdin/stdout:

``{"op": "plan", "calls": [...]}``
    Which of the reference's calls are checks (objects with an ``exercise_id``
    and ``evaluate``), their ids, titles and the variables they read.
``{"op": "warm"}``
    Each check is evaluated once on a blank answer, so what it caches (the
    expected answer on the data in use) is computed once per run, while the
    first kernels start.
``{"op": "evaluate", "folder": "..."}``
    The verdict of each check on the answers in `folder` (files written by
    :func:`course_lib.kit.answers.dump_answer`, read with JSON and pandas only);
    ``unanswered`` is True when an answer it reads is still ``...``.

The check is called as the *released* exercise calls it: the answer
variables come from the student, every other argument from the reference.
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
from typing import Any

from course_lib.kit.answers import Unreadable, load_answer

__all__ = ["Evaluator", "resolve"]


def resolve(target: str) -> Any:
    """The object named ``package.module.attribute`` (the longest importable module first)."""
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ImportError(f"cannot import {target!r}")


class Evaluator:
    """The checks of one reference exercise, ready to score folders of answers."""

    def __init__(self) -> None:
        self.checks: list[dict[str, Any]] = []

    def plan(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.checks = []
        for position, call in enumerate(calls):
            try:
                found = resolve(call["target"])
            except (ImportError, AttributeError):
                continue
            if not (hasattr(found, "exercise_id") and callable(getattr(found, "evaluate", None))):
                continue
            declared = tuple(getattr(found, "reads", ()) or ())
            arguments = [("var", name) for name in declared] if declared else []
            if not declared:
                for source in call["args"]:
                    arguments.append(("var", source) if source.isidentifier() else ("literal", source))
            keywords = []
            for key, source in call["kwargs"]:
                if not declared and source.isidentifier():
                    keywords.append((key, "var", source))
                else:
                    keywords.append((key, "literal", source))
            reads = [value for kind, value in arguments if kind == "var"] + [v for _, k, v in keywords if k == "var"]
            check = {
                "position": position,
                "exercise_id": str(found.exercise_id),
                "title": str(getattr(found, "title", "")),
                # A written answer is recorded for the instructor, never scored by the check.
                "free_text": bool(getattr(found, "free_text", False)),
                "reads": reads,
                "check": found,
                "arguments": arguments,
                "keywords": keywords,
            }
            self.checks.append(check)
        return [{key: value for key, value in check.items() if key != "check"} for check in self.checks]

    def warm(self) -> int:
        """Evaluate each check once on a blank answer, so what it caches (the expected answer) is ready."""
        for check in self.checks:
            try:
                check["check"].evaluate(None)
            except Exception:  # a check that cannot take None computes its answer on first use instead
                pass
        return len(self.checks)

    def evaluate(self, folder: str) -> list[dict[str, str]]:
        verdicts = []
        for check in self.checks:
            values = {name: load_answer(folder, name) for name in check["reads"]}
            unreadable = [value for value in values.values() if isinstance(value, Unreadable)]
            if unreadable:
                reason = unreadable[0].reason
                verdict = "not run" if "not defined" in reason else "not yet"
                verdicts.append({"exercise_id": check["exercise_id"], "verdict": verdict, "hint": f"{reason}."})
                continue
            try:
                args = [
                    values[value] if kind == "var" else ast.literal_eval(value) for kind, value in check["arguments"]
                ]
                kwargs = {
                    key: values[value] if kind == "var" else ast.literal_eval(value)
                    for key, kind, value in check["keywords"]
                }
                result = check["check"].evaluate(*args, **kwargs)
                if getattr(result, "recorded", False):
                    verdicts.append(
                        {"exercise_id": check["exercise_id"], "verdict": "recorded", "hint": "", "text": result.text}
                    )
                    continue
                verdict = {"exercise_id": check["exercise_id"], "verdict": "correct" if result.passed else "not yet"}
                if getattr(check["check"], "free_text", False) and args and isinstance(args[0], str):
                    # A written answer the check sent back (too short, filler) is still shown to the instructor.
                    verdict["text"] = args[0].strip()
                # Still `...` where the check runs: the grader says so (the work may sit in another cell).
                verdict["unanswered"] = any(value is Ellipsis for value in values.values())
                verdicts.append({**verdict, "hint": "" if result.passed else str(result.hint)})
            except Exception as error:  # one check's failure is that check's verdict, not the run's end
                hint = f"the grader could not evaluate this answer ({type(error).__name__}: {error})."
                verdicts.append({"exercise_id": check["exercise_id"], "verdict": "not yet", "hint": hint})
        return verdicts


def main() -> None:
    protocol = sys.stdout
    sys.stdout = sys.stderr  # anything a check prints must not mix with the answers to the grader
    evaluator = Evaluator()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "plan":
                reply: dict[str, Any] = {"checks": evaluator.plan(request["calls"])}
            elif request["op"] == "warm":
                reply = {"warmed": evaluator.warm()}
            else:
                reply = {"verdicts": evaluator.evaluate(request["folder"])}
        except Exception as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        protocol.write(json.dumps(reply) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
