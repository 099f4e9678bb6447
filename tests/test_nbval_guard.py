"""nbval really guards the stored outputs: tampering with a solution makes the suite fail."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SOLUTIONS
from course_lib import KIT_ROOT

SOLUTION = KIT_ROOT / "solutions" / "00_welcome.ipynb"


def run_nbval(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(KIT_ROOT / "tests" / "nbval_sanitize.cfg"),
            "-o",
            "addopts=",
            "-q",
            str(path),
        ],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def first_cell_with(notebook: dict, predicate) -> dict:
    return next(cell for cell in notebook["cells"] if cell["cell_type"] == "code" and predicate(cell))


def printed_number(cell: dict) -> bool:
    return any(
        output.get("name") == "stdout" and any(ch.isdigit() for ch in "".join(output["text"]))
        for output in cell["outputs"]
    )


@pytest.fixture
def tampered(tmp_path):
    assert SOLUTION in SOLUTIONS
    notebook = json.loads(SOLUTION.read_text(encoding="utf-8"))
    path = tmp_path / SOLUTION.name
    return notebook, path


def test_untouched_copy_passes(tampered):
    notebook, path = tampered
    path.write_text(json.dumps(notebook), encoding="utf-8")
    completed = run_nbval(path)
    assert completed.returncode == 0, completed.stdout[-2000:]


def test_changed_number_fails(tampered):
    notebook, path = tampered
    cell = first_cell_with(notebook, printed_number)
    output = next(output for output in cell["outputs"] if output.get("name") == "stdout")
    text = "".join(output["text"])
    digit = next(ch for ch in text if ch.isdigit())
    output["text"] = text.replace(digit, str((int(digit) + 1) % 10), 1)
    path.write_text(json.dumps(notebook), encoding="utf-8")
    completed = run_nbval(path)
    assert completed.returncode != 0 and "failed" in completed.stdout


def test_deleted_output_fails(tampered):
    notebook, path = tampered
    first_cell_with(notebook, lambda cell: cell["outputs"])["outputs"] = []
    path.write_text(json.dumps(notebook), encoding="utf-8")
    completed = run_nbval(path)
    assert completed.returncode != 0 and "failed" in completed.stdout
