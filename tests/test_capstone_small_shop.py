"""Lesson 08 on a small shop's own file: every step runs, and clustering steps aside when it must.

A self-learner's trial: with 10 customers the stability cell stopped the lesson ("Run all" stops at
the first error), so the journey, the plan and the report never ran.
"""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from course_lib import KIT_ROOT
from course_lib.kit.notebook_run import execute_notebook


def _small_shop(path, n_customers: int) -> None:
    rows = []
    for customer in range(1, n_customers + 1):
        for order in range(customer % 3 + 1):  # 1 to 3 orders each
            rows.append(
                {
                    "Fecha": f"{(customer + 7 * order) % 28 + 1:02d}/{order % 12 + 1:02d}/2024",
                    "Cliente": f"C{customer:03d}",
                    "Pedido": f"P{customer:03d}-{order}",
                    "Producto": "Empanada",
                    "Cantidad": order + 1,
                    "Precio unitario": "1.250,50",
                }
            )
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)


@pytest.mark.parametrize("n_customers", [5, 10])
def test_the_capstone_runs_to_the_end_on_a_small_shop(tmp_path, n_customers):
    orders = tmp_path / "pedidos.csv"
    _small_shop(orders, n_customers)
    lesson = nbformat.read(KIT_ROOT / "notebooks" / "08_capstone.ipynb", as_version=4)
    settings = [cell for cell in lesson.cells if "ORDERS_FILE = None\n" in cell.source]
    assert len(settings) == 1
    settings[0].source = settings[0].source.replace("ORDERS_FILE = None\n", f"ORDERS_FILE = {str(orders)!r}\n")
    copy = tmp_path / "08_capstone.ipynb"
    nbformat.write(lesson, copy)
    ran = execute_notebook(copy)  # raises, naming the cell, if any cell fails
    printed = "".join(
        output.get("text", "") for cell in ran.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
    )
    assert f"{n_customers} customers: too few for clusters (at least 30 needed)" in printed
    assert orders.read_bytes()  # still there: the lesson only reads it
