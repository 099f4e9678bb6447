#!/usr/bin/env python3
"""Set up the course kit and run it, with nothing but Python and the standard library.

    python3 kit.py start     # set up (first time only) and open JupyterLab on the welcome lesson
    python3 kit.py test      # set up (first time only) and run the whole test suite
    python3 kit.py lint      # check the code style (ruff), as CI does before the tests
    python3 kit.py doctor    # set up (first time only) and check the installation

(On Windows, type ``py`` instead of ``python3``.)

The set-up creates a virtual environment in ``.venv/`` beside this file, installs the exact
versions of ``requirements.lock`` and the kit's own package ``course_lib``, and writes a stamp.
The next run compares the stamp and skips the installation when nothing changed.
It uses ``uv`` when it is on the PATH (much faster) and ``venv`` + ``pip`` otherwise; set
``COURSE_KIT_INSTALLER=pip`` to force pip. Anything after the command is passed on, for example
``python3 kit.py test -k rfm`` or ``python3 kit.py start --no-browser``.
"""

# Keep this file runnable by old Pythons up to the version check: no syntax newer than 3.6.
import hashlib
import os
import shutil
import subprocess
import sys

MINIMUM_PYTHON = (3, 11)
KIT_ROOT = os.path.dirname(os.path.abspath(__file__))
VENV_DIR = os.path.join(KIT_ROOT, ".venv")
# The student environment, and the same plus the test tools (pytest, nbval, playwright, ...).
LOCK_FILE = os.path.join(KIT_ROOT, "requirements.lock")
TEST_LOCK_FILE = os.path.join(KIT_ROOT, "requirements-test.lock")
STAMP_FILE = os.path.join(VENV_DIR, "course-kit.stamp")
START_PAGE = os.path.join("notebooks", "00_welcome.ipynb")
COMMANDS = ("start", "test", "lint", "doctor")


def say(message):
    print("[kit] " + message, flush=True)


def fail(message):
    say("ERROR: " + message)
    sys.exit(1)


def venv_python():
    if os.name == "nt":
        return os.path.join(VENV_DIR, "Scripts", "python.exe")
    return os.path.join(VENV_DIR, "bin", "python")


def installer():
    if os.environ.get("COURSE_KIT_INSTALLER") == "pip":
        return None
    return shutil.which("uv")


def wanted_stamp(lock):
    """What the environment must have been installed from: the lock, the project file, Python."""
    digest = hashlib.sha256()
    for path in (lock, os.path.join(KIT_ROOT, "pyproject.toml")):
        with open(path, "rb") as handle:
            digest.update(handle.read())
    digest.update(sys.version.split()[0].encode())
    return digest.hexdigest()


def installed_stamp():
    if not os.path.exists(STAMP_FILE):
        return None
    with open(STAMP_FILE) as handle:
        return handle.read().strip()


def run(command):
    say("$ " + " ".join(command))
    completed = subprocess.run(command, cwd=KIT_ROOT)
    if completed.returncode != 0:
        fail(
            "the command above failed (exit code %d). Check the network connection to the "
            "package index, then run this again; to start clean, delete the .venv folder." % completed.returncode
        )


def create_venv(uv):
    if uv:
        run([uv, "venv", "--python", sys.executable, VENV_DIR])
    else:
        run([sys.executable, "-m", "venv", VENV_DIR])


def install(uv, python, lock):
    if uv:
        run([uv, "pip", "sync", "--python", python, lock])
        run([uv, "pip", "install", "--python", python, "--no-deps", "--editable", KIT_ROOT])
    else:
        run([python, "-m", "pip", "install", "--requirement", lock])
        run([python, "-m", "pip", "install", "--no-deps", "--editable", KIT_ROOT])
    # matplotlib builds its font cache on first import and says so on stderr; do it now,
    # so that message never lands in a notebook's output.
    run([python, "-c", "import matplotlib.pyplot"])


def ensure_environment(with_test_tools=False):
    if sys.version_info < MINIMUM_PYTHON:
        fail(
            "this kit needs Python %d.%d or newer (pandas 3, numpy 2.4, matplotlib 3.11 and "
            "scikit-learn 1.9 do); this is Python %s. Install a newer Python from python.org "
            "and run this command with it." % (MINIMUM_PYTHON + (sys.version.split()[0],))
        )
    python = venv_python()
    # The test environment holds the student one, so either stamp will do for the lessons.
    acceptable = [wanted_stamp(TEST_LOCK_FILE)]
    if not with_test_tools:
        acceptable.append(wanted_stamp(LOCK_FILE))
    if os.path.exists(python) and installed_stamp() in acceptable:
        say("environment up to date (.venv)")
        return python
    lock = TEST_LOCK_FILE if with_test_tools else LOCK_FILE
    stamp = wanted_stamp(lock)
    uv = installer()
    say(
        "setting up the environment in .venv with %s (first run only)%s"
        % ("uv" if uv else "pip", ", with the test tools" if with_test_tools else "")
    )
    if not os.path.exists(python):
        create_venv(uv)
    install(uv, python, lock)
    with open(STAMP_FILE, "w") as handle:
        handle.write(stamp + "\n")
    say("environment ready")
    return python


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    python = ensure_environment(with_test_tools=command in ("test", "lint"))
    if command == "start":
        arguments = [python, "-m", "jupyter", "lab", START_PAGE] + extra
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
            arguments.append("--allow-root")  # containers and cloud machines often run as root
    elif command == "test":
        arguments = [python, "-m", "pytest"] + extra
    elif command == "lint":
        for arguments in ([python, "-m", "ruff", "check", "."], [python, "-m", "ruff", "format", "--check", "."]):
            say("$ " + " ".join(arguments))
            returncode = subprocess.run(arguments, cwd=KIT_ROOT).returncode
            if returncode != 0:
                return returncode
        return 0
    else:
        arguments = [python, "-m", "course_lib", "doctor"] + extra
    say("$ " + " ".join(arguments))
    return subprocess.run(arguments, cwd=KIT_ROOT).returncode


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
