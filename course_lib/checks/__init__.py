"""Exercise checks: each says "Correct" or "Not yet" with a hint, never the answer.

A check is written as an *evaluation*: a function that takes the learner's
answer, computes the expected answer itself from the data in use (so it works
on any cohort's data) and returns ``None`` when the answer is right or a hint
when it is not. The :func:`exercise` decorator turns it into the function a
notebook calls: it prints the verdict, turns an unanswered ``...`` into a
friendly reminder and a crash inside the comparison into a hint, and records
the result for the grader. One module per lesson holds its checks
(``course_lib.checks.lesson00``, ...).

Examples
--------
>>> @exercise("99.1", "Two plus two")
... def two_plus_two(answer):
...     return compare_number(answer, 4)
>>> two_plus_two(...)
❌ Not yet (99.1 Two plus two): replace the `...` with your answer, then run the cell again.
>>> two_plus_two(5)
❌ Not yet (99.1 Two plus two): Your number is too high.
>>> two_plus_two(4.0)
✅ Correct (99.1 Two plus two)
>>> two_plus_two.evaluate(4).passed
True

A free-text answer (an interpretation) is never "Correct": :func:`free_text`
checks only that there is an answer to read, and records it for the instructor.

>>> @free_text("99.2", "Why four?")
... def why_four(answer):
...     return None
>>> why_four("Because two and two make four, as counted on fingers.")
📝 Recorded (99.2 Why four?): your answer is saved; compare it with the solution's after class.
>>> why_four("yes")
❌ Not yet (99.2 Why four?): Write your answer in sentences (at least 8 words); you wrote 1.
>>> why_four("four " * 10)
❌ Not yet (99.2 Why four?): Write it in your own words: your answer repeats 1 different word(s).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from course_lib.checks.compare import compare_ids, compare_number, compare_partition, compare_table

__all__ = [
    "CheckResult",
    "compare_ids",
    "compare_number",
    "compare_partition",
    "compare_table",
    "exercise",
    "free_text",
    "not_own_words",
    "recorded_results",
]

_RECORDED: list[CheckResult] = []


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: which exercise, whether it passed, and the hint if not."""

    exercise_id: str
    title: str
    passed: bool
    hint: str = ""
    #: True for a free-text answer that was collected, not marked (``passed`` stays False).
    recorded: bool = False
    #: The free text itself, for the instructor.
    text: str = ""

    def __str__(self) -> str:
        if self.recorded:
            return (
                f"📝 Recorded ({self.exercise_id} {self.title}): your answer is saved; "
                "compare it with the solution's after class."
            )
        if self.passed:
            return f"✅ Correct ({self.exercise_id} {self.title})"
        return f"❌ Not yet ({self.exercise_id} {self.title}): {self.hint}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Check:
    """A notebook-facing check: call it to print the verdict; ``.evaluate`` returns it."""

    #: True for a written answer, which is recorded for the instructor and never scored.
    free_text = False

    def __init__(
        self, exercise_id: str, title: str, evaluation: Callable[..., str | None], reads: tuple[str, ...] = ()
    ) -> None:
        self.exercise_id = exercise_id
        self.title = title
        #: The notebook variable(s) the check's answer is, for the grader; empty: the names its
        #: call passes in the exercise notebook (``check.f(by_hand)`` reads ``by_hand``).
        self.reads = reads
        self._evaluation = evaluation
        functools.update_wrapper(self, evaluation)

    def evaluate(self, answer: Any, *args: Any, **kwargs: Any) -> CheckResult:
        if answer is Ellipsis:
            hint = "replace the `...` with your answer, then run the cell again."
        else:
            try:
                hint = self._evaluation(answer, *args, **kwargs)
            except Exception as error:  # a learner's odd answer must give a hint, not a traceback
                hint = (
                    f"the check could not use your answer ({type(error).__name__}: {error}). Check its type and shape."
                )
        return CheckResult(self.exercise_id, self.title, passed=hint is None, hint=hint or "")

    def __call__(self, answer: Any, *args: Any, **kwargs: Any) -> None:
        result = self.evaluate(answer, *args, **kwargs)
        _RECORDED.append(result)
        print(result)


def exercise(
    exercise_id: str, title: str, *, reads: str | tuple[str, ...] = ()
) -> Callable[[Callable[..., str | None]], Check]:
    """Turn an evaluation (answer -> None or a hint) into a check for exercise `exercise_id`.

    `reads` names the notebook variable(s) the grader passes to the evaluation, in order, when
    the exercise's call does not say it by itself (by default, the names in that call).
    """
    reads = (reads,) if isinstance(reads, str) else tuple(reads)

    def decorate(evaluation: Callable[..., str | None]) -> Check:
        return Check(exercise_id, title, evaluation, reads)

    return decorate


class FreeTextCheck(Check):
    """A check of a written answer: it is recorded when there is enough to read, never "Correct"."""

    free_text = True

    def __init__(
        self, exercise_id: str, title: str, evaluation: Callable[..., str | None], *, min_words: int, prompt: str = ""
    ) -> None:
        super().__init__(exercise_id, title, evaluation)
        self.min_words = min_words
        self.prompt = prompt

    def evaluate(self, answer: Any, *args: Any, **kwargs: Any) -> CheckResult:
        if isinstance(answer, str):
            n_words = len([word for word in answer.split() if any(ch.isalpha() for ch in word)])
            hint = None
            if n_words < self.min_words:
                hint = f"Write your answer in sentences (at least {self.min_words} words); you wrote {n_words}."
            elif self.min_words > 0:
                hint = not_own_words(answer, min_words=self.min_words, prompt=self.prompt)
            if hint:
                return CheckResult(self.exercise_id, self.title, passed=False, hint=hint)
        result = super().evaluate(answer, *args, **kwargs)
        if not result.hint and self.min_words > 0 and not isinstance(answer, str):
            # A word minimum means a text answer (a table of answers sets min_words=0): whatever the lesson's
            # own evaluation says, a number or None is not recorded.
            hint = f"Write your answer as text between triple quotes; got a {type(answer).__name__}."
            return CheckResult(self.exercise_id, self.title, passed=False, hint=hint)
        if not result.hint:
            return CheckResult(self.exercise_id, self.title, passed=False, recorded=True, text=_as_text(answer))
        return result


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def not_own_words(text: str, *, min_words: int, prompt: str = "") -> str | None:
    """A hint when a written answer is filler rather than an answer, else None.

    Three cheap rules, each far from a genuine answer of `min_words` words or more: fewer distinct
    words than half of `min_words` (at least 3); placeholder text (lorem ipsum); fewer than 3
    distinct words that the task's own text (`prompt`) does not already have.

    Examples
    --------
    >>> print(not_own_words("Vegans: they order most often, so a loyalty offer reaches many.", min_words=8))
    None
    >>> not_own_words("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do.", min_words=8)
    'Write it in your own words: this is placeholder text (lorem ipsum).'
    >>> not_own_words("Which diet would you market to first, and why?", min_words=8, prompt="Which diet would you market to first, and why?")
    "Write it in your own words: your answer is the task's own text."
    """
    words = _words(text)
    distinct = set(words)
    if len(distinct) < max(3, min_words // 2):
        return f"Write it in your own words: your answer repeats {len(distinct)} different word(s)."
    if {"lorem", "ipsum"} <= distinct:
        return "Write it in your own words: this is placeholder text (lorem ipsum)."
    if prompt and len(distinct - set(_words(prompt))) < 3:
        return "Write it in your own words: your answer is the task's own text."
    return None


def _as_text(answer: Any) -> str:
    if isinstance(answer, str):
        return answer.strip()
    if isinstance(answer, dict):
        return "\n".join(f"{key}: {value}" for key, value in answer.items())
    return str(answer)


def free_text(
    exercise_id: str, title: str, *, min_words: int = 8, prompt: str = ""
) -> Callable[[Callable[..., str | None]], FreeTextCheck]:
    """Turn an evaluation of a written answer into a check that records it ("Recorded", never "Correct").

    A text answer needs at least `min_words` words and must not be filler (:func:`not_own_words`:
    a few words repeated, lorem ipsum, or the task's `prompt` copied); the evaluation may ask for
    more (a hint) or return None to record the answer.
    """

    def decorate(evaluation: Callable[..., str | None]) -> FreeTextCheck:
        return FreeTextCheck(exercise_id, title, evaluation, min_words=min_words, prompt=prompt)

    return decorate


def recorded_results() -> list[CheckResult]:
    """The results of every check run in this Python session, in order (used by grading)."""
    return list(_RECORDED)
