"""Grade a folder of submitted exercise notebooks, with checks the students' code cannot reach.

How a submission is graded
--------------------------
1. **It runs as it is**, top to bottom, in a fresh Python kernel of the kit's
   environment, with a time limit per cell (and optionally per notebook), in a
   new temporary folder (the submitted file is only read).
2. **Its answers are taken out as data.** After each cell that touches an answer
   variable (the variables the released exercise passes to its checks), a hidden
   cell writes them as JSON (:mod:`course_lib.kit.answers`; a CSV or PNG copy to
   look at). An answer is taken as it stands when the exercise's own check call
   runs; if that call is gone, as it stands at the end.
3. **A clean process scores them**: :mod:`course_lib.kit.evaluator`, started once
   per run, has never run student code; it reads the answer files (JSON and
   pandas only, never pickle) and calls the *released* checks, as the released
   exercise calls them, on the same data (``COURSE_KIT_DATA`` is inherited).
   What a student's code patches in its own kernel (the checks, pandas, printed
   verdicts) cannot change a score. The checks cache the expected answers, so
   they are computed once per run.
4. **Tampering is flagged**, not scored: :mod:`course_lib.kit.notebook_audit`
   compares the submission with the released exercise, the hidden cells note
   which modules were patched at run time, verdicts the notebook *shows* are
   compared with the clean ones, and files the notebook wrote are listed. Flags go
   in the ``flags`` column and the feedback; they never change a score.

Every submission gets one row, whatever breaks, with a ``status``:

============== ==============================================================
status         meaning
============== ==============================================================
graded         every cell ran
error          a cell raised an exception; the other cells still ran
timeout        a cell (or the notebook) ran past its time limit; grading stopped there
kernel died    the Python process ended (``os._exit``, a crash, out of memory)
not a notebook the file is not valid notebook JSON
wrong lesson   the notebook belongs to another lesson (``metadata.course.lesson``
               or the ``NN_`` in its file name)
could not run  the kernel could not start or the run failed for another reason
============== ==============================================================

What grading protects against, and what it does not
---------------------------------------------------
Grading **runs the students' code with your user's rights**. It is not a
sandbox. It protects the grading run, the scores and your files against
*accidents* and against faked results: an endless loop is stopped, a crashing
kernel or a broken file becomes one row, the submitted files are only read,
relative paths land in a temporary folder that is deleted afterwards, and the
scores come from a process the student's code never touched. It does **not**
protect against code written to do harm: absolute paths, the network, other
processes stay reachable. Grade only submissions you would run yourself; for
untrusted ones use a throw-away account, container or virtual machine.

Examples
--------
>>> verdicts = [("1.1", "Total", "correct", ""), ("1.2", "Share", "not yet", "Your number is too high.")]
>>> print(feedback_text("alice", verdicts, status="graded", problem="", points={"1.1": (1, 1), "1.2": (0, 2)}))
# Feedback for alice
<BLANKLINE>
Score: 1 of 3 points (33%); 1 of 2 checks correct.
<BLANKLINE>
- ✅ 1.1 Total (1/1)
- ❌ 1.2 Share (0/2): Your number is too high.
<BLANKLINE>
"""

from __future__ import annotations

import ast
import asyncio
import copy
import datetime as dt
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell
from tqdm.auto import tqdm

from course_lib import KIT_ROOT
from course_lib.kit.gradebook import (
    DEFAULT_STUDENT_PATTERN,
    Task,
    add_manual_points,
    gradebook,
    read_manual_scores,
    student_id,
    totals,
)
from course_lib.kit.kernel_probe import PATCHED_FILE
from course_lib.kit.notebook_audit import (
    ReferencePlan,
    audit_submission,
    free_text_answers,
    literal_answers,
    read_reference,
)

__all__ = [
    "STATUSES",
    "GradingResult",
    "default_reference",
    "feedback_text",
    "grade_submissions",
    "new_run_folder",
    "notebook_lesson",
    "rescore_run",
    "write_run",
]

STATUSES = ("graded", "error", "timeout", "kernel died", "not a notebook", "wrong lesson", "could not run")
_LESSON_IN_NAME = re.compile(r"(?<![0-9])([0-9]{2})_[A-Za-z]")
_SHOWN_CORRECT = re.compile(r"✅ Correct \((\S+) ")
_QUIET = logging.getLogger("course_lib.kit.grading.nbclient")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False  # nbclient logs every timeout and dead kernel; the grades table says it

#: Seconds a hidden cell may take: the first imports the kit (pandas, ...), slow on a busy machine.
SETUP_TIMEOUT = 120
_SETUP = """\
import course_lib.kit.kernel_probe as _course_kit_probe
_course_kit_probe.watch({token!r}, {modules!r})
del _course_kit_probe
"""
_EXTRACT = """\
import course_lib.kit.kernel_probe as _course_kit_probe
_course_kit_probe.dump_many(globals(), {names!r}, {folder!r}{final})
del _course_kit_probe
"""
_WATCHED = [
    "builtins",
    "json",
    "numpy",
    "pandas",
    "pandas.testing",
    "course_lib.checks",
    "course_lib.checks.compare",
    "course_lib.kit.answers",
    "course_lib.kit.kernel_probe",
]


# ---------------------------------------------------------------- finding submissions and lessons


def notebook_lesson(notebook: NotebookNode | None, path: Path) -> str | None:
    """The lesson a notebook belongs to: ``metadata.course.lesson``, else ``NN_`` in its file name.

    Examples
    --------
    >>> notebook_lesson(None, Path("alice_03_rfm.ipynb"))
    '03'
    >>> print(notebook_lesson(None, Path("alice.ipynb")))
    None
    """
    if notebook is not None:
        lesson = notebook.metadata.get("course", {}).get("lesson")
        if lesson is not None:
            return str(lesson)
    found = _LESSON_IN_NAME.search(Path(path).name)
    return found.group(1) if found else None


def _submissions_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in path.parts)


def _read_or_none(path: Path) -> NotebookNode | None:
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        return notebook
    except Exception:  # not JSON, not a notebook, a wrong encoding: reported as "not a notebook"
        return None


def default_reference(folder: Path | str, *, exercises: Path | str = KIT_ROOT / "exercises") -> Path:
    """The exercise notebook most submissions in `folder` answer: ``exercises/NN_*.ipynb``."""
    counts = Counter(
        notebook_lesson(notebook, path)
        for path in _submissions_in(Path(folder))
        if (notebook := _read_or_none(path)) is not None and notebook_lesson(notebook, path)
    )
    if not counts:
        raise ValueError(f"No submission in {str(folder)!r} says which lesson it is for: pass `reference=`.")
    lesson = counts.most_common(1)[0][0]
    found = sorted(Path(exercises).glob(f"{lesson}_*.ipynb"))
    if not found:
        raise ValueError(
            f"No exercise notebook {Path(exercises).name}/{lesson}_*.ipynb for lesson {lesson}: pass `reference=`."
        )
    return found[0]


# ---------------------------------------------------------------- the clean evaluator process


class _Evaluator:
    """The clean scoring process of one run (see :mod:`course_lib.kit.evaluator`)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="course-kit-evaluator-")
        env = {**os.environ, "MPLBACKEND": "Agg"}
        self._process = subprocess.Popen(
            [sys.executable, "-P", "-m", "course_lib.kit.evaluator"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self._folder.name,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self._lock = threading.Lock()

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the grading process stopped (out of memory?)")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def warm(self) -> None:
        """Compute the checks' expected answers now (a failure shows later, in the evaluations)."""
        try:
            self.ask({"op": "warm"})
        except (RuntimeError, ValueError, OSError):
            pass

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process.stdout.close()
        self._folder.cleanup()


# ---------------------------------------------------------------- running one submission


@dataclass
class _KernelRun:
    status: str
    problem: str = ""
    shown_correct: set[str] = field(default_factory=set)
    patched: list[str] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _first_line(cell: NotebookNode) -> str:
    line = next((line for line in cell.source.splitlines() if line.strip()), "")
    return line.strip() if len(line.strip()) <= 40 else line.strip()[:37] + "..."


def _first_error(cells: list[NotebookNode]) -> str:
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                evalue = output.get("evalue", "")
                evalue = evalue if len(evalue) <= 120 else evalue[:117] + "..."
                return f"cell {number} (`{_first_line(cell)}`) raised {output.get('ename')}: {evalue}"
    return ""


def _names_in(cell: NotebookNode) -> set[str] | None:
    """The names a code cell mentions; None when it is not valid Python (then: all)."""
    from course_lib.kit.notebook_audit import code_of

    try:
        tree = ast.parse(code_of(cell))
    except SyntaxError:
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _statements_of(cell: NotebookNode) -> set[str]:
    from course_lib.kit.notebook_audit import code_of

    try:
        return {ast.unparse(statement) for statement in ast.parse(code_of(cell)).body}
    except SyntaxError:
        return set()


def _answered_somewhere(notebook: NotebookNode) -> set[str]:
    """The names some code cell of `notebook` assigns a value other than ``...`` (the placeholder)."""
    from course_lib.kit.notebook_audit import code_of

    names: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(code_of(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
                value = node.value
                if isinstance(value, ast.Constant) and value.value is Ellipsis:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {found.id for target in targets for found in ast.walk(target) if isinstance(found, ast.Name)}
    return names


#: The student's hint when the task cell still has ``...`` and the work sits in another cell.
OUTSIDE_HINT = (
    "Your answer is outside the task cell: the task cell still has `...`, and an answer counts where the "
    "task's own check runs. Write your code in the task cell, in place of the `...`, then run it again."
)


def _run_kernel(
    notebook: NotebookNode,
    answers: Path,
    *,
    variables: list[str],
    freezes: dict[str, set[str]],
    modules: list[str],
    timeout: int,
    time_limit: float | None,
) -> _KernelRun:
    """Run `notebook` cell by cell; write its answers to `answers`; say how it ended."""
    started = time.monotonic()
    token = secrets.token_hex(8)
    notebook = copy.deepcopy(notebook)  # the caller's copy stays as submitted
    for cell in notebook.cells:  # only this run's outputs count (a stored ✅ or error proves nothing)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    cells = list(notebook.cells)
    notebook.cells.append(new_code_cell(""))  # the slot where the hidden cells run
    limit = {"seconds": SETUP_TIMEOUT}
    with tempfile.TemporaryDirectory(prefix="course-kit-grading-", ignore_cleanup_errors=True) as sandbox:
        # The kernel works one level down, so that "../" still lands in the temporary folder.
        workdir = Path(sandbox) / "work"
        workdir.mkdir()
        inbox = Path(sandbox) / f"answers-{token}"
        client = NotebookClient(
            notebook,
            timeout_func=lambda cell: limit["seconds"],
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=False,
            shutdown_kernel="immediate",
            store_widget_state=False,
            record_timing=False,
            resources={"metadata": {"path": str(workdir)}},
            log=_QUIET,
        )

        async def hidden(source: str) -> None:
            limit["seconds"] = SETUP_TIMEOUT
            notebook.cells[-1] = new_code_cell(source)
            await client.async_execute_cell(notebook.cells[-1], len(cells), store_history=False)

        async def extract(names: list[str], *, final: bool = False) -> None:
            if names or final:
                suffix = f", token={token!r}" if final else ""
                await hidden(_EXTRACT.format(names=names, folder=str(inbox), final=suffix))

        current: dict[str, int | None] = {"index": None}

        async def execute() -> tuple[str, str]:
            status, problem = "graded", ""
            frozen: set[str] = set()
            async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                try:
                    await hidden(_SETUP.format(token=token, modules=modules))
                except CellTimeoutError:
                    return (
                        "could not run",
                        f"the kit did not import within {SETUP_TIMEOUT} s (is the machine very busy?).",
                    )
                for index, cell in enumerate(cells):
                    if cell.cell_type != "code":
                        continue
                    remaining = None if time_limit is None else time_limit - (time.monotonic() - started)
                    if remaining is not None and remaining <= 0:
                        status = "timeout"
                        problem = (
                            f"the notebook ran longer than {time_limit:g} s; cell {index + 1} and after did not run."
                        )
                        break
                    limit["seconds"] = timeout if remaining is None else max(1, min(timeout, int(remaining) + 1))
                    current["index"] = index
                    try:
                        await client.async_execute_cell(cell, index)
                    except CellTimeoutError:
                        status = "timeout"
                        problem = (
                            f"cell {index + 1} (`{_first_line(cell)}`) ran longer than {limit['seconds']} s and was "
                            "stopped (an endless loop?); the cells after it did not run."
                        )
                        await client.km.interrupt_kernel()  # so the answers so far can still be taken out
                        break
                    mentioned = _names_in(cell)
                    due = [
                        name for name in variables if name not in frozen and (mentioned is None or name in mentioned)
                    ]
                    await extract(due)
                    statements = _statements_of(cell)
                    for call, names in freezes.items():
                        if call in statements:
                            frozen |= names
                try:
                    await extract([name for name in variables if name not in frozen], final=True)
                except CellTimeoutError:
                    problem = problem or "the answers could not be taken out in time after the last cell."
            return status, problem

        try:
            # A loop of its own, closed at the end: each submission runs in its own thread.
            status, problem = asyncio.run(execute())
        except DeadKernelError:
            status = "kernel died"
            cell = cells[current["index"]] if current["index"] is not None else None
            during = f" during cell {current['index'] + 1} (`{_first_line(cell)}`)" if cell is not None else ""
            problem = (
                f"the Python kernel stopped{during}, for example by os._exit() or a crash; "
                "the cells after it did not run."
            )
        except Exception as error:  # whatever else goes wrong with this notebook, the next one runs
            status, problem = "could not run", f"{type(error).__name__}: {error}"
        written = sorted(
            os.path.relpath(path, workdir)
            for path in Path(sandbox).rglob("*")
            if path.is_file() and inbox not in path.parents
        )
        answers.mkdir(parents=True, exist_ok=True)
        if inbox.is_dir():
            shutil.copytree(inbox, answers, dirs_exist_ok=True)
    if status == "graded":
        problem = _first_error(cells)
        status = "error" if problem else "graded"
    shown = {
        match
        for cell in cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
        for match in _SHOWN_CORRECT.findall(output.get("text", ""))
    }
    patched_file = answers / PATCHED_FILE
    try:
        patched = json.loads(patched_file.read_text(encoding="utf-8")) if patched_file.is_file() else []
    except ValueError:
        patched = ["the grader's record of patched modules is unreadable"]
    return _KernelRun(status, problem, shown, patched, written, round(time.monotonic() - started, 1))


# ---------------------------------------------------------------- feedback


def feedback_text(
    student: str,
    checks: list[tuple[str, str, str, str]],
    *,
    status: str,
    problem: str,
    points: dict[str, tuple[float, float]] | None = None,
    flags: list[str] = (),
) -> str:
    """The feedback file of one student, in Markdown: the score, each check, what went wrong, the flags.

    Parameters
    ----------
    student : str
    checks : list of (exercise_id, title, verdict, hint)
        `verdict` is one of "correct", "not yet", "recorded" (a written answer, marked by hand),
        "not run"; `hint` is the check's hint.
    status, problem : str
        As in the grades table.
    points : dict of exercise id to (points, out of), optional
    flags : list of str
        What the instructor should look at; listed, never scored.
    """
    points = points or {exercise_id: (float(verdict == "correct"), 1.0) for exercise_id, _, verdict, _ in checks}
    got, out_of = sum(value[0] for value in points.values()), sum(value[1] for value in points.values())
    passed = sum(verdict == "correct" for _, _, verdict, _ in checks)
    percent = f" ({100 * got / out_of:.0f}%)" if out_of else ""
    lines = [
        f"# Feedback for {student}",
        "",
        f"Score: {got:g} of {out_of:g} points{percent}; {passed} of {len(checks)} checks correct.",
        "",
    ]
    for exercise_id, title, verdict, hint in checks:
        mark = f" ({points[exercise_id][0]:g}/{points[exercise_id][1]:g})" if exercise_id in points else ""
        if exercise_id in points and points[exercise_id][1] == 0:
            mark = " (optional: no points)"  # homework the exercise gives 0 points (its cell's course.points)
        if verdict == "correct":
            lines.append(f"- ✅ {exercise_id} {title}{mark}")
        elif verdict == "not yet":
            lines.append(f"- ❌ {exercise_id} {title}{mark}: {hint}")
        elif verdict == "recorded":
            lines.append(f"- 📝 {exercise_id} {title}: recorded for your instructor to read.")
        else:
            lines.append(f"- ⏹ {exercise_id} {title}{mark}: this check did not run.")
    if problem:
        advice = {
            "not a notebook": "Save the notebook from JupyterLab and submit the .ipynb file again.",
            "wrong lesson": "Submit the exercise notebook of this lesson.",
        }.get(status, "Fix it, then run Kernel → Restart Kernel and Run All Cells before you submit again.")
        lines += ["", f"**Problem ({status})**: {problem} {advice}"]
    if flags:
        lines += ["", "**Flags for the instructor** (they do not change the score):", ""]
        lines += [f"- ⚑ {flag}" for flag in flags]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- a whole run


@dataclass
class GradingResult:
    """What a grading run gives (see :func:`grade_submissions`)."""

    grades: pd.DataFrame
    feedback: dict[str, str]
    free_text: pd.DataFrame
    tasks: list[Task]
    assignment: str
    answers: Path
    settings: dict[str, Any]

    def gradebook(self, format: str = "csv") -> pd.DataFrame:
        """One row per student in `format` (``csv``, ``canvas``, ``moodle``)."""
        return gradebook(self.grades, self.tasks, format=format, assignment=self.assignment)


def _file_name(name: str) -> str:
    """A file name for a submission that stays inside its folder."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name.replace("/", "__")).strip("._") or "student"


def _plan_checks(reference: Path, evaluator: _Evaluator) -> tuple[NotebookNode, ReferencePlan, list[dict[str, Any]]]:
    notebook = _read_or_none(reference)
    if notebook is None:
        raise ValueError(f"The reference {reference.name} is not a valid notebook.")
    plan = read_reference(notebook)
    calls = [{"target": call.target, "args": list(call.args), "kwargs": list(call.kwargs)} for call in plan.calls]
    checks = evaluator.ask({"op": "plan", "calls": calls})["checks"]
    if not checks:
        raise ValueError(f"The reference {reference.name} must call at least one check; it calls none.")
    return notebook, plan, checks


def _points_of(check: dict[str, Any], plan: ReferencePlan) -> float:
    cell = plan.calls[check["position"]].cell
    return float(plan.points.get(cell, plan.notebook_points.get(check["exercise_id"], 1.0)))


def _free_text_points(check: dict[str, Any], plan: ReferencePlan) -> float:
    cell = plan.calls[check["position"]].cell
    return float(plan.points.get(cell, plan.notebook_points.get(check["exercise_id"], 0.0)))


def grade_submissions(
    folder: Path | str,
    *,
    reference: Path | str | None = None,
    out: Path | str | None = None,
    timeout: int = 60,
    time_limit: float | None = None,
    jobs: int = 1,
    student_pattern: str = DEFAULT_STUDENT_PATTERN,
    manual: Path | str | pd.DataFrame | None = None,
    solution: Path | str | None = None,
    progress: bool = True,
) -> GradingResult:
    """Run every notebook in `folder`, score its answers in a clean process, flag tampering.

    Parameters
    ----------
    folder : path
        The submissions: every ``*.ipynb`` in it or its subfolders. Nothing in it is changed.
    reference : path, optional
        The released (unsolved) exercise the submissions answer. Default: :func:`default_reference`.
    out : path, optional
        The run folder for the answer files (``answers/<submission>/``); default: a new
        temporary folder. :func:`write_run` writes the tables and feedback.
    timeout : int, default=60
        Seconds one cell may run.
    time_limit : float, optional
        Seconds one whole notebook may run.
    jobs : int, default=1
        Submissions run at the same time, each in its own kernel.
    student_pattern : str
        Regular expression giving the ``student_id`` from the submission's name (see
        :func:`course_lib.kit.gradebook.student_id`); default: the part before the first ``_``.
    manual : path or DataFrame, optional
        The instructor's points (``student_id``, ``task``, ``points``[, ``out_of``]).
    solution : path, optional
        The solution notebook, to know which answers are typed in by design (a dict of texts);
        default: ``solutions/<reference name>`` when it exists.
    progress : bool, default=True
        Show a progress bar (on stderr).

    Returns
    -------
    GradingResult
        ``grades``: one row per submission (``student_id``, ``file``, ``lesson``, ``status``,
        points per task, ``total``, ``max_points``, ``percent``, ``flags``, ``problem``,
        ``seconds``); ``feedback``: Markdown per submission; ``free_text``: (student_id, file,
        task, title, answer); ``tasks``; ``answers``: the folder of answer files.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"No folder of submissions at {str(folder)!r}.")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ValueError(f"`timeout` must be a whole number of seconds >= 1; got {timeout!r}.")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"`jobs` must be a whole number >= 1; got {jobs!r}.")
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"`time_limit` must be a number of seconds > 0; got {time_limit!r}.")
    try:
        re.compile(student_pattern)
    except re.error as error:
        raise ValueError(f"`student_pattern` is not a regular expression ({error}): {student_pattern!r}.") from None
    paths = _submissions_in(folder)
    if not paths:
        raise ValueError(f"No notebook (*.ipynb) in {str(folder)!r}.")
    reference = Path(default_reference(folder) if reference is None else reference)
    if not reference.is_file():
        raise FileNotFoundError(f"No reference exercise notebook at {str(reference)!r}.")
    manual_scores = read_manual_scores(manual) if isinstance(manual, (str, Path)) else manual
    answers_root = Path(out) / "answers" if out is not None else Path(tempfile.mkdtemp(prefix="course-kit-answers-"))

    evaluator = _Evaluator()
    try:
        reference_notebook, plan, checks = _plan_checks(reference, evaluator)
        expected_lesson = notebook_lesson(reference_notebook, reference)
        solution = Path(solution) if solution is not None else KIT_ROOT / "solutions" / reference.name
        reads = {check["exercise_id"]: tuple(check["reads"]) for check in checks}
        variables = list(dict.fromkeys(name for names in reads.values() for name in names))
        solution_notebook = _read_or_none(solution) if solution.is_file() else None
        literal_ok = literal_answers(solution_notebook, variables) if solution_notebook is not None else set()
        freezes = {plan.calls[check["position"]].source: set(check["reads"]) for check in checks}
        modules = list(
            dict.fromkeys([*_WATCHED, *(plan.calls[c["position"]].target.rsplit(".", 1)[0] for c in checks)])
        )
        # A written answer (a free-text check) is marked by hand: it carries the points its cell's
        # metadata gives it (none by default), like the free-text cells of the exercise.
        tasks = [
            Task(check["exercise_id"], check["title"], _free_text_points(check, plan), manual=True)
            if check.get("free_text")
            else Task(check["exercise_id"], check["title"], _points_of(check, plan))
            for check in checks
        ]
        tasks += [Task(text.task, text.title, text.points, manual=True) for text in plan.free_text]
        ids = {check["position"]: check["exercise_id"] for check in checks}
        # The expected answers are computed while the first kernels start (evaluations wait for it).
        warming = threading.Thread(target=evaluator.warm, daemon=True)
        warming.start()

        def grade_one(path: Path) -> tuple[dict[str, Any], str, list[dict[str, str]]]:
            name = path.relative_to(folder).with_suffix("").as_posix()
            notebook = _read_or_none(path)
            lesson = notebook_lesson(notebook, path)
            target = answers_root / _file_name(name)
            if notebook is None:
                run = _KernelRun("not a notebook", "the file is not a valid Jupyter notebook (.ipynb JSON).")
            elif expected_lesson and lesson and lesson != expected_lesson:
                run = _KernelRun(
                    "wrong lesson", f"this is a notebook for lesson {lesson}; lesson {expected_lesson} was expected."
                )
            else:
                run = _run_kernel(
                    notebook,
                    target,
                    variables=variables,
                    freezes=freezes,
                    modules=modules,
                    timeout=timeout,
                    time_limit=time_limit,
                )
            if run.status in {"not a notebook", "wrong lesson"}:
                verdicts = [{"exercise_id": check["exercise_id"], "verdict": "not run", "hint": ""} for check in checks]
            else:
                verdicts = evaluator.ask({"op": "evaluate", "folder": str(target)})["verdicts"]
            flags = []
            if notebook is not None and run.status != "wrong lesson":
                flags = audit_submission(notebook, plan, answers=reads, ids=ids, literal_ok=literal_ok)
            flags += [f"patched while it ran: `{name}`" for name in run.patched]
            answered = _answered_somewhere(notebook) if notebook is not None else set()
            for verdict in verdicts:
                if verdict.get("unanswered") and answered & set(reads.get(verdict["exercise_id"], ())):
                    # Honest work in the wrong cell: say so (scored as the task cell stands, like nbgrader).
                    verdict["hint"] = OUTSIDE_HINT
                    flags.append(
                        f"the answer to {verdict['exercise_id']} was written outside its task cell (the task cell "
                        "still has `...`): scored 0 as unanswered; the student's feedback says where to write it"
                    )
                elif verdict["exercise_id"] in run.shown_correct and verdict["verdict"] != "correct":
                    flags.append(
                        f"the notebook shows ✅ for {verdict['exercise_id']}, but its answer is not correct: "
                        "its check was changed, patched or faked"
                    )
            if run.files_written:
                flags.append(f"wrote files while it ran (the grader ignores them): {', '.join(run.files_written[:5])}")
            flags = list(dict.fromkeys(flags))
            who = student_id(name, pattern=student_pattern)
            points = {
                task.task: (task.points if verdict["verdict"] == "correct" else 0.0)
                for task, verdict in zip(tasks, verdicts, strict=False)
            }
            row = {
                "student_id": who,
                "file": name,
                "lesson": lesson or "",
                "status": run.status,
                **points,
                **{task.task: float("nan") for task in tasks if task.manual},
                "flags": "; ".join(flags),
                "problem": run.problem,
                "seconds": run.seconds,
            }
            texts = free_text_answers(notebook, plan) if notebook is not None and run.status != "wrong lesson" else {}
            texts.update({v["exercise_id"]: v["text"] for v in verdicts if v.get("text")})
            # What the check said of each written answer: an answer it sent back is listed too, so the
            # instructor reads every answer and sees why the student was asked for more.
            said = {
                v["exercise_id"]: "recorded" if v["verdict"] == "recorded" else f"{v['verdict']}: {v['hint']}"
                for v in verdicts
            }
            free = [
                {
                    "student_id": who,
                    "file": name,
                    "task": task.task,
                    "title": task.title,
                    "answer": texts.get(task.task, ""),
                    "check": said.get(task.task, ""),
                }
                for task in tasks
                if task.manual
            ]
            checks_view = [
                (verdict["exercise_id"], task.title, verdict["verdict"], verdict["hint"])
                for task, verdict in zip(tasks, verdicts, strict=False)
            ]
            text = feedback_text(
                name,
                checks_view,
                status=run.status,
                problem=run.problem,
                points={task.task: (points[task.task], task.points) for task in tasks if not task.manual},
                flags=flags,
            )
            return row, text, free

        results: dict[Path, tuple[dict[str, Any], str, list[dict[str, str]]]] = {}
        with (
            ThreadPoolExecutor(max_workers=jobs) as pool,
            tqdm(total=len(paths), desc="Grading", unit="notebook", disable=not progress) as bar,
        ):
            futures = {pool.submit(grade_one, path): path for path in paths}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
    finally:
        evaluator.close()

    rows = [results[path][0] for path in paths]
    grades = totals(pd.DataFrame(rows), tasks)
    order = ["student_id", "file", "lesson", "status", *[task.task for task in tasks], "total", "max_points", "percent"]
    grades = grades[[*order, "flags", "problem", "seconds"]]
    if manual_scores is not None:
        grades = add_manual_points(grades, tasks, manual_scores)[grades.columns]
        tasks = _tasks_with_out_of(tasks, manual_scores)
    feedback = {results[path][0]["file"]: results[path][1] for path in paths}
    free_text = pd.DataFrame(
        [entry for path in paths for entry in results[path][2]],
        columns=["student_id", "file", "task", "title", "answer", "check"],
    )
    title = reference_notebook.metadata.get("course", {}).get("title") or reference.stem
    settings = {
        "reference": str(reference),
        "data": os.environ.get("COURSE_KIT_DATA", str(KIT_ROOT / "datasets")),
        "timeout": timeout,
        "time_limit": time_limit,
        "jobs": jobs,
        "student_pattern": student_pattern,
        "submissions": str(folder),
    }
    return GradingResult(grades, feedback, free_text, tasks, str(title), answers_root, settings)


def _tasks_with_out_of(tasks: list[Task], manual: pd.DataFrame) -> list[Task]:
    if "out_of" not in manual.columns:
        return tasks
    out_of = manual.dropna(subset=["out_of"]).groupby("task")["out_of"].max()
    return [Task(t.task, t.title, float(out_of.get(t.task, t.points)), t.manual) for t in tasks]


def new_run_folder(out: Path | str | None = None, *, root: Path | str = "grading-runs") -> Path:
    """The folder of a new run: `out` (which must not exist or be empty), else a dated one in `root`."""
    if out is None:
        stamp = dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
        out = Path(root) / stamp
        suffix = 1
        while out.exists():
            suffix += 1
            out = Path(root) / f"{stamp}_{suffix}"
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"The run folder {str(out)!r} already holds files: give a new folder (runs are never mixed).")
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_run(result: GradingResult, out: Path | str, *, format: str = "csv") -> dict[str, Path]:
    """Write a run's tables and feedback in `out` (answer files are already there).

    Writes ``grades.csv`` (one row per submission), ``gradebook.csv`` or
    ``gradebook-canvas.csv`` / ``gradebook-moodle.csv`` (one row per student),
    ``free_text.csv`` (student_id, file, task, title, answer, and what the check said), ``feedback/<submission>.md``
    and ``run.json`` (the settings). Returns the paths by role.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {"grades": out / "grades.csv", "free_text": out / "free_text.csv", "run": out / "run.json"}
    written["gradebook"] = out / ("gradebook.csv" if format == "csv" else f"gradebook-{format}.csv")
    result.grades.to_csv(written["grades"], index=False)
    result.gradebook(format).to_csv(written["gradebook"], index=False)
    result.free_text.to_csv(written["free_text"], index=False)
    feedback_dir = out / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    for name, text in result.feedback.items():
        (feedback_dir / f"{_file_name(name)}.md").write_text(text, encoding="utf-8")
    settings = {
        **result.settings,
        "tasks": [vars(task) for task in result.tasks],
        "assignment": result.assignment,
        "format": format,
    }
    written["run"].write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return written


def rescore_run(run: Path | str, manual: Path | str | pd.DataFrame) -> GradingResult:
    """An earlier run's result with the instructor's manual points added, without running anything again.

    `run` is a folder written by :func:`write_run` (``grades.csv``, ``run.json``, ``free_text.csv``,
    ``feedback/``). The result keeps that run's answers folder for reference; write it to a *new*
    folder with :func:`write_run`.
    """
    run = Path(run)
    if not (run / "run.json").is_file() or not (run / "grades.csv").is_file():
        raise FileNotFoundError(f"{str(run)!r} is not a grading run folder (no run.json and grades.csv).")
    settings = json.loads((run / "run.json").read_text(encoding="utf-8"))
    tasks = [Task(**task) for task in settings["tasks"]]
    text_columns = {"student_id": str, "file": str, "lesson": str, "flags": str, "problem": str, "status": str}
    grades = pd.read_csv(
        run / "grades.csv", dtype=text_columns, keep_default_na=False, na_values={t.task: [""] for t in tasks}
    )
    scores = read_manual_scores(manual) if isinstance(manual, (str, Path)) else manual
    grades = add_manual_points(grades, tasks, scores)[grades.columns]
    feedback = {
        name: (run / "feedback" / f"{_file_name(name)}.md").read_text(encoding="utf-8")
        for name in grades["file"]
        if (run / "feedback" / f"{_file_name(name)}.md").is_file()
    }
    free_text = pd.read_csv(run / "free_text.csv", dtype=str, keep_default_na=False)
    settings = {key: value for key, value in settings.items() if key not in {"tasks", "assignment", "format"}}
    settings["rescored_from"] = str(run)
    assignment = json.loads((run / "run.json").read_text(encoding="utf-8")).get("assignment", "Exercise")
    return GradingResult(
        grades, feedback, free_text, _tasks_with_out_of(tasks, scores), assignment, run / "answers", settings
    )
