"""course_lib's docstring is its reading guide: it must name every module a reader can open."""

from __future__ import annotations

from pathlib import Path

import course_lib

PACKAGE = Path(course_lib.__file__).parent


def _modules() -> list[str]:
    """Every module and sub-package of course_lib, as the guide names them (``plots``, ``kit``, ...)."""
    names = set()
    for path in PACKAGE.iterdir():
        if path.name.startswith("__") or path.name == "kit":
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            names.add(path.stem)
    for sub in ("kit", "datasets"):
        names.update(path.stem for path in (PACKAGE / sub).glob("*.py") if not path.name.startswith("__"))
    return sorted(names)


def test_the_layer_map_names_every_module():
    guide = course_lib.__doc__
    missing = [name for name in _modules() if f"``{name}" not in guide and f"{name}/" not in guide]
    assert not missing, f"course_lib/__init__.py does not name {missing}"


def test_every_lesson_has_a_row_in_the_reading_guide():
    lessons = sorted(path.name[:2] for path in (PACKAGE.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = [line[:2] for line in course_lib.__doc__.splitlines() if line[:2].isdigit()]
    assert set(lessons) <= set(rows), f"lessons without a row: {sorted(set(lessons) - set(rows))}"
