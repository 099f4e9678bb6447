"""Grade a folder of submitted exercise notebooks: run each one, collect its checks' verdicts.

Each submission runs top to bottom in a fresh Python kernel of the kit's
environment, with a time limit per cell, with a new temporary folder as its
working folder (the submitted file is only read). Every check the notebook calls
(``course_lib.checks``) records its verdict; a hidden first cell prints the
recorded verdicts after every cell, tagged with a random marker made for that
run, and the grader reads the last such line. So a student who prints
"Correct" themselves changes nothing, and when a notebook stops half-way (an
endless loop, a kernel that dies) the checks that ran before still count.

The kernel inherits the grader's environment variables (so ``COURSE_KIT_DATA``,
set for a cohort's data, applies to the submissions too). Exercises load their
data through ``course_lib``, never through paths relative to the notebook, so
they run from the temporary folder.

The checks expected are those of the *reference*: the unsolved exercise
notebook of the lesson (``exercises/NN_name.ipynb``), run once the same way.
A check a submission never reached counts as "not run".

One broken submission never stops the run. Each gets its own row, with a
``status``:

============== ==============================================================
status         meaning
============== ==============================================================
graded         every cell ran
error          a cell raised an exception; the other cells still ran
timeout        a cell ran longer than `timeout` seconds; grading stopped there
kernel died    the Python process ended (``os._exit``, a crash, out of memory)
not a notebook the file is not valid notebook JSON
wrong lesson   the notebook belongs to another lesson (``metadata.course.lesson``
               or the ``NN_`` in its file name)
could not run  the kernel could not start or the run failed for another reason
============== ==============================================================

What grading protects against, and what it does not
---------------------------------------------------
Grading **runs the students' code with your user's rights**. It is not a
sandbox. It protects the grading run and your files against *accidents*: an
endless loop is stopped after `timeout` seconds, a crashing kernel or a broken
file becomes one row, the submitted files are only read, never run in place, and
relative paths (``open("data.csv", "w")``, ``os.remove("../x")``) land in a
temporary folder that is deleted afterwards (two levels up, ``../../``, is the
system's temporary folder). It does **not** protect against
code written to do harm: absolute paths (``/home/you/...``, ``~``), the
network, other processes, and anything else your user may do stay reachable,
and a student can fake their own results (for example by replacing the check
functions). Grade only submissions you would run yourself; for untrusted ones
use a throw-away account, container or virtual machine.

Examples
--------
>>> verdicts = [("1.1", "Total", "correct", ""), ("1.2", "Share", "not yet", "Your number is too high.")]
>>> print(feedback_text("alice", verdicts, status="graded", problem=""))
# Feedback for alice
<BLANKLINE>
Score: 1 of 2 checks correct (50%).
<BLANKLINE>
- ✅ 1.1 Total
- ❌ 1.2 Share: Your number is too high.
<BLANKLINE>
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell
from tqdm.auto import tqdm

from course_lib import KIT_ROOT
from course_lib.checks import CheckResult
from course_lib.validation import require_columns

__all__ = [
    "STATUSES",
    "CheckRun",
    "default_reference",
    "feedback_text",
    "grade_submissions",
    "notebook_lesson",
    "run_checks",
    "write_grades",
]

STATUSES = ("graded", "error", "timeout", "kernel died", "not a notebook", "wrong lesson", "could not run")
_LESSON_IN_NAME = re.compile(r"(?<![0-9])([0-9]{2})_[A-Za-z]")
_QUIET = logging.getLogger("course_lib.kit.grading.nbclient")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False  # nbclient logs every timeout and dead kernel; the grades table says it

#: Seconds the hidden first cell may take: it imports the kit (pandas, ...), slow on a busy machine.
SETUP_TIMEOUT = 120
# Runs first, hidden from the student: after every cell, print the verdicts recorded so far
# behind a marker made for this run only.
_REPORTER = """\
import course_lib.checks
def _course_kit_report(result, _marker={marker!r}, _checks=course_lib.checks):
    import json
    print(_marker + json.dumps([verdict.as_dict() for verdict in _checks.recorded_results()]))
get_ipython().events.register("post_run_cell", _course_kit_report)
del _course_kit_report
"""


@dataclass(frozen=True)
class CheckRun:
    """What running one notebook gave: how it ended, and the verdict of each check that ran."""

    status: str
    problem: str = ""
    results: list[CheckResult] = field(default_factory=list)


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


def _first_line(cell: NotebookNode) -> str:
    line = next((line for line in cell.source.splitlines() if line.strip()), "")
    return line.strip() if len(line.strip()) <= 40 else line.strip()[:37] + "..."


def _verdicts_in(notebook: NotebookNode, marker: str) -> list[CheckResult]:
    """The verdicts behind the last `marker` line of the notebook's outputs."""
    last = None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                for line in output.text.splitlines():
                    if line.startswith(marker):
                        last = line[len(marker) :]
    if last is None:
        return []
    return [CheckResult(**verdict) for verdict in json.loads(last)]


def _first_error(cells: list[NotebookNode]) -> str:
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                evalue = output.get("evalue", "")
                evalue = evalue if len(evalue) <= 120 else evalue[:117] + "..."
                return f"cell {number} (`{_first_line(cell)}`) raised {output.get('ename')}: {evalue}"
    return ""


def run_checks(notebook_path: Path | str, *, timeout: int = 60) -> CheckRun:
    """Run a notebook in a fresh kernel, in a temporary folder, and collect its checks' verdicts.

    Parameters
    ----------
    notebook_path : path
        The notebook; it is read, never changed.
    timeout : int, default=60
        Seconds one cell may run. A longer cell is stopped, and so is the notebook. (The hidden
        first cell, which imports the kit, may take up to :data:`SETUP_TIMEOUT` seconds.)

    Returns
    -------
    CheckRun
        ``status`` (see :data:`STATUSES`), ``problem`` (what went wrong, in words; empty when
        nothing did) and ``results``: the verdicts, in the order the checks ran.
    """
    notebook_path = Path(notebook_path)
    notebook = nbformat.read(notebook_path, as_version=4)
    student_cells = list(notebook.cells)
    marker = f"@@course-kit-verdicts-{secrets.token_hex(8)}@@"
    reporter = new_code_cell(_REPORTER.format(marker=marker))
    notebook.cells = [reporter, *student_cells]
    running: list[int] = []  # index of the cell being run, kept up to date by the client

    with tempfile.TemporaryDirectory(prefix="course-kit-grading-", ignore_cleanup_errors=True) as sandbox:
        # The kernel works one level down, so that "../" still lands in the temporary folder.
        workdir = Path(sandbox) / "work"
        workdir.mkdir()
        client = NotebookClient(
            notebook,
            timeout_func=lambda cell: SETUP_TIMEOUT if cell is reporter else timeout,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=False,
            shutdown_kernel="immediate",
            store_widget_state=False,
            resources={"metadata": {"path": str(workdir)}},
            log=_QUIET,
            on_cell_execute=lambda cell, cell_index: running.append(cell_index),
        )
        status, problem = "graded", ""
        try:
            # The kernel's own stdout/stderr (not the cells' outputs) would only add noise.
            client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except CellTimeoutError:
            if running[-1] == 0:  # the hidden cell: the kit itself did not import in time
                status = "could not run"
                problem = f"the kit did not import within {SETUP_TIMEOUT} s (is the machine very busy?)."
            else:
                status = "timeout"
                problem = (
                    f"cell {running[-1]} (`{_first_line(notebook.cells[running[-1]])}`) ran longer than "
                    f"{timeout} s and was stopped (an endless loop?); the cells after it did not run."
                )
        except DeadKernelError:
            cell = notebook.cells[running[-1]]
            status = "kernel died"
            problem = (
                f"the Python kernel stopped during cell {running[-1]} (`{_first_line(cell)}`), for example "
                "by os._exit() or a crash; the cells after it did not run."
            )
        except Exception as error:  # whatever else goes wrong with this notebook, the next one runs
            status, problem = "could not run", f"{type(error).__name__}: {error}"
    if status == "graded":
        problem = _first_error(notebook.cells[1:])
        status = "error" if problem else "graded"
    try:
        results = _verdicts_in(notebook, marker)
    except (ValueError, TypeError) as error:  # a line cut short by a dying kernel
        results, problem = [], problem or f"the verdicts could not be read ({error})"
    return CheckRun(status=status, problem=problem, results=results)


def feedback_text(student: str, checks: list[tuple[str, str, str, str]], *, status: str, problem: str) -> str:
    """The feedback file of one student, in Markdown: the score, each check, what went wrong.

    Parameters
    ----------
    student : str
    checks : list of (exercise_id, title, verdict, hint)
        `verdict` is one of "correct", "not yet", "not run"; `hint` is the check's hint.
    status, problem : str
        As in the grades table.
    """
    passed = sum(verdict == "correct" for _, _, verdict, _ in checks)
    total = len(checks)
    percent = f" ({100 * passed / total:.0f}%)" if total else ""
    lines = [f"# Feedback for {student}", "", f"Score: {passed} of {total} checks correct{percent}.", ""]
    for exercise_id, title, verdict, hint in checks:
        if verdict == "correct":
            lines.append(f"- ✅ {exercise_id} {title}")
        elif verdict == "not yet":
            lines.append(f"- ❌ {exercise_id} {title}: {hint}")
        else:
            lines.append(f"- ⏹ {exercise_id} {title}: this check did not run.")
    if problem:
        advice = {
            "not a notebook": "Save the notebook from JupyterLab and submit the .ipynb file again.",
            "wrong lesson": "Submit the exercise notebook of this lesson.",
        }.get(status, "Fix it, then run Kernel → Restart Kernel and Run All Cells before you submit again.")
        lines += ["", f"**Problem ({status})**: {problem} {advice}"]
    return "\n".join(lines) + "\n"


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
    """The exercise notebook most submissions in `folder` answer: ``exercises/NN_*.ipynb``.

    The lesson ``NN`` is the one most readable submissions belong to (see :func:`notebook_lesson`).
    """
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


def grade_submissions(
    folder: Path | str,
    *,
    reference: Path | str | None = None,
    timeout: int = 60,
    progress: bool = True,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Run every notebook in `folder` and grade it against the checks of `reference`.

    Parameters
    ----------
    folder : path
        The submissions: every ``*.ipynb`` in it or its subfolders (one per student, for
        example ``alice.ipynb`` or ``alice/03_rfm.ipynb``). Nothing in it is changed.
    reference : path, optional
        The unsolved exercise notebook the submissions answer. Its lesson is the expected one,
        and the checks it calls are the ones graded. Default: :func:`default_reference`, the
        exercise of the lesson most submissions belong to.
    timeout : int, default=60
        Seconds one cell may run.
    progress : bool, default=True
        Show a progress bar (on stderr).

    Returns
    -------
    grades : DataFrame
        One row per submission, in file order: ``student`` (the path in `folder` without
        ``.ipynb``), ``lesson``, ``status`` (see :data:`STATUSES`), ``passed``, ``total``,
        ``score`` (percent of checks correct), ``problem``, then one column per check, named by
        its exercise id, holding "correct", "not yet" or "not run".
    feedback : dict of str to str
        Each student's feedback file (Markdown), see :func:`feedback_text`.

    Notes
    -----
    ``score = 100 * passed / total``, rounded to one decimal, where ``total`` is the number of
    checks of the reference; a submission that did not run scores 0. When a check ran more
    than once, its last verdict counts.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"No folder of submissions at {str(folder)!r}.")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ValueError(f"`timeout` must be a whole number of seconds >= 1; got {timeout!r}.")
    paths = _submissions_in(folder)
    if not paths:
        raise ValueError(f"No notebook (*.ipynb) in {str(folder)!r}.")
    reference = Path(default_reference(folder) if reference is None else reference)
    if not reference.is_file():
        raise FileNotFoundError(f"No reference exercise notebook at {str(reference)!r}.")
    expected_lesson = notebook_lesson(_read_or_none(reference), reference)
    reference_run = run_checks(reference, timeout=timeout)
    if reference_run.status != "graded" or not reference_run.results:
        raise ValueError(
            f"The reference {reference.name} must run without error and call at least one check; "
            f"it gave status {reference_run.status!r} {reference_run.problem}".rstrip()
        )
    expected = {result.exercise_id: result.title for result in reference_run.results}

    rows, feedback = [], {}
    for path in tqdm(paths, desc="Grading", unit="notebook", disable=not progress):
        student = path.relative_to(folder).with_suffix("").as_posix()
        notebook = _read_or_none(path)
        lesson = notebook_lesson(notebook, path)
        if notebook is None:
            run = CheckRun("not a notebook", "the file is not a valid Jupyter notebook (.ipynb JSON).")
        elif expected_lesson and lesson and lesson != expected_lesson:
            run = CheckRun(
                "wrong lesson", f"this is a notebook for lesson {lesson}; lesson {expected_lesson} was expected."
            )
        else:
            run = run_checks(path, timeout=timeout)
        checks = _verdict_per_check(expected, run.results)
        passed = sum(verdict == "correct" for _, _, verdict, _ in checks)
        rows.append(
            {
                "student": student,
                "lesson": lesson or "",
                "status": run.status,
                "passed": passed,
                "total": len(expected),
                "score": round(100 * passed / len(expected), 1),
                "problem": run.problem,
                **{exercise_id: verdict for exercise_id, _, verdict, _ in checks},
            }
        )
        feedback[student] = feedback_text(student, checks, status=run.status, problem=run.problem)
    return pd.DataFrame(rows), feedback


def _verdict_per_check(expected: dict[str, str], results: list[CheckResult]) -> list[tuple[str, str, str, str]]:
    """(exercise id, title, verdict, hint) for each expected check; a check's last verdict counts."""
    latest = {result.exercise_id: result for result in results}
    verdicts = []
    for exercise_id, title in expected.items():
        result = latest.get(exercise_id)
        if result is None:
            verdicts.append((exercise_id, title, "not run", ""))
        else:
            verdicts.append((exercise_id, title, "correct" if result.passed else "not yet", result.hint))
    return verdicts


def _file_name(student: str) -> str:
    """A file name for `student` that stays inside the feedback folder."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student.replace("/", "__")).strip("._") or "student"


def write_grades(grades: pd.DataFrame, feedback: dict[str, str], out: Path | str) -> list[Path]:
    """Write `grades` as the CSV file `out` and each student's feedback beside it.

    Parameters
    ----------
    grades, feedback
        As returned by :func:`grade_submissions`.
    out : path
        The CSV file, for example ``grades.csv``. Feedback goes to ``feedback/<student>.md`` in
        the same folder.

    Returns
    -------
    list of Path
        The files written: the CSV first.
    """
    require_columns(grades, ["student", "status", "passed", "total", "score"], name="grades")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    grades.to_csv(out, index=False)
    feedback_dir = out.parent / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    written = [out]
    for student, text in feedback.items():
        path = feedback_dir / f"{_file_name(student)}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
