"""The course works on a cohort's own data: every solution's checks say Correct on a second seed.

The checks compute their expected answers from the data in use, so nothing may be tied to the
shipped seed. The second world is generated at the default size, so the planted structure holds.
"""

from __future__ import annotations

import nbformat
import pytest
from helpers import ids, output_texts

from conftest import SOLUTIONS
from course_lib.datasets import DEFAULT_CUSTOMERS, DEFAULT_SEED, write_world
from course_lib.kit.notebook_run import execute_notebook

SECOND_SEED = DEFAULT_SEED + 1


@pytest.fixture(scope="module")
def second_world(tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"seed-{SECOND_SEED}")
    write_world(folder, seed=SECOND_SEED, n_customers=DEFAULT_CUSTOMERS)
    return folder


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_solution_checks_pass_on_a_second_seed(path, second_world, monkeypatch):
    monkeypatch.setenv("COURSE_KIT_DATA", str(second_world))
    notebook = execute_notebook(path)
    verdicts = [
        line
        for cell in notebook.cells
        if cell.cell_type == "code"
        for text in output_texts(cell)
        for line in text.splitlines()
        if line.startswith(("✅ Correct", "❌ Not yet"))
    ]
    assert verdicts, "the solution calls no check"
    stored = nbformat.read(path, as_version=4)
    assert any(
        output_texts(fresh) != output_texts(old)
        for fresh, old in zip(notebook.cells, stored.cells, strict=False)
        if fresh.cell_type == "code" and "### BEGIN SOLUTION" not in fresh.source
    ), "no output changed: the notebook did not use the second seed's data"
    assert all(line.startswith("✅ Correct") for line in verdicts), [line for line in verdicts if "Not yet" in line]
