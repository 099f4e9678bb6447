"""Check that the kit is installed and ready: one finding per check, each with its fix.

``python -m course_lib doctor`` prints these findings. Each check is a small
function returning :class:`Finding` objects, so a test can run one alone.

Examples
--------
>>> finding = check_python(minimum=(3, 11))[0]
>>> finding.ok, finding.name
(True, 'Python version')
"""

from __future__ import annotations

import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from course_lib import KIT_ROOT

__all__ = [
    "Finding",
    "check_data",
    "check_packages",
    "check_python",
    "check_widgets_frontend",
    "check_writable",
    "pinned_versions",
    "run_all",
]

REINSTALL = "run `python3 kit.py start` again (it reinstalls when the lock changed), or delete .venv and run it"
WRITABLE_FOLDERS = ("notebooks", "exercises", "solutions", "datasets")


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: OK, or the problem and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"OK       {self.name}: {self.detail}"
        return f"PROBLEM  {self.name}: {self.detail}. Fix: {self.fix}"


def pinned_versions(pyproject: Path = KIT_ROOT / "pyproject.toml", *, extras: tuple[str, ...] = ()) -> dict[str, str]:
    """The exact pins (``name==version``) of the kit's direct dependencies.

    ``extras`` adds optional groups of ``pyproject.toml`` (``("test",)`` for the test tools).
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins = {}
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)\s*", requirement)
        if match is None:
            raise ValueError(f"Dependency {requirement!r} in {pyproject} is not pinned exactly (name==version).")
        pins[match.group(1).lower()] = match.group(2)
    return pins


def check_python(minimum: tuple[int, int] = (3, 11)) -> list[Finding]:
    found = ".".join(str(part) for part in sys.version_info[:3])
    ok = sys.version_info[:2] >= minimum
    return [
        Finding(
            "Python version",
            ok,
            f"Python {found}" + ("" if ok else f" is older than the {minimum[0]}.{minimum[1]} the kit needs"),
            f"install Python {minimum[0]}.{minimum[1]} or newer and run `python3 kit.py start` with it",
        )
    ]


def check_packages(pins: dict[str, str] | None = None) -> list[Finding]:
    """One finding per pinned package: installed, and at exactly the pinned version."""
    findings = []
    for name, wanted in sorted((pins if pins is not None else pinned_versions()).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            findings.append(Finding(f"package {name}", False, f"not installed (the kit pins {wanted})", REINSTALL))
            continue
        if installed == wanted:
            findings.append(Finding(f"package {name}", True, installed))
        else:
            findings.append(
                Finding(f"package {name}", False, f"version {installed} is installed, the kit pins {wanted}", REINSTALL)
            )
    return findings


def check_widgets_frontend() -> list[Finding]:
    """The ipywidgets front-end must be a JupyterLab extension, or sliders show as text."""
    from jupyter_core.paths import jupyter_path

    name = "@jupyter-widgets/jupyterlab-manager"
    found = [
        Path(folder) / name
        for folder in jupyter_path("labextensions")
        if (Path(folder) / name / "package.json").exists()
    ]
    if found:
        return [Finding("ipywidgets front-end", True, f"{name} is installed for JupyterLab")]
    return [
        Finding(
            "ipywidgets front-end",
            False,
            f"JupyterLab has no {name} extension, so interactive explorers would not display",
            REINSTALL + " (the jupyterlab-widgets package provides it)",
        )
    ]


def check_data(folder: Path | None = None) -> list[Finding]:
    """The data files exist and match the ``SHA256SUMS`` of the folder in use (``COURSE_KIT_DATA`` or datasets/)."""
    from course_lib.datasets import data_dir, verify_checksums
    from course_lib.datasets.loaders import DATA_ENV_VARIABLE

    try:
        folder = Path(folder) if folder is not None else data_dir()
    except FileNotFoundError as error:
        return [Finding("data files", False, str(error).split(". ")[0], f"unset {DATA_ENV_VARIABLE} or fix its path")]
    name = "data files" if folder.resolve() == (KIT_ROOT / "datasets").resolve() else f"data files in {folder}"
    problems = verify_checksums(folder)
    if not problems:
        return [Finding(name, True, "every file listed in SHA256SUMS is present and unchanged")]
    if folder.resolve() == (KIT_ROOT / "datasets").resolve():
        fix = "restore them with `git checkout -- datasets` (or regenerate: `python3 kit.py data --force`)"
    else:
        fix = f"ask for the folder again, or regenerate it with `python3 kit.py data --seed N --out {folder} --force`"
    return [Finding(name, False, problem, fix) for problem in problems]


def check_writable(root: Path = KIT_ROOT, folders: tuple[str, ...] = WRITABLE_FOLDERS) -> list[Finding]:
    """Learners save notebooks and outputs here: each folder must accept a new file."""
    findings = []
    for name in folders:
        folder = root / name
        if name == "solutions" and not folder.exists():
            continue  # the student copy (`python -m course_lib release`) has no solutions/
        try:
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
            findings.append(Finding(f"folder {name}/", True, "writable"))
        except OSError as error:
            findings.append(
                Finding(
                    f"folder {name}/",
                    False,
                    f"cannot write in {folder} ({error.strerror})",
                    "copy the kit to a folder you own, for example in your home folder",
                )
            )
    return findings


def run_all() -> list[Finding]:
    """Every check of the doctor, in the order it prints them."""
    return check_python() + check_packages() + check_widgets_frontend() + check_data() + check_writable()
