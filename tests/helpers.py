"""Helpers that several test modules use: import them from here, never from another test module."""

from __future__ import annotations

from pathlib import Path


def ids(paths: list[Path]) -> list[str]:
    """Readable pytest ids for notebook paths: ``notebooks/03_rfm.ipynb``."""
    return [f"{path.parent.name}/{path.name}" for path in paths]


def output_texts(cell) -> list[str]:
    """Every text a notebook cell shows: its streams and the text/* parts of its results."""
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            texts += [value for key, value in output.data.items() if key.startswith("text/") and isinstance(value, str)]
    return texts
