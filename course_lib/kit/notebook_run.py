"""Run notebooks top to bottom in a fresh kernel, as the tests and ``refresh`` do.

The kernel is ``python3`` from the current environment (jupyter_client starts
it with this very interpreter, as nbval's ``--nbval-current-env`` does), in the
notebook's own folder, with a time limit per cell.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

__all__ = ["execute_notebook", "refresh_notebook"]


def execute_notebook(path: Path, *, timeout: int = 300) -> NotebookNode:
    """Execute the notebook at `path` and return it with fresh outputs (the file is not changed).

    Raises ``nbclient.exceptions.CellExecutionError`` naming the cell when a cell fails.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # stale timestamps of an earlier run
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # timestamps in cell metadata would change every stored notebook on each run
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def refresh_notebook(path: Path, *, timeout: int = 300) -> None:
    """Re-run the notebook at `path` and store its fresh outputs in the file."""
    notebook = execute_notebook(path, timeout=timeout)
    Path(path).write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
