"""kit.py: a second run reuses the environment; an old Python gets a clear message."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from course_lib import KIT_ROOT


@pytest.fixture
def kit():
    spec = importlib.util.spec_from_file_location("kit", KIT_ROOT / "kit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_second_run_reuses_the_environment():
    completed = subprocess.run(
        [sys.executable, str(KIT_ROOT / "kit.py"), "doctor"], cwd=KIT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "[kit] environment up to date (.venv)" in completed.stdout
    assert "setting up" not in completed.stdout


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


def test_unknown_command_prints_usage(kit, capsys):
    assert kit.main(["dance"]) == 2
    assert "python3 kit.py start" in capsys.readouterr().out
