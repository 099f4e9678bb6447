"""The dependency files agree, and every version is pinned exactly.

- ``pyproject.toml``: the student's packages (``dependencies``) and the test tools (the ``test`` extra);
- ``requirements.lock``: the student environment, every package ``==`` one version;
- ``requirements-test.lock``: the same plus the test tools, at the same versions;
- ``environment.yml``: the conda path, with both groups.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course_lib import KIT_ROOT
from course_lib.kit.doctor import pinned_versions

RUNTIME_LOCK = KIT_ROOT / "requirements.lock"
TEST_LOCK = KIT_ROOT / "requirements-test.lock"
TEST_TOOLS = {"pytest", "pytest-xdist", "nbval", "playwright", "pyspark", "ruff", "hypothesis"}


def conda_pins() -> dict[str, str]:
    text = (KIT_ROOT / "environment.yml").read_text(encoding="utf-8")
    return {
        name.lower(): version
        for name, version in re.findall(r"^\s*-\s*([A-Za-z0-9_.\-]+)=([^\s#=]*)\s*$", text, re.MULTILINE)
        if name != "python"
    }


def requirement_lines(lock: Path) -> list[str]:
    return [
        line for line in lock.read_text(encoding="utf-8").splitlines() if line and not line.lstrip().startswith("#")
    ]


def lock_versions(lock: Path) -> dict[str, str]:
    pins = {}
    for line in requirement_lines(lock):
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:  # a package may appear twice with markers (one version per Python); keep the first
            pins.setdefault(match.group(1).lower(), match.group(2))
    return pins


def test_the_course_packages_are_pinned_and_the_test_tools_are_an_extra():
    runtime = pinned_versions()
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "scikit-learn", "ipywidgets", "duckdb"} <= set(runtime)
    assert not TEST_TOOLS & set(runtime), "test tools belong in the 'test' extra, not in the student install"
    assert TEST_TOOLS <= set(pinned_versions(extras=("test",)))


def test_pins_are_exact_versions():
    for name, version in pinned_versions(extras=("test",)).items():
        assert re.fullmatch(r"[0-9]+(\.[0-9]+)*", version), f"{name}=={version} is not one exact version"


def test_environment_yml_pins_the_same_versions_as_pyproject():
    assert conda_pins() == pinned_versions(extras=("test",))


@pytest.mark.parametrize(("lock", "extras"), [(RUNTIME_LOCK, ()), (TEST_LOCK, ("test",))], ids=["runtime", "test"])
def test_lock_holds_every_pin_at_the_same_version(lock, extras):
    locked = lock_versions(lock)
    mismatched = {
        name: (version, locked.get(name))
        for name, version in pinned_versions(extras=extras).items()
        if locked.get(name) != version
    }
    assert not mismatched, f"{lock.name} disagrees with pyproject.toml (pin, lock): {mismatched}"


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, TEST_LOCK], ids=["runtime", "test"])
def test_lock_pins_every_line_exactly(lock):
    lines = requirement_lines(lock)
    loose = [line for line in lines if not re.match(r"^[A-Za-z0-9_.\-]+==[0-9][^\s;]*( ; .+)?$", line)]
    assert not loose and len(lines) > 100, loose


def test_student_lock_has_no_test_tools_and_agrees_with_the_test_lock():
    runtime, test = lock_versions(RUNTIME_LOCK), lock_versions(TEST_LOCK)
    assert not TEST_TOOLS & set(runtime)
    disagree = {name: (version, test.get(name)) for name, version in runtime.items() if test.get(name) != version}
    assert not disagree, f"the two locks pin different versions (runtime, test): {disagree}"
