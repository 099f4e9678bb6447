"""kit.py and ``python -m course_lib``: set-up, the commands they pass on, and clear answers to slips.

kit.py: a second run reuses the environment; an old Python gets a clear message; the course's
commands run inside the environment; an unknown command is named with the closest one; ``--help``
exits 0; ``start`` serves the kit's folder and opens the welcome lesson. ``python -m course_lib``:
no traceback for a user's mistake; ``data`` never overwrites data without ``--force``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import KIT_ROOT
from course_lib.kit import cli


@pytest.fixture
def kit():
    spec = importlib.util.spec_from_file_location("kit", KIT_ROOT / "kit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fake_venv(kit, tmp_path, monkeypatch):
    """kit.py's own .venv, pointed at an empty folder with a stand-in Python; installing is recorded."""
    venv = tmp_path / ".venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    python.parent.mkdir(parents=True)
    python.write_text("")
    monkeypatch.delenv("COURSE_KIT_VENV", raising=False)
    monkeypatch.setattr(kit, "OWN_VENV", str(venv))
    installs = []
    monkeypatch.setattr(kit, "install", lambda uv, python, lock: installs.append(lock))
    return venv, installs


def test_second_run_reuses_the_environment(kit, fake_venv, capsys):
    venv, installs = fake_venv
    (venv / kit.STAMP_NAME).write_text(kit.wanted_stamp(kit.LOCK_FILE) + "\n")
    kit.ensure_environment()
    assert installs == []
    assert "[kit] environment up to date (.venv)" in capsys.readouterr().out


def test_the_test_tools_are_added_when_only_the_student_lock_is_installed(kit, fake_venv, capsys):
    venv, installs = fake_venv
    (venv / kit.STAMP_NAME).write_text(kit.wanted_stamp(kit.LOCK_FILE) + "\n")
    kit.ensure_environment(with_test_tools=True)
    assert installs == [kit.TEST_LOCK_FILE]
    assert (venv / kit.STAMP_NAME).read_text().strip() == kit.wanted_stamp(kit.TEST_LOCK_FILE)
    # The test environment holds the student one: `start` after `test` installs nothing.
    kit.ensure_environment()
    assert installs == [kit.TEST_LOCK_FILE]


def test_a_stale_stamp_reinstalls(kit, fake_venv):
    venv, installs = fake_venv
    (venv / kit.STAMP_NAME).write_text("an older lock\n")
    kit.ensure_environment()
    assert installs == [kit.LOCK_FILE]


def test_stamp_changes_with_the_lock(kit, tmp_path, monkeypatch):
    for name in ("requirements.lock", "pyproject.toml"):
        (tmp_path / name).write_text((KIT_ROOT / name).read_text())
    monkeypatch.setattr(kit, "KIT_ROOT", str(tmp_path))
    lock = str(tmp_path / "requirements.lock")
    before = kit.wanted_stamp(lock)
    (tmp_path / "requirements.lock").write_text("pandas==0.1\n")
    assert kit.wanted_stamp(lock) != before


def test_student_and_test_environments_have_different_stamps(kit):
    assert kit.wanted_stamp(kit.LOCK_FILE) != kit.wanted_stamp(kit.TEST_LOCK_FILE)


def test_old_python_gets_a_clear_message(kit, monkeypatch, capsys):
    monkeypatch.setattr(kit, "MINIMUM_PYTHON", (99, 0))
    with pytest.raises(SystemExit) as stopped:
        kit.ensure_environment()
    assert stopped.value.code == 1
    assert "this kit needs Python 99.0 or newer" in capsys.readouterr().out


def run_kit(*words: str, **environment: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COURSE_KIT_VENV=sys.prefix, **environment)  # the tests' environment: no install
    return subprocess.run(
        [sys.executable, str(KIT_ROOT / "kit.py"), *words], capture_output=True, text=True, timeout=300, env=env
    )


def test_kit_lists_the_same_course_commands_as_the_parser(kit):
    """kit.py reads the commands from cli.py's source; the parser itself is the independent answer."""
    subparsers = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert [name for name, _ in kit.course_commands()] == list(subparsers.choices)
    helps = {action.dest: action.help for action in subparsers._choices_actions}
    assert dict(kit.course_commands()) == helps


@pytest.mark.parametrize(
    ("typed", "suggested"), [("strat", "start"), ("tset", "test"), ("plna", "plan"), ("doctr", "doctor")]
)
def test_unknown_command_is_named_with_the_closest_one(kit, capsys, typed, suggested):
    assert kit.main([typed]) == 2
    error = capsys.readouterr().err
    assert f"unknown command '{typed}'" in error
    assert f"Did you mean `python3 kit.py {suggested}`?" in error


def test_no_command_shows_the_usage_and_fails(kit, capsys):
    assert kit.main([]) == 2
    output = capsys.readouterr()
    assert "usage: python3 kit.py COMMAND" in output.out
    assert "python3 kit.py start" in output.err


@pytest.mark.parametrize("words", [["--help"], ["-h"], ["help"], ["start", "--help"], ["start", "-h"]])
def test_help_exits_zero_before_any_set_up(kit, capsys, monkeypatch, words):
    monkeypatch.setattr(kit, "ensure_environment", lambda **_: pytest.fail("--help must not set anything up"))
    assert kit.main(words) == 0
    assert "usage: python3 kit.py" in capsys.readouterr().out


def test_course_commands_run_in_the_environment_without_activating():
    """`python3 kit.py plan 03` is `python -m course_lib plan 03` in the environment, from any folder."""
    through_kit = run_kit("plan", "03")
    direct = subprocess.run([sys.executable, "-m", "course_lib", "plan", "03"], capture_output=True, text=True)
    assert through_kit.returncode == direct.returncode == 0, through_kit.stdout + through_kit.stderr
    assert direct.stdout.strip() and direct.stdout in through_kit.stdout
    helped = run_kit("grade", "--help")
    assert helped.returncode == 0 and "usage: python -m course_lib grade" in helped.stdout


def test_course_command_errors_come_back_with_their_exit_code():
    completed = run_kit("plan", "99")
    assert completed.returncode == 2
    assert "No lesson 99" in completed.stderr and "Traceback" not in completed.stderr


def test_a_shared_environment_is_used_as_it_is(kit, tmp_path, monkeypatch, capsys):
    """COURSE_KIT_VENV names an environment kit.py uses but never installs into."""
    python = tmp_path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    python.parent.mkdir()
    python.write_text("")
    monkeypatch.setenv("COURSE_KIT_VENV", str(tmp_path))
    monkeypatch.setattr(kit, "install", lambda *_: pytest.fail("must not install into COURSE_KIT_VENV"))
    assert kit.ensure_environment(with_test_tools=True) == str(python)
    assert "does not install into it" in capsys.readouterr().out
    # ... and this copy's course_lib comes first, whatever the environment has installed.
    assert kit.child_environment()["PYTHONPATH"].split(os.pathsep)[0] == kit.KIT_ROOT
    monkeypatch.setenv("COURSE_KIT_VENV", str(tmp_path / "missing"))
    with pytest.raises(SystemExit):
        kit.ensure_environment()


def test_start_serves_the_kit_folder_and_opens_the_welcome_lesson(kit):
    arguments = kit.start_arguments("python", ["--no-browser"])
    assert f"--ServerApp.root_dir={KIT_ROOT}" in arguments
    opened = [word for word in arguments[4:] if not word.startswith("-")]
    assert opened == ["notebooks/00_welcome.ipynb"]
    assert (KIT_ROOT / opened[0]).is_file()
    # A file the user names opens instead, under the same root.
    chosen = kit.start_arguments("python", ["exercises/03_rfm.ipynb"])
    assert [word for word in chosen[4:] if not word.startswith("-")] == ["exercises/03_rfm.ipynb"]


def test_start_data_option_points_the_lessons_at_another_folder(kit, tmp_path, monkeypatch):
    (tmp_path / "orders.csv").write_text("order_id\n")
    monkeypatch.chdir(tmp_path.parent)
    data, rest = kit.take_data_option(["--no-browser", "--data", tmp_path.name, "--port=9999"])
    assert (data, rest) == (str(tmp_path), ["--no-browser", "--port=9999"])
    assert kit.child_environment(data)["COURSE_KIT_DATA"] == str(tmp_path)
    assert kit.take_data_option([f"--data={tmp_path}"]) == (str(tmp_path), [])
    with pytest.raises(SystemExit):
        kit.take_data_option(["--data", str(tmp_path / "nothing-here")])


def test_relative_data_variable_is_made_absolute_for_the_kernels(kit, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_KIT_DATA", "cohort-data")
    assert kit.child_environment()["COURSE_KIT_DATA"] == str(tmp_path / "cohort-data")


# ---- python -m course_lib: a user's slip is one line on stderr, exit code 2, no traceback ----


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["strat"], "unknown command 'strat'. Did you mean 'start'?"),
        (["pln"], "unknown command 'pln'. Did you mean 'plan'?"),
        ([], "no command given"),
        (["plan", "99"], "No lesson 99"),
        (["slides", "42"], "42"),
        (["report", "no_such_orders.csv"], "no_such_orders.csv"),
        (["grade", "no_such_folder"], "no_such_folder"),
        (["data", "--out", "pyproject.toml"], "is a file"),
        (["plan", "--minutes", "many"], "invalid float value: 'many'"),
        (["data", "--seed", "seven"], "invalid int value: 'seven'"),
    ],
)
def test_a_slip_gets_one_clear_line_and_no_traceback(words, expected, monkeypatch, capsys):
    monkeypatch.chdir(KIT_ROOT)
    try:
        code = cli.main(words)  # any exception that escaped main would fail this test
    except SystemExit as stopped:  # argparse's own errors
        code = stopped.code
    printed = capsys.readouterr()
    assert code == 2, printed.out + printed.err
    assert expected in printed.err
    assert "Traceback" not in printed.err + printed.out


def test_python_m_course_lib_answers_a_slip_without_a_traceback(tmp_path):
    """The same, end to end, as a user types it."""
    for words, expected in [(["strat"], "Did you mean 'start'?"), (["report", "orders.csv"], "orders.csv")]:
        completed = subprocess.run(
            [sys.executable, "-m", "course_lib", *words], capture_output=True, text=True, timeout=300, cwd=tmp_path
        )
        assert (completed.returncode, "Traceback" in completed.stderr) == (2, False), completed.stderr
        assert expected in completed.stderr


@pytest.mark.parametrize("words", [["--help"], ["-h"], ["plan", "--help"], ["data", "-h"]])
def test_course_lib_help_exits_zero(words, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(words)
    assert stopped.value.code == 0
    assert "usage: python -m course_lib" in capsys.readouterr().out


def test_help_shows_date_formats_as_they_are_typed(capsys):
    # argparse formats `help=` with %, not `description=`: a doubled %% there reached the user.
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "%m/%d/%Y" in shown and "%d/%m/%Y" in shown and "%%" not in shown


def test_an_unexpected_error_is_one_line_asking_for_a_report(monkeypatch, capsys):
    def broken(arguments):
        raise RuntimeError("something inside broke")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["plan"].set_defaults(run=broken)
    assert cli.main(["plan"]) == 1
    error = capsys.readouterr().err
    assert "RuntimeError: something inside broke" in error and "COURSE_KIT_DEBUG=1" in error
    monkeypatch.setenv("COURSE_KIT_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main(["plan"])


# ---- data: the shipped data and earlier data are never overwritten without --force ----


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("words", [[], ["--out", str(KIT_ROOT / "datasets")], ["--seed", "7"]])
def test_data_refuses_to_overwrite_the_shipped_data(words, capsys):
    before = folder_digest(KIT_ROOT / "datasets")
    assert cli.main(["data", *words]) == 2
    error = capsys.readouterr().err
    assert "refusing to overwrite the kit's shipped data in datasets/" in error
    assert "--out cohort-data" in error and "--force" in error
    assert folder_digest(KIT_ROOT / "datasets") == before


def test_data_writes_a_new_folder_says_where_and_how_to_use_it_and_warns_about_truth(tmp_path, capsys):
    from course_lib.datasets import MINIMUM_CUSTOMERS

    out = tmp_path / "cohort data"
    assert cli.main(["data", "--seed", "7", "--customers", str(MINIMUM_CUSTOMERS), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"to {out.resolve()} (seed 7" in printed
    assert f"Instructors only: {out.resolve() / 'truth'} holds the answers" in printed
    assert (out / "truth" / "customer_types.csv").is_file()
    if os.name == "nt":
        assert f'py kit.py start --data "{out.resolve()}"' in printed
    else:
        assert f"python3 kit.py start --data '{out.resolve()}'" in printed
        assert f"export COURSE_KIT_DATA='{out.resolve()}'" in printed
    # A second run into the same folder needs --force; the folder is left as it was.
    before = folder_digest(out)
    assert cli.main(["data", "--seed", "8", "--out", str(out)]) == 2
    assert "already holds course data" in capsys.readouterr().err
    assert folder_digest(out) == before


def test_data_instructions_for_windows_terminals():
    text = cli._how_to_use_data(Path("C:/Users/Ana/cohort data"), windows=True)
    assert 'py kit.py start --data "C:/Users/Ana/cohort data"' in text
    assert '$env:COURSE_KIT_DATA = "C:/Users/Ana/cohort data"' in text
    assert 'set "COURSE_KIT_DATA=C:/Users/Ana/cohort data"' in text


def test_a_missing_data_folder_is_named_with_what_to_do(monkeypatch, tmp_path):
    from course_lib.datasets import data_dir, load_orders

    monkeypatch.setenv("COURSE_KIT_DATA", str(tmp_path / "not-there"))
    with pytest.raises(FileNotFoundError, match=r"COURSE_KIT_DATA is set to .*not-there, which is not a folder"):
        data_dir()
    with pytest.raises(FileNotFoundError, match="kit.py start --data"):
        load_orders()
    monkeypatch.setenv("COURSE_KIT_DATA", str(tmp_path))
    assert data_dir() == tmp_path
