"""The student release: everything a student needs, nothing of the answers.

Built once per module from the kit itself. The checks here are independent of
``release_problems``: they read the solutions to know what their code is, and the
truth files to know what their labels look like, then search the release for them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib import KIT_ROOT
from course_lib.kit import cli
from course_lib.kit.notebook_run import execute_notebook
from course_lib.kit.release import is_instructor_cell, release_problems, student_notebook, write_release

SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", re.DOTALL)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "student-copy"
    assert cli.main(["release", "--out", str(out)]) == 0
    return out


def every_text_file(folder: Path) -> dict[Path, str]:
    texts = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".ipynb", ".md", ".csv", ".json", ".toml", ".yml", ".lock", ""}:
            texts[path] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def test_the_release_has_what_students_need(release):
    assert sorted(path.name for path in (release / "notebooks").glob("*.ipynb")) == sorted(
        path.name for path in (KIT_ROOT / "notebooks").glob("*.ipynb")
    )
    assert sorted(path.name for path in (release / "exercises").glob("*.ipynb")) == sorted(
        path.name for path in (KIT_ROOT / "exercises").glob("*.ipynb")
    )
    assert (release / "course_lib" / "checks" / "lesson03.py").is_file()
    assert (release / "datasets" / "orders.csv").read_bytes() == (KIT_ROOT / "datasets" / "orders.csv").read_bytes()
    assert (release / "README.md").is_file() and (release / "kit.py").is_file()


def test_the_release_has_no_solution_code(release):
    assert not (release / "solutions").exists()
    texts = every_text_file(release)
    assert not [path for path, text in texts.items() if "### BEGIN SOLUTION" in text and path.suffix == ".ipynb"]
    # Every line a solution block has that its exercise does not show elsewhere: none may be released.
    for solution in sorted((KIT_ROOT / "solutions").glob("*.ipynb")):
        notebook = nbformat.read(solution, as_version=4)
        sources = [cell.source for cell in notebook.cells]
        outside = {line.strip() for source in sources for line in SOLUTION_BLOCK.sub("", source).splitlines()}
        secret = {
            line.strip()
            for source in sources
            for block in SOLUTION_BLOCK.findall(source)
            for line in block.splitlines()
            if len(line.strip()) >= 12 and line.strip() not in outside
        }
        assert secret, f"{solution.name}: no solution lines found; the test would prove nothing"
        released = nbformat.read(release / "exercises" / solution.name, as_version=4)
        shown = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
        assert not secret & shown, f"{solution.name}: {sorted(secret & shown)[:3]}"


def test_the_release_has_no_truth_labels(release):
    assert not (release / "datasets" / "truth").exists()
    assert "truth/" not in (release / "datasets" / "SHA256SUMS").read_text(encoding="utf-8")
    truth = pd.read_csv(KIT_ROOT / "datasets" / "truth" / "customer_types.csv")
    # The truth's columns (the planted type of each customer) appear in no released table.
    for path in (release / "datasets").glob("*.csv"):
        columns = set(pd.read_csv(path, nrows=0).columns)
        assert not {"type", "active_until", "churned"} <= columns, path
    assert "customer_types.csv" not in "".join(str(path) for path in release.rglob("*"))
    assert len(truth) > 0


def test_instructor_notes_are_left_out(release):
    for path in sorted((release / "notebooks").glob("*.ipynb")) + sorted((release / "exercises").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            assert cell.metadata.get("slideshow", {}).get("slide_type") != "notes", path.name
            assert not cell.source.lstrip("#*> ").lower().startswith(("for the instructor", "instructor note")), (
                path.name
            )
    kept = nbformat.read(KIT_ROOT / "notebooks" / "03_rfm.ipynb", as_version=4)
    released = nbformat.read(release / "notebooks" / "03_rfm.ipynb", as_version=4)
    notes = [cell for cell in kept.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert notes and len(released.cells) == len(kept.cells) - len(notes)


def test_the_check_of_the_release_finds_what_leaks(release, tmp_path):
    assert release_problems(release) == []
    leaky = tmp_path / "leaky"
    (leaky / "exercises").mkdir(parents=True)
    (leaky / "datasets" / "truth").mkdir(parents=True)
    solution = nbformat.read(KIT_ROOT / "solutions" / "03_rfm.ipynb", as_version=4)
    nbformat.write(solution, leaky / "exercises" / "03_rfm.ipynb")
    problems = release_problems(leaky)
    assert "datasets/truth/ is in the release" in problems
    assert any("has a solution marker" in problem for problem in problems)


def test_instructor_cells_are_recognised():
    assert is_instructor_cell(new_markdown_cell("**For the instructor:** pause here."))
    assert is_instructor_cell(new_markdown_cell("Instructor note: ask the room."))
    assert is_instructor_cell(new_code_cell("load_truth()", metadata={"slideshow": {"slide_type": "notes"}}))
    assert not is_instructor_cell(new_markdown_cell("The instructor will show this next."))
    notebook = new_notebook(cells=[new_markdown_cell("# Title"), new_markdown_cell("For the instructor: hi")])
    assert len(student_notebook(notebook).cells) == 1 and len(notebook.cells) == 2


def test_a_release_folder_must_be_new(release):
    with pytest.raises(ValueError, match="already holds files"):
        write_release(release)


def test_a_released_exercise_still_runs(release):
    # The student copy's own course_lib and data, not the kit's.
    before = {key: os.environ.get(key) for key in ("PYTHONPATH", "COURSE_KIT_DATA")}
    os.environ["PYTHONPATH"] = str(release)
    os.environ.pop("COURSE_KIT_DATA", None)
    try:
        notebook = execute_notebook(release / "exercises" / "00_welcome.ipynb", timeout=300)
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    printed = "".join(
        output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []) if "text" in output
    )
    assert "Not yet" in printed and "replace the `...`" in printed  # its checks run, on the released data
    assert str(release) in "".join(output.get("text", "") for output in execute_check_path(release).cells[0].outputs)


def execute_check_path(release: Path) -> nbformat.NotebookNode:
    """A one-cell notebook in the release that prints where course_lib was imported from."""
    path = release / "where.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import course_lib\nprint(course_lib.__file__)")]), path)
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(release)
    try:
        return execute_notebook(path, timeout=120)
    finally:
        path.unlink()
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def test_a_cohort_release_has_its_own_data_without_truth_or_seed(tmp_path):
    from course_lib.datasets import verify_checksums

    out = tmp_path / "cohort"
    summary = write_release(out, seed=7, customers=300)
    assert "data generated for the cohort" in summary
    assert not (out / "datasets" / "truth").exists()
    assert verify_checksums(out / "datasets") == []  # the checksums fit the files as released
    customers = pd.read_csv(out / "datasets" / "customers.csv")
    assert len(customers) == 300
    readme = (out / "datasets" / "README.md").read_text(encoding="utf-8")
    assert "seed 7" not in readme and "--seed 7" not in readme  # seed + generator would recreate truth/
