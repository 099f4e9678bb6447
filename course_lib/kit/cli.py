"""The kit's command line: ``python -m course_lib COMMAND``.

This is the only module of the kit that parses arguments and prints; every
command calls functions of the library and reports what they return.
Nothing imports this module.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
from pathlib import Path

from course_lib import KIT_ROOT

LESSON_FOLDERS = ("notebooks", "solutions")
DEBUG_VARIABLE = "COURSE_KIT_DEBUG"


class UserError(Exception):
    """A mistake in how a command was called: printed as one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """argparse that names an unknown command and suggests the closest one."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"error: {message}\n`{self.prog} --help` explains the options.\n")


def _doctor(arguments: argparse.Namespace) -> int:
    from course_lib.kit.doctor import run_all

    findings = run_all()
    for finding in findings:
        print(finding)
    problems = sum(not finding.ok for finding in findings)
    if problems:
        print(f"\n{problems} problem(s) found: apply the fixes above, then run the doctor again.")
        return 1
    print("\nAll checks passed: the kit is ready.")
    return 0


# The names `write_world` writes: a folder holding any of them already holds course data.
DATA_NAMES = (
    "SHA256SUMS",
    "README.md",
    "customers.csv",
    "orders.csv",
    "survey.csv",
    "events.csv",
    "online_retail_sample.csv",
    "crm.sqlite",
    "truth",
)


def _how_to_use_data(folder: Path, windows: bool = os.name == "nt") -> str:
    """How to open the lessons on `folder`, in the words of this computer's terminal."""
    from course_lib.datasets.loaders import DATA_ENV_VARIABLE

    if windows:
        quoted = f'"{folder}"' if " " in str(folder) else str(folder)
        return (
            "To open the lessons on this data:\n"
            f"  py kit.py start --data {quoted}\n"
            f"or set {DATA_ENV_VARIABLE} in the terminal before `py kit.py start`:\n"
            f'  PowerShell:  $env:{DATA_ENV_VARIABLE} = "{folder}"\n'
            f'  cmd:         set "{DATA_ENV_VARIABLE}={folder}"'
        )
    quoted = shlex.quote(str(folder))
    return (
        "To open the lessons on this data:\n"
        f"  python3 kit.py start --data {quoted}\n"
        f"or set {DATA_ENV_VARIABLE} in the terminal before `python3 kit.py start`:\n"
        f"  export {DATA_ENV_VARIABLE}={quoted}"
    )


def _data(arguments: argparse.Namespace) -> int:
    from course_lib.datasets import DEFAULT_CUSTOMERS, DEFAULT_SEED, write_world

    if arguments.seed is None:
        arguments.seed = DEFAULT_SEED
    if arguments.customers is None:
        arguments.customers = DEFAULT_CUSTOMERS
    if arguments.lines is not None:
        return _data_at_scale(arguments)
    shipped = KIT_ROOT / "datasets"
    out = Path(arguments.out) if arguments.out is not None else shipped
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder (it is created if needed).")
    is_shipped = out.resolve() == shipped.resolve()
    existing = sorted(name for name in DATA_NAMES if (out / name).exists())
    if existing and not arguments.force:
        if is_shipped:
            raise UserError(
                "refusing to overwrite the kit's shipped data in datasets/. For a cohort's own data give a new "
                f"folder: `python3 kit.py data --seed {arguments.seed} --out cohort-data`. To regenerate datasets/ "
                "itself add --force (`git checkout -- datasets` brings the shipped files back)."
            )
        raise UserError(
            f"{out} already holds course data ({', '.join(existing)}). Add --force to replace it, "
            "or give another --out folder."
        )
    paths = write_world(out, seed=arguments.seed, n_customers=arguments.customers, progress=True)
    where = out.resolve()
    print(f"Wrote {len(paths)} files to {where} (seed {arguments.seed}, {arguments.customers} customers).")
    print(
        f"Instructors only: {where / 'truth'} holds the answers (each customer's planted type and the "
        "planted effects). Leave it out of the copy you give students."
    )
    if is_shipped:
        if arguments.seed != DEFAULT_SEED:
            print(
                f"datasets/ now holds seed {arguments.seed}: the lessons' stored outputs come from the shipped "
                f"data (seed {DEFAULT_SEED}), so the test suite will differ until `git checkout -- datasets`."
            )
        return 0
    print(_how_to_use_data(where))
    return 0


def _data_at_scale(arguments: argparse.Namespace) -> int:
    """``data --lines N``: order lines only, at any size, partitioned by month (lesson 03b)."""
    from course_lib.datasets._generator.scale import write_order_lines

    if arguments.out is None or Path(arguments.out).resolve() == (KIT_ROOT / "datasets").resolve():
        print("error: --lines needs --out DIR, a folder outside datasets/ (the course's own data stays as shipped).")
        return 2
    paths = write_order_lines(
        arguments.out, n_lines=arguments.lines, seed=arguments.seed, file_format=arguments.format, progress=True
    )
    print(
        f"Wrote {arguments.lines:,} order lines in {len(paths)} {arguments.format} files under {arguments.out}, "
        f"one folder per month (seed {arguments.seed}). Read them all at once with DuckDB: "
        f"SELECT ... FROM read_{arguments.format}('{Path(arguments.out).as_posix()}/**/*.{arguments.format}')"
    )
    return 0


def _build(arguments: argparse.Namespace) -> int:
    from course_lib.kit.exercise_build import build_exercises

    for path in build_exercises(KIT_ROOT / "solutions", KIT_ROOT / "exercises"):
        print(f"wrote {path.relative_to(KIT_ROOT)}")
    return 0


def _refresh(arguments: argparse.Namespace) -> int:
    from course_lib.kit.exercise_build import build_exercises
    from course_lib.kit.notebook_run import refresh_notebook

    # The kernels inherit this: one thread each, as in the test suite (see conftest.py).
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = "1"

    paths = arguments.notebooks or sorted(
        path for folder in LESSON_FOLDERS for path in (KIT_ROOT / folder).glob("[0-9][0-9]_*.ipynb")
    )
    for path in paths:
        print(f"running {path} ...", flush=True)
        refresh_notebook(Path(path))
    build_exercises(KIT_ROOT / "solutions", KIT_ROOT / "exercises")
    print(f"Refreshed {len(paths)} notebook(s) and rebuilt the exercises.")
    return 0


def _slides(arguments: argparse.Namespace) -> int:
    from course_lib.kit.plan import find_lessons
    from course_lib.kit.slides import build_deck, tag_lesson

    paths = find_lessons(arguments.lessons or None)
    if arguments.tag:
        import nbformat

        for path in paths:
            notebook = nbformat.read(path, as_version=4)
            if tag_lesson(notebook):
                nbformat.write(notebook, path)
                print(f"tagged {path.relative_to(KIT_ROOT) if path.is_relative_to(KIT_ROOT) else path}")
            else:
                print(f"unchanged {path.name}")
        return 0
    for path in paths:
        deck = build_deck(path, arguments.out, speaker_notes=not arguments.handout)
        print(f"wrote {deck} ({deck.stat().st_size / 1e6:.1f} MB)")
    if arguments.handout:
        print("Handouts: one file each, no speaker notes; they open offline in any browser.")
    else:
        print("One file each; open it in a browser, no network needed. Press S for the speaker notes.")
    return 0


def _plan(arguments: argparse.Namespace) -> int:
    from course_lib.kit.plan import (
        class_plan,
        exercise_tasks,
        find_lessons,
        readme_lesson_table,
        render_plan,
        update_readme_table,
        update_welcome_table,
        with_breaks,
        with_homework,
    )

    if arguments.readme_table:
        print(readme_lesson_table(find_lessons(arguments.lessons or None)))
        return 0
    if arguments.update_readme:
        for name, update in (("README.md", update_readme_table), ("the welcome lesson", update_welcome_table)):
            print(f"{name}: lesson table " + ("updated." if update() else "already up to date."))
        return 0
    paths = find_lessons(arguments.lessons or None)
    tasks = exercise_tasks(paths)
    plan, homework = with_homework(class_plan(paths), tasks, arguments.homework)
    plan = with_breaks(
        plan, break_minutes=arguments.break_minutes, buffer_percent=arguments.buffer, target_minutes=arguments.minutes
    )
    print(render_plan(plan, target_minutes=arguments.minutes, tasks=tasks, homework=homework))
    return 0


def _grade(arguments: argparse.Namespace) -> int:
    from course_lib.kit.grading import grade_submissions, new_run_folder, rescore_run, write_run

    if (arguments.submissions / "run.json").is_file():  # an earlier run: add the manual points, run nothing
        if arguments.manual is None:
            raise ValueError(f"{arguments.submissions} is a grading run: give --manual scores.csv to rescore it.")
        result = rescore_run(arguments.submissions, arguments.manual)
        out = new_run_folder(arguments.out)
        written = write_run(result, out, format=arguments.format)
        print(result.grades[["student_id", "file", "total", "max_points", "percent"]].to_string(index=False))
        print(f"Added the manual points to the run of {arguments.submissions}; wrote {out}.")
        return 0
    out = new_run_folder(arguments.out)
    result = grade_submissions(
        arguments.submissions,
        reference=arguments.reference,
        out=out,
        timeout=arguments.timeout,
        time_limit=arguments.time_limit,
        jobs=arguments.jobs,
        student_pattern=arguments.student_pattern,
        manual=arguments.manual,
        progress=True,
    )
    written = write_run(result, out, format=arguments.format)
    print(result.grades[["student_id", "file", "status", "total", "max_points", "percent"]].to_string(index=False))
    flagged = int((result.grades["flags"] != "").sum())
    if flagged:
        print(
            f"\n{flagged} submission(s) flagged: read the `flags` column of {written['grades']} (flags never change a score)."
        )
    print(f"Wrote the run to {out}: grades.csv, {written['gradebook'].name}, free_text.csv, feedback/, answers/.")
    return 0


def _release(arguments: argparse.Namespace) -> int:
    from course_lib.kit.release import write_release

    summary = write_release(arguments.out, seed=arguments.seed, customers=arguments.customers, progress=True)
    print(summary)
    return 0


def _report(arguments: argparse.Namespace) -> int:
    from course_lib.report import build_report

    result = build_report(
        arguments.orders,
        arguments.out,
        customer=arguments.customer,
        date=arguments.date,
        amount=arguments.amount,
        quantity=arguments.quantity,
        price=arguments.price,
        order=arguments.order,
        status=arguments.status,
        date_format=arguments.date_format,
        decimal=arguments.decimal,
        lang=arguments.lang,
    )
    print(result.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    from course_lib.datasets import DEFAULT_CUSTOMERS  # release's default

    parser = _Parser(prog="python -m course_lib", description="Tools of the customer segmentation course kit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    doctor = commands.add_parser("doctor", help="check the installation, one line per check")
    doctor.set_defaults(run=_doctor)

    data = commands.add_parser("data", help="generate the course data (a new seed gives a cohort its own data)")
    # Defaults resolved in _data: importing the data package here would slow every command's --help.
    data.add_argument("--seed", type=int, default=None, help="random seed (default: the shipped data's seed)")
    data.add_argument(
        "--customers", type=int, default=None, help="number of customers (default: as many as the shipped data)"
    )
    data.add_argument(
        "--out", type=Path, default=None, help="output folder, e.g. cohort-data (default: datasets/, only with --force)"
    )
    data.add_argument(
        "--force", action="store_true", help="replace the data already in the output folder (datasets/ included)"
    )
    data.add_argument(
        "--lines",
        type=int,
        default=None,
        help="write only order lines, this many (e.g. 10000000), partitioned by month, for lesson 03b; needs --out",
    )
    data.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="file format with --lines (default parquet)"
    )
    data.set_defaults(run=_data)

    build = commands.add_parser("build", help="generate exercises/ from solutions/")
    build.set_defaults(run=_build)

    refresh = commands.add_parser(
        "refresh", help="re-run lessons and solutions, store their outputs, rebuild exercises"
    )
    refresh.add_argument(
        "notebooks", nargs="*", type=Path, help="notebooks to re-run (default: all lessons and solutions)"
    )
    refresh.set_defaults(run=_refresh)

    slides = commands.add_parser("slides", help="build one-file HTML slide decks of the lessons (offline)")
    slides.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 03 or 03b (default: all)")
    slides.add_argument("--out", type=Path, default=KIT_ROOT / "slides", help="output folder (default: slides/)")
    slides.add_argument("--handout", action="store_true", help="students' copy: no speaker notes, no speaker view")
    slides.add_argument(
        "--tag",
        action="store_true",
        help="write the presentation settings into the lessons (RISE scroll and theme, slide tags); idempotent",
    )
    slides.set_defaults(run=_slides)

    from course_lib.kit.plan import DEFAULT_BREAK_MINUTES, DEFAULT_BUFFER_PERCENT

    plan = commands.add_parser("plan", help="print a class schedule from the lessons' timings")
    plan.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 01 02 (default: all)")
    plan.add_argument("--minutes", type=float, default=None, help="length of the class, e.g. 120: says what fits")
    plan.add_argument(
        "--break",
        dest="break_minutes",
        type=float,
        default=DEFAULT_BREAK_MINUTES,
        metavar="MIN",
        help=f"minutes of each break, about one an hour when the class is longer than 75 min "
        f"(default {DEFAULT_BREAK_MINUTES}; 0: no breaks)",
    )
    plan.add_argument(
        "--buffer",
        type=float,
        default=DEFAULT_BUFFER_PERCENT,
        metavar="PCT",
        help=f"percent of the class kept free for questions and overruns (default {DEFAULT_BUFFER_PERCENT})",
    )
    plan.add_argument(
        "--homework",
        action="append",
        default=[],
        metavar="NN.N",
        help="move exercise task N of lesson NN out of class time (repeat for more)",
    )
    plan.add_argument("--readme-table", action="store_true", help="print the README's lesson table and stop")
    plan.add_argument(
        "--update-readme",
        action="store_true",
        help="rewrite the lesson table in README.md and the welcome lesson from the lessons",
    )
    plan.set_defaults(run=_plan)

    grade = commands.add_parser(
        "grade",
        help="grade a folder of submitted exercises: scores, flags, feedback and a gradebook in a new run folder",
    )
    grade.add_argument(
        "submissions", type=Path, help="folder of submitted .ipynb files (or an earlier run folder, with --manual)"
    )
    grade.add_argument(
        "--out", type=Path, default=None, help="the run folder, new or empty (default: grading-runs/<date_time>)"
    )
    grade.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="the released exercise the submissions answer (default: found from the lesson)",
    )
    grade.add_argument("--timeout", type=int, default=60, help="seconds a cell may run (default 60)")
    grade.add_argument(
        "--time-limit", type=float, default=None, help="seconds a whole notebook may run (default: none)"
    )
    grade.add_argument("-j", "--jobs", type=int, default=1, help="notebooks run at the same time (default 1)")
    grade.add_argument(
        "--format", choices=["csv", "canvas", "moodle"], default="csv", help="gradebook columns to write (default csv)"
    )
    grade.add_argument(
        "--student-pattern",
        default=r"^(?P<student_id>[^_/]+)",
        help="regular expression giving the student id from the file name (default: the part before the first _)",
    )
    grade.add_argument(
        "--manual", type=Path, default=None, help="CSV of manual points: student_id, task, points (out_of optional)"
    )
    grade.set_defaults(run=_grade)

    release = commands.add_parser(
        "release", help="write the student copy: lessons, exercises, data, course_lib; no solutions or truth/"
    )
    release.add_argument("--out", type=Path, required=True, help="the folder to write (new or empty)")
    release.add_argument(
        "--seed",
        type=int,
        default=None,
        help="generate the cohort's own data with this seed (default: the shipped data)",
    )
    release.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help=f"customers with --seed (default {DEFAULT_CUSTOMERS})"
    )
    release.set_defaults(run=_release)

    report = commands.add_parser(
        "report",
        help="a one-page HTML report of your own orders file (CSV or Excel), with a customer list per group",
        description="Read an orders export, net its refunds, and write one offline HTML page (and a CSV list "
        "of customers per group next to it). Less-known options: --status COLUMN names the order status "
        "column; --date-format %m/%d/%Y reads month-first dates; --decimal , sets a decimal comma.",
    )
    report.add_argument("orders", type=Path, help="the orders export (.csv or .xlsx); it is only read")
    report.add_argument(
        "--out", type=Path, default=Path("report.html"), help="the HTML page to write (default: report.html)"
    )
    for role in ("customer", "date", "amount", "quantity", "price", "order", "status"):
        report.add_argument(f"--{role}", metavar="COLUMN", help=f"the {role} column (default: guessed from the names)")
    report.add_argument(
        "--date-format", metavar="FORMAT", help="the dates' format, like %%d/%%m/%%Y (default: guessed)"
    )
    report.add_argument("--decimal", choices=[".", ","], help="the money's decimal mark (default: guessed)")
    report.add_argument(
        "--lang",
        choices=["en", "es", "pt"],
        help="the page's language (default: Spanish or Portuguese when the column names are, else English)",
    )
    report.set_defaults(run=_report)
    return parser


def _unknown_command(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """The message for a first word that is no command (with the closest command), else None."""
    names = list(next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction)).choices)
    if not argv:
        return f"no command given. Commands: {', '.join(names)}."
    word = argv[0]
    if word.startswith("-") or word in names:
        return None
    kit_commands = ("start", "test", "lint")
    closest = difflib.get_close_matches(word, names + list(kit_commands), n=1)
    hint = f" Did you mean '{closest[0]}'?" if closest else ""
    if closest and closest[0] in kit_commands:
        hint += f" (`{closest[0]}` is a command of kit.py: `python3 kit.py {closest[0]}`)"
    return f"unknown command '{word}'.{hint} Commands: {', '.join(names)}."


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user's mistake ends in one line on stderr and exit code 2, never a traceback."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    unknown = _unknown_command(parser, argv)
    if unknown:
        print(f"error: {unknown}\n`python -m course_lib --help` explains them.", file=sys.stderr)
        return 2
    arguments = parser.parse_args(argv)
    try:
        return arguments.run(arguments)
    except KeyboardInterrupt:
        print("stopped.", file=sys.stderr)
        return 130
    except (UserError, ValueError, TypeError, KeyError, OSError) as error:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        message = str(error) if not isinstance(error, KeyError) else f"missing {error}"
        if isinstance(error, OSError) and error.filename is not None and str(error.filename) not in message:
            message += f": {error.filename}"
        print(f"error: {message}", file=sys.stderr)
        return 2
    except Exception as error:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        print(
            f"error: {type(error).__name__}: {error}\nThis looks like a bug in the kit, not in what you typed. "
            f"Please report it with the command you ran; set {DEBUG_VARIABLE}=1 to see the traceback.",
            file=sys.stderr,
        )
        return 1
