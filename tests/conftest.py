"""Shared fixtures and the list of the kit's notebooks."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from course_lib import KIT_ROOT

matplotlib.use("Agg")  # tests draw off-screen


def notebooks_in(folder: str) -> list[Path]:
    return sorted((KIT_ROOT / folder).glob("[0-9][0-9]*_*.ipynb"))


LESSONS = notebooks_in("notebooks")
SOLUTIONS = notebooks_in("solutions")
EXERCISES = notebooks_in("exercises")


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts and ends without open figures (keeps memory flat across the suite)."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")
