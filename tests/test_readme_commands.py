"""Every shell command in the README works as written, in a fresh clone, in a fresh terminal.

The test clones the kit into a temporary folder and runs the README's code blocks there, in
order, each as one shell session, as a newcomer would type them:

* ``bash``/``sh``/``shell`` blocks run in bash. ``python3`` and ``python`` are the plain Python the
  environment was made from (no numpy, no course_lib), so a command that only works inside an
  activated environment fails unless the block activates it first.
* ``powershell`` and ``bat`` (cmd) blocks are translated line by line into the same bash commands
  (``py kit.py`` is ``python3 kit.py``, ``$env:X = "v"`` is ``export X="v"``, ...) and run too; a line
  with no known translation fails the test, so a Windows instruction cannot go unchecked.
* Fast commands run as written (``doctor``, ``plan``, ``data``, ``lint``, ``--help``). The others
  (``start`` would open JupyterLab, ``test`` would run this suite, ``report``, ``grade``,
  ``slides``, ... and any command added later) run with ``--help`` appended, which proves the
  command and its spelling exist without doing the long work.

``COURSE_KIT_VENV`` points kit.py at the environment running these tests (and ``.venv`` in the clone
is a link to it), so nothing is installed. Inline ``python3 kit.py COMMAND`` spans in the prose must
name a real command.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import KIT_ROOT

if os.name == "nt" or shutil.which("bash") is None or shutil.which("git") is None:
    pytest.skip("runs the README's commands in bash on a git clone (Linux, macOS)", allow_module_level=True)

FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHELLS = {"bash", "sh", "shell", "console", "zsh"}
WINDOWS_SHELLS = {"powershell", "ps1", "pwsh", "bat", "cmd", "batch"}
# A command of kit.py or course_lib, as written in the README: (prefix, subcommand).
COMMAND = re.compile(r"(?:(?:python3?|\.venv/bin/python)\s+(?:kit\.py|-m\s+course_lib))\s+(\S+)")
RUN_AS_WRITTEN = {"doctor", "plan", "data", "lint", "--help", "-h", "help"}
INLINE_KIT_COMMAND = re.compile(r"`(?:python3|py) kit\.py ([^`\s]+)[^`]*`")


def kit_module():
    spec = importlib.util.spec_from_file_location("kit_for_readme", KIT_ROOT / "kit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def without_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` after a space, outside quotes)."""
    quote = None
    for index, character in enumerate(line):
        if quote:
            quote = None if character == quote else quote
        elif character in "\"'":
            quote = character
        elif character == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def windows_to_bash(line: str) -> str:
    """The bash command a PowerShell or cmd line of the README stands for."""
    rules = [
        (r"^py (kit\.py.*)$", r"python3 \1"),
        (r"^\.venv\\Scripts\\Activate\.ps1$", "test -f .venv/bin/Activate.ps1 && source .venv/bin/activate"),
        (r"^\.venv\\Scripts\\activate\.bat$", "source .venv/bin/activate"),
        (r"^\.venv\\Scripts\\python(?:\.exe)? (.*)$", r".venv/bin/python \1"),
        (r'^\$env:(\w+)\s*=\s*"([^"]*)"$', r'export \1="\2"'),
        (r"^\$env:(\w+)\s*=\s*\$env:(\w+)$", r'export \1="$\2"'),
        (r'^set "(\w+)=([^"]*)"$', r'export \1="\2"'),
        (r"^set (\w+)=(.*)$", r'export \1="\2"'),
        (r"^(python -m course_lib .*|deactivate)$", r"\1"),
    ]
    for pattern, replacement in rules:
        if re.match(pattern, line):
            command = re.sub(pattern, replacement, line)
            return command.replace("%USERPROFILE%", "$HOME").replace("\\", "/")
    raise AssertionError(f"no bash translation for the README's Windows line {line!r}: add one to windows_to_bash")


def with_help_for_long_commands(command: str) -> str:
    """Append ``--help`` to every kit/course command that would take long (see the module's docstring)."""
    pieces = re.split(r"(\s*(?:&&|\|\||;|\|)\s*)", command)
    for index, piece in enumerate(pieces):
        found = COMMAND.search(piece)
        if found and found.group(1) not in RUN_AS_WRITTEN and not re.search(r"\s(--help|-h)\b", piece):
            pieces[index] = piece.rstrip() + " --help"
    return "".join(pieces)


def readme_blocks(readme: str) -> list[tuple[str, list[str]]]:
    """(language, commands) of every shell block, in order; Windows lines translated to bash."""
    blocks = []
    for language, body in FENCE.findall(readme):
        language = language.lower()
        if language not in SHELLS | WINDOWS_SHELLS:
            continue
        lines = [without_comment(line) for line in body.splitlines()]
        lines = [line.strip() for line in lines if line.strip()]
        if language in WINDOWS_SHELLS:
            lines = [windows_to_bash(line) for line in lines]
        blocks.append((language, lines))
    return blocks


def test_the_readme_has_shell_blocks_for_every_terminal():
    languages = {language for language, _ in readme_blocks((KIT_ROOT / "README.md").read_text(encoding="utf-8"))}
    assert {"bash", "powershell", "bat"} <= languages


def test_windows_lines_translate_to_the_same_commands():
    assert windows_to_bash("py kit.py start --data cohort-data") == "python3 kit.py start --data cohort-data"
    assert (
        windows_to_bash('$env:COURSE_KIT_DATA = "$HOME\\cohort-data"') == 'export COURSE_KIT_DATA="$HOME/cohort-data"'
    )
    assert windows_to_bash('set "X=%USERPROFILE%\\d"') == 'export X="$HOME/d"'
    with pytest.raises(AssertionError, match="no bash translation"):
        windows_to_bash("Start-Process notepad")


def test_long_commands_get_help_and_fast_ones_run_as_written():
    assert with_help_for_long_commands("python3 kit.py start") == "python3 kit.py start --help"
    assert with_help_for_long_commands("python3 kit.py plan 03") == "python3 kit.py plan 03"
    assert with_help_for_long_commands(".venv/bin/python -m course_lib report x.csv --out r.html") == (
        ".venv/bin/python -m course_lib report x.csv --out r.html --help"
    )
    assert with_help_for_long_commands("git clone x y && cd y") == "git clone x y && cd y"


def test_inline_kit_commands_in_the_prose_exist():
    readme = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    commands = set(kit_module().all_commands()) | {"--help", "-h", "help", "COMMAND"}
    named = INLINE_KIT_COMMAND.findall(FENCE.sub("", readme))
    assert named, "the README names no `python3 kit.py COMMAND` in its prose"
    unknown = sorted({word for word in named if word not in commands and word != "strat"})  # strat: the typo example
    assert not unknown, f"the README names kit.py commands that do not exist: {unknown}"


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory) -> Path:
    """A git clone of the kit, with .venv a link to the environment running the tests."""
    clone = tmp_path_factory.mktemp("readme") / "course-kit"
    subprocess.run(["git", "clone", "--quiet", str(KIT_ROOT), str(clone)], check=True, timeout=300)
    (clone / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    return clone


def fresh_terminal(clone: Path) -> dict[str, str]:
    """A terminal before any activation: `python3`/`python` are a plain Python with no packages.

    They run the Python the environment was made from with ``-S`` (no site-packages), because a
    machine's Python may have numpy or pandas of its own and hide a line that needs the kit's.
    """
    plain_bin = clone.parent / "plain-bin"
    plain_bin.mkdir(exist_ok=True)
    base = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    for name in ("python3", "python"):
        wrapper = plain_bin / name
        wrapper.write_text(f'#!/bin/sh\nexec "{base}" -S "$@"\n')
        wrapper.chmod(0o755)
    venv_bin = str(Path(sys.prefix) / "bin")
    path = [plain_bin.as_posix()] + [p for p in os.environ["PATH"].split(os.pathsep) if p and p != venv_bin]
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "COURSE_KIT_DATA", "PYTHONHOME", "CONDA_PREFIX")
    }
    home = clone.parent / "home"
    home.mkdir(exist_ok=True)
    environment.update(PATH=os.pathsep.join(path), COURSE_KIT_VENV=sys.prefix, HOME=str(home))
    return environment


def test_the_plain_python_of_the_fresh_terminal_has_no_course_packages(fresh_clone):
    """Otherwise a README line that needs the environment could pass here and fail for a newcomer."""
    completed = subprocess.run(
        ["bash", "-c", "python3 -c 'import numpy'"],
        cwd=fresh_clone.parent,
        env=fresh_terminal(fresh_clone),
        capture_output=True,
        text=True,
    )
    assert completed.returncode != 0 and "No module named" in completed.stderr


def test_every_readme_command_works_as_written_in_a_fresh_clone(fresh_clone):
    readme = (fresh_clone / "README.md").read_text(encoding="utf-8")
    blocks = readme_blocks(readme)
    first_language, first_lines = blocks[0]
    assert first_lines[0].startswith("git clone "), "the README's first command clones the kit"
    environment = fresh_terminal(fresh_clone)
    ran = []
    for language, lines in blocks:
        # The clone is made already: skip `git clone ...` and the `cd` into it.
        commands = [line for line in lines if not line.startswith("git clone ")]
        script = ["set -eo pipefail"]
        for command in commands:
            command = with_help_for_long_commands(command)
            script += [f"echo '>>> {command.replace(chr(39), '')}'", command]
            ran.append(command)
        completed = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=fresh_clone,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, f"a README {language} block failed:\n{output[-4000:]}"
        assert "Traceback (most recent call last)" not in output, output[-4000:]
    # The cohort data the README makes is where it says, with its instructors-only truth/.
    assert any(re.search(r"kit\.py data .*--out cohort-data", command) for command in ran)
    assert (fresh_clone / "cohort-data" / "orders.csv").is_file()
    assert (fresh_clone / "cohort-data" / "truth").is_dir()
    assert any(command.startswith("source .venv/bin/activate") for command in ran)
