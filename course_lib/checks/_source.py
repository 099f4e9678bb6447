"""What the learner's cell says: lets a check notice a shortcut the task forbids.

A task such as "compute RFM without `rfm_table`" cannot be checked from the
answer alone, since the shortcut gives the same table. In a notebook, the check
reads the source of the cell that called it (IPython keeps it in ``In``);
outside a notebook there is no cell and nothing is read.
"""

from __future__ import annotations

import re

__all__ = ["calls_in", "current_cell_source"]


def current_cell_source() -> str:
    """The source of the notebook cell now running, or "" outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return ""
    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    return history[-1] if history else ""


def calls_in(source: str, names: list[str]) -> list[str]:
    """The names of `names` that `source` calls, comments left out.

    Examples
    --------
    >>> calls_in("t = rfm_table(lines)  # not rfm_scores(", ["rfm_table", "rfm_scores"])
    ['rfm_table']
    """
    code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    return [name for name in names if re.search(rf"\b{re.escape(name)}\s*\(", code)]
