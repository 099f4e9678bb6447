#!/usr/bin/env python3
"""Set up the course kit and run it, with nothing but Python and the standard library.

    python3 kit.py start     # set up (first time only), open JupyterLab on the welcome lesson
    python3 kit.py test      # set up with the test tools (first time only), run the test suite
    python3 kit.py lint      # check the code style (ruff), as CI does before the tests
    python3 kit.py doctor    # check the installation, one line per check
    python3 kit.py plan      # ... and every other course command: see `python3 kit.py --help`

(On Windows, type ``py`` instead of ``python3``.)

The set-up creates a virtual environment in ``.venv/`` beside this file, installs the exact
versions of ``requirements.lock`` (``requirements-test.lock`` for ``test`` and ``lint``) and the
kit's own package ``course_lib``, and writes a stamp. The next run compares the stamp and skips
the installation when nothing changed. It uses ``uv`` when it is on the PATH (much faster) and
``venv`` + ``pip`` otherwise; set ``COURSE_KIT_INSTALLER=pip`` to force pip.

The course's own commands (``plan``, ``report``, ``slides``, ``data``, ``grade``, ...) run inside
that environment: ``python3 kit.py plan 03`` is ``python -m course_lib plan 03`` without activating
anything. Anything after the command is passed on, for example ``python3 kit.py test -k rfm`` or
``python3 kit.py start --no-browser``; ``python3 kit.py start --data DIR`` opens the lessons on
another data folder (a cohort's own data).

``COURSE_KIT_VENV=DIR`` uses an existing environment instead of ``.venv`` (a conda environment,
or one shared by several copies of the kit); ``kit.py`` never installs into it.

Stopping ``start`` with Ctrl-C (or SIGTERM) stops JupyterLab and its kernels and frees the port.
"""

# Keep this file runnable by old Pythons up to the version check: no syntax newer than 3.6.
import difflib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys

MINIMUM_PYTHON = (3, 11)
KIT_ROOT = os.path.dirname(os.path.abspath(__file__))
OWN_VENV = os.path.join(KIT_ROOT, ".venv")
VENV_VARIABLE = "COURSE_KIT_VENV"
DATA_VARIABLE = "COURSE_KIT_DATA"
# The student environment, and the same plus the test tools (pytest, nbval, playwright, ...).
LOCK_FILE = os.path.join(KIT_ROOT, "requirements.lock")
TEST_LOCK_FILE = os.path.join(KIT_ROOT, "requirements-test.lock")
STAMP_NAME = "course-kit.stamp"
START_PAGE = "notebooks/00_welcome.ipynb"  # relative to the kit's folder, which is JupyterLab's root
CLI_SOURCE = os.path.join(KIT_ROOT, "course_lib", "kit", "cli.py")
# kit.py's own commands; the course's commands are read from course_lib/kit/cli.py (see course_commands).
KIT_COMMANDS = (
    ("start", "set up (first time only) and open JupyterLab on the welcome lesson; --data DIR for other data"),
    ("test", "set up with the test tools and run the test suite (pytest options are passed on)"),
    ("lint", "check the code style with ruff, as CI does"),
)
START_HELP = """usage: python3 kit.py start [--data DIR] [JupyterLab options] [FILE]

Sets up the environment (first run only) and opens JupyterLab in the browser, with the kit's folder
as its root and the welcome lesson (notebooks/00_welcome.ipynb) open. Stop it with Ctrl-C: that
stops JupyterLab and its kernels and frees the port.

  --data DIR     lessons and checks read the data in DIR (a cohort's own data, made with
                 `python3 kit.py data --seed N --out DIR`) instead of datasets/
  --no-browser   do not open a browser; open the address JupyterLab prints yourself
  --port N       serve on port N (default 8888, or the next free one)
  FILE           open FILE (a path under the kit's folder) instead of the welcome lesson

Every other option goes to JupyterLab (`jupyter lab --help` lists them)."""
STOP_SECONDS = 15  # how long JupyterLab may take to shut its kernels down before it is killed


def say(message):
    print("[kit] " + message, flush=True)


def fail(message, code=1):
    say("ERROR: " + message)
    sys.exit(code)


def venv_dir():
    configured = os.environ.get(VENV_VARIABLE)
    return os.path.abspath(configured) if configured else OWN_VENV


def venv_python(venv=None):
    venv = venv or venv_dir()
    if os.name == "nt":
        # A venv keeps it in Scripts\, a conda environment at its top.
        candidates = [os.path.join(venv, "Scripts", "python.exe"), os.path.join(venv, "python.exe")]
    else:
        candidates = [os.path.join(venv, "bin", "python")]
    for candidate in candidates:
        if os.path.exists(candidate):
            return candidate
    return candidates[0]


def stamp_file(venv=None):
    return os.path.join(venv or venv_dir(), STAMP_NAME)


def installer():
    if os.environ.get("COURSE_KIT_INSTALLER") == "pip":
        return None
    return shutil.which("uv")


def course_commands(source=CLI_SOURCE):
    """The subcommands of ``python -m course_lib`` with their help, read from cli.py without importing it.

    kit.py runs before any package is installed, so it cannot import the kit; reading the parser's
    source keeps this list in step with the commands as they are added.
    """
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return []
    found = re.findall(r'add_parser\(\s*"([a-z][\w-]*)"(?:\s*,\s*help\s*=\s*"((?:[^"\\]|\\.)*)")?', text)
    return [(name, help_text.replace("%%", "%")) for name, help_text in found]


def all_commands():
    names = [name for name, _ in KIT_COMMANDS]
    return names + [name for name, _ in course_commands() if name not in names]


def usage():
    lines = [
        "usage: python3 kit.py COMMAND [options]     (on Windows: py kit.py COMMAND [options])",
        "",
        "Sets up the kit's environment in .venv (first run only) and runs COMMAND in it.",
        "",
        "commands:",
    ]
    listed = list(KIT_COMMANDS) + [pair for pair in course_commands() if pair[0] not in dict(KIT_COMMANDS)]
    width = max(len(name) for name, _ in listed)
    lines += ["  %s  %s" % (name.ljust(width), text) for name, text in listed]
    lines += [
        "",
        "`python3 kit.py COMMAND --help` explains one command, for example `python3 kit.py plan --help`.",
        "Environment: COURSE_KIT_INSTALLER=pip forces pip over uv; COURSE_KIT_VENV=DIR uses an existing",
        "environment instead of .venv; COURSE_KIT_DATA=DIR points the lessons at another data folder.",
    ]
    return "\n".join(lines)


def wanted_stamp(lock):
    """What the environment must have been installed from: the lock, the project file, Python."""
    digest = hashlib.sha256()
    for path in (lock, os.path.join(KIT_ROOT, "pyproject.toml")):
        with open(path, "rb") as handle:
            digest.update(handle.read())
    digest.update(sys.version.split()[0].encode())
    return digest.hexdigest()


def installed_stamp(venv=None):
    path = stamp_file(venv)
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return handle.read().strip()


def run(command):
    say("$ " + " ".join(command))
    completed = subprocess.run(command, cwd=KIT_ROOT)
    if completed.returncode != 0:
        fail(
            "the command above failed (exit code %d). Check the network connection to the "
            "package index, then run this again; to start clean, delete the .venv folder." % completed.returncode
        )


def create_venv(uv, venv):
    if uv:
        run([uv, "venv", "--python", sys.executable, venv])
    else:
        run([sys.executable, "-m", "venv", venv])


def install(uv, python, lock):
    if uv:
        run([uv, "pip", "sync", "--python", python, lock])
        run([uv, "pip", "install", "--python", python, "--no-deps", "--editable", KIT_ROOT])
    else:
        # --no-compile: like uv, leave the bytecode to the first import, which writes it once for the
        # modules actually used (a fraction of the ~200 MB pip would compile up front, and most of its time).
        quiet = ["--disable-pip-version-check", "--no-compile"]
        run([python, "-m", "pip", "install"] + quiet + ["--requirement", lock])
        run([python, "-m", "pip", "install"] + quiet + ["--no-deps", "--editable", KIT_ROOT])
    # matplotlib builds its font cache on first import and says so on stderr; do it now,
    # so that message never lands in a notebook's output.
    run([python, "-c", "import matplotlib.pyplot"])


def ensure_environment(with_test_tools=False):
    """The environment's Python, installing the lock into .venv first when the stamp says so."""
    if sys.version_info < MINIMUM_PYTHON:
        fail(
            "this kit needs Python %d.%d or newer (pandas 3, numpy 2.4, matplotlib 3.11 and "
            "scikit-learn 1.9 do); this is Python %s. Install a newer Python from python.org "
            "and run this command with it." % (MINIMUM_PYTHON + (sys.version.split()[0],))
        )
    venv = venv_dir()
    python = venv_python(venv)
    if venv != OWN_VENV:
        if not os.path.exists(python):
            fail("%s=%s has no Python (looked for %s)." % (VENV_VARIABLE, venv, python))
        say("using the environment in %s (%s); kit.py does not install into it" % (venv, VENV_VARIABLE))
        return python
    # The test environment holds the student one, so either stamp will do for the lessons.
    acceptable = [wanted_stamp(TEST_LOCK_FILE)]
    if not with_test_tools:
        acceptable.append(wanted_stamp(LOCK_FILE))
    if os.path.exists(python) and installed_stamp(venv) in acceptable:
        say("environment up to date (.venv)")
        return python
    lock = TEST_LOCK_FILE if with_test_tools else LOCK_FILE
    stamp = wanted_stamp(lock)
    uv = installer()
    say(
        "setting up the environment in .venv with %s (first run only; about %s)%s"
        % (
            "uv" if uv else "pip",
            "10 seconds" if uv else "a minute",
            ", with the test tools" if with_test_tools else "",
        )
    )
    if not os.path.exists(python):
        create_venv(uv, venv)
    install(uv, python, lock)
    with open(stamp_file(venv), "w") as handle:
        handle.write(stamp + "\n")
    say("environment ready")
    return python


def child_environment(data=None):
    """The environment of the commands kit.py runs: this kit's course_lib first, and the data folder."""
    environment = dict(os.environ)
    if venv_dir() != OWN_VENV:
        # A shared environment may have another copy's course_lib installed: this copy's comes first.
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [KIT_ROOT, environment.get("PYTHONPATH")]))
    if data is not None:
        environment[DATA_VARIABLE] = data
    elif environment.get(DATA_VARIABLE, "").strip():
        # The kernels run in notebooks/: a relative folder means the one where the user typed it.
        environment[DATA_VARIABLE] = os.path.abspath(os.path.expanduser(environment[DATA_VARIABLE].strip()))
    return environment


def take_data_option(extra):
    """Remove ``--data DIR`` (or ``--data=DIR``) from the start options; return (folder or None, the rest)."""
    rest, data, index = [], None, 0
    while index < len(extra):
        word = extra[index]
        if word == "--data":
            if index + 1 >= len(extra):
                fail("--data needs a folder, for example: python3 kit.py start --data cohort-data", code=2)
            data, index = extra[index + 1], index + 2
            continue
        if word.startswith("--data="):
            data = word[len("--data=") :]
        else:
            rest.append(word)
        index += 1
    if data is None:
        return None, rest
    data = os.path.abspath(data)
    if not os.path.isfile(os.path.join(data, "orders.csv")):
        fail(
            "%s is not a data folder of the kit (it has no orders.csv). Make one with "
            "`python3 kit.py data --seed N --out %s`, or give the folder the instructor sent." % (data, data),
            code=2,
        )
    return data, rest


def start_arguments(python, extra):
    """The JupyterLab command: the kit's folder is the root, the welcome lesson opens first."""
    arguments = [python, "-m", "jupyter", "lab", "--ServerApp.root_dir=" + KIT_ROOT]
    if not any(not word.startswith("-") for word in extra):  # the user named no file to open
        arguments.append(START_PAGE)
    arguments += extra
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        arguments.append("--allow-root")  # containers and cloud machines often run as root
    return arguments


def stop_process_group(process):
    """Ask JupyterLab to shut down (it stops its kernels), then make sure its whole group is gone."""
    if process.poll() is not None:
        return
    try:
        if os.name == "nt":
            process.send_signal(signal.CTRL_BREAK_EVENT)  # reaches its process group, kernels included
        else:
            os.killpg(process.pid, signal.SIGTERM)
    except OSError:
        pass
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        say("JupyterLab did not stop within %d s: ending it" % STOP_SECONDS)
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True)
        else:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if os.name != "nt":
        try:  # anything left in its group (a kernel that ignored the shutdown)
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass


def run_jupyter(arguments, environment):
    """Run JupyterLab in its own process group and stop that group on Ctrl-C, SIGTERM or SIGHUP."""
    say("$ " + " ".join(arguments))
    if os.name == "nt":
        process = subprocess.Popen(
            arguments, cwd=KIT_ROOT, env=environment, creationflags=subprocess.CREATE_NEW_PROCESS_GROUP
        )
    else:
        process = subprocess.Popen(arguments, cwd=KIT_ROOT, env=environment, start_new_session=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        say("stopping JupyterLab and its kernels ...")
        stop_process_group(process)
        say("stopped")
        return 0
    finally:
        stop_process_group(process)


def run_command(arguments, environment, cwd=None):
    say("$ " + " ".join(arguments))
    try:
        return subprocess.run(arguments, cwd=cwd or os.getcwd(), env=environment).returncode
    except KeyboardInterrupt:
        return 130


def unknown_command(word):
    closest = difflib.get_close_matches(word, all_commands(), n=1)
    hint = " Did you mean `python3 kit.py %s`?" % closest[0] if closest else ""
    print("kit.py: unknown command '%s'.%s" % (word, hint), file=sys.stderr)
    print("Commands: %s. `python3 kit.py --help` explains them." % ", ".join(all_commands()), file=sys.stderr)
    return 2


def main(argv):
    if argv and argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if not argv:
        print(usage())
        print("\nNo command given: to begin, run `python3 kit.py start`.", file=sys.stderr)
        return 2
    command, extra = argv[0], argv[1:]
    if command not in all_commands():
        return unknown_command(command)
    if command in ("start", "lint") and ("-h" in extra or "--help" in extra):
        print(START_HELP if command == "start" else usage())
        return 0
    python = ensure_environment(with_test_tools=command in ("test", "lint"))
    if command == "start":
        data, extra = take_data_option(extra)
        if data:
            say("lessons and checks read the data in %s (%s)" % (data, DATA_VARIABLE))
        return run_jupyter(start_arguments(python, extra), child_environment(data))
    if command == "test":
        environment = child_environment()
        # The suite starts a Python process per notebook kernel. Where the machine forbids bytecode
        # caches (PYTHONDONTWRITEBYTECODE), every one of them would compile pandas and scikit-learn
        # again, seconds each; the caches live in .venv and __pycache__/ (git-ignored), so allow them.
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        return run_command([python, "-m", "pytest"] + extra, environment, cwd=KIT_ROOT)
    if command == "lint":
        for arguments in ([python, "-m", "ruff", "check", "."], [python, "-m", "ruff", "format", "--check", "."]):
            say("$ " + " ".join(arguments))
            returncode = subprocess.run(arguments, cwd=KIT_ROOT, env=child_environment()).returncode
            if returncode != 0:
                return returncode
        return 0
    # A course command: `python -m course_lib COMMAND ...`, from the folder the user is in, so that
    # relative paths (`report my_orders.csv`, `--out cohort-data`) mean what they say.
    return run_command([python, "-m", "course_lib", command] + extra, child_environment())


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # the output was piped into a command that stopped reading (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
