"""The doctor: OK in the installed kit, a clear PROBLEM line when something is off."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata

from course_lib import KIT_ROOT
from course_lib.kit import cli, doctor


def test_doctor_exits_zero_in_the_installed_kit():
    completed = subprocess.run(
        [sys.executable, "-m", "course_lib", "doctor"], cwd=KIT_ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert any(line.startswith("OK       package pandas: ") for line in lines)
    assert not any(line.startswith("PROBLEM") for line in lines)


def test_doctor_names_a_package_at_the_wrong_version(monkeypatch, capsys):
    real_version = metadata.version

    def version(name: str) -> str:
        return "2.0.0" if name == "pandas" else real_version(name)

    monkeypatch.setattr(doctor.metadata, "version", version)
    assert cli.main(["doctor"]) == 1
    output = capsys.readouterr().out
    wanted = doctor.pinned_versions()["pandas"]
    assert (
        f"PROBLEM  package pandas: version 2.0.0 is installed, the kit pins {wanted}. Fix: run `python3 kit.py start`"
        in output
    )
    assert "1 problem(s) found" in output


def test_doctor_reports_a_missing_package():
    findings = doctor.check_packages({"no-such-package-for-the-kit": "1.0"})
    assert [finding.ok for finding in findings] == [False]
    assert "not installed (the kit pins 1.0)" in str(findings[0])


def test_doctor_reports_an_old_python():
    finding = doctor.check_python(minimum=(sys.version_info.major, sys.version_info.minor + 1))[0]
    assert not finding.ok
    assert "is older than" in finding.detail


def test_doctor_finds_a_changed_data_file(tmp_path):
    copy = tmp_path / "datasets"
    shutil.copytree(KIT_ROOT / "datasets", copy)
    assert all(finding.ok for finding in doctor.check_data(copy))
    victim = copy / "customers.csv"
    victim.write_bytes(victim.read_bytes() + b"\n")
    problems = [finding for finding in doctor.check_data(copy) if not finding.ok]
    assert problems and any("customers.csv" in finding.detail for finding in problems)


def test_doctor_finds_an_unwritable_folder(tmp_path):
    (tmp_path / "notebooks").mkdir()
    findings = doctor.check_writable(tmp_path, folders=("notebooks", "missing"))
    assert [finding.ok for finding in findings] == [True, False]
    assert "missing" in str(findings[1])


def test_doctor_finds_the_widgets_frontend():
    assert all(finding.ok for finding in doctor.check_widgets_frontend())
