"""The dependency files agree: pyproject pins == environment.yml pins == the lock's versions."""

from __future__ import annotations

import re

from course_lib import KIT_ROOT
from course_lib.doctor import pinned_versions


def conda_pins() -> dict[str, str]:
    text = (KIT_ROOT / "environment.yml").read_text(encoding="utf-8")
    return {
        name.lower(): version
        for name, version in re.findall(r"^\s*-\s*([A-Za-z0-9_.\-]+)=([0-9][^\s#]*)\s*$", text, re.MULTILINE)
        if name != "python"
    }


def lock_versions() -> dict[str, str]:
    text = (KIT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {name.lower(): version for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", text, re.MULTILINE)}


def test_every_direct_dependency_is_pinned_exactly():
    pins = pinned_versions()
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "scikit-learn", "ipywidgets", "nbval", "pytest"} <= set(pins)


def test_environment_yml_pins_the_same_versions_as_pyproject():
    assert conda_pins() == pinned_versions()


def test_lock_holds_every_pin_at_the_same_version():
    locked = lock_versions()
    mismatched = {name: (version, locked.get(name)) for name, version in pinned_versions().items() if locked.get(name) != version}
    assert not mismatched, f"requirements.lock disagrees with pyproject.toml (pin, lock): {mismatched}"


def test_lock_pins_every_line_exactly():
    lines = [
        line
        for line in (KIT_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if line and not line.lstrip().startswith("#")
    ]
    loose = [line for line in lines if "==" not in line]
    assert not loose and len(lines) > 100, loose
