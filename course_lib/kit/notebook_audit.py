"""Read an exercise notebook without running it: its tasks, and what a submission changed.

The grader runs nothing here. From the *released* exercise (the reference) it
reads which checks are called, with which variables, in which cells, and which
markdown cells ask for a free-text answer. From a submission it reads what
differs from the reference and what looks like tampering: check calls changed,
deleted or moved; the given code of a task changed; modules or check objects
patched; code the grader cannot read (``exec``, ``setattr``, ``sys.modules``);
the check module's private helpers used; verdicts printed by hand; answers typed
in where the task asks for a computation; files written. Each finding is a
*flag* for the instructor to judge: it never changes a score.

Examples
--------
>>> from nbformat.v4 import new_code_cell, new_notebook
>>> reference = new_notebook(cells=[new_code_cell("import tiny as check"), new_code_cell("total = ...\\ncheck.basket_total(total)")])
>>> plan = read_reference(reference)
>>> [(call.target, call.variables) for call in plan.calls]
[('tiny.basket_total', ('total',))]
>>> submission = new_notebook(cells=[new_code_cell("import tiny as check"), new_code_cell("total = 12.5\\nprint('✅ Correct')")])
>>> for flag in audit_submission(submission, plan, answers={"90.1": ("total",)}, ids={0: "90.1"}):
...     print(flag)
check call deleted for 90.1: `check.basket_total(total)` is missing
prints a verdict itself: `print('✅ Correct')`
typed-in answer for 90.1: `total = 12.5` (the task asks for a computation)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from nbformat import NotebookNode

__all__ = [
    "CheckCall",
    "FreeTextTask",
    "ReferencePlan",
    "audit_submission",
    "code_of",
    "free_text_answers",
    "read_reference",
]

FREE_TEXT_PLACEHOLDER = "*Your answer here.*"
_PLACEHOLDER_LINE = re.compile(
    r"^\s*(# YOUR CODE HERE.*|[A-Za-z_][A-Za-z0-9_]*\s*=\s*\.\.\.\s*|\.\.\.\s*|return \.\.\.\s*)$"
)
#: Calls that run code or reach the interpreter in ways the grader cannot read.
_DYNAMIC = {"exec", "eval", "compile", "__import__", "setattr", "delattr", "globals", "vars", "get_ipython"}
_DYNAMIC_MODULES = {"importlib", "builtins", "ctypes", "gc", "inspect", "unittest", "sys"}
_SAFE_MAGICS = {"matplotlib", "time", "timeit", "who", "whos", "pwd", "precision", "pprint", "config", "autoreload"}
_WRITERS = {
    "to_csv",
    "to_json",
    "to_excel",
    "to_parquet",
    "to_pickle",
    "to_feather",
    "write_text",
    "write_bytes",
    "dump",
}
_VERDICT = re.compile(r"✅|❌|Correct \(|\bCorrect\b.*\d+\.\d+")
_LITERAL_BUILDERS = {"DataFrame", "Series", "Index", "array", "dict", "list", "set", "tuple", "frozenset", "Timestamp"}


def code_of(cell: NotebookNode) -> str:
    """The cell's source as plain Python (IPython's ``%magic`` and ``!shell`` lines translated)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(cell.source)
    except Exception:  # odd input the transformer rejects: parse it as it is
        return cell.source


def _parse(cell: NotebookNode) -> list[ast.stmt] | None:
    try:
        return ast.parse(code_of(cell)).body
    except SyntaxError:
        return None


@dataclass(frozen=True)
class CheckCall:
    """A call in the reference that may be a check: ``alias.attr(args)`` or ``name(args)``."""

    cell: int
    source: str
    target: str  # "module.attribute", resolved from the reference's imports
    args: tuple[str, ...]  # each argument's source
    kwargs: tuple[tuple[str, str], ...]
    variables: tuple[str, ...]  # the names the call passes (the answer variables by default)
    given: tuple[str, ...] = ()  # the other statements of its cell that are not placeholders


@dataclass(frozen=True)
class FreeTextTask:
    """A markdown cell where the student writes an answer in words."""

    task: str
    title: str
    cell_id: str | None
    position: int  # among the notebook's markdown cells
    prefix: str
    suffix: str
    points: float = 0.0


@dataclass
class ReferencePlan:
    """What the reference exercise asks: its imports, calls that may be checks, free-text tasks."""

    imports: dict[str, str] = field(default_factory=dict)  # alias -> module or module.attribute
    calls: list[CheckCall] = field(default_factory=list)
    free_text: list[FreeTextTask] = field(default_factory=list)
    statements: set[str] = field(default_factory=set)  # every statement of the reference, normalised
    points: dict[int, float] = field(default_factory=dict)  # cell -> points given in its metadata
    notebook_points: dict[str, float] = field(default_factory=dict)  # exercise id -> points


def _imports(statements: Iterable[ast.stmt]) -> dict[str, str]:
    found: dict[str, str] = {}
    for statement in statements:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                found[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            for alias in statement.names:
                found[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
    return found


def _root(node: ast.AST) -> str | None:
    """The name at the root of ``a.b.c`` or ``a[1].b``."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _call_target(call: ast.Call, imports: dict[str, str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in imports:
        return f"{imports[func.value.id]}.{func.attr}"
    if isinstance(func, ast.Name) and func.id in imports:
        return imports[func.id]
    return None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def read_reference(notebook: NotebookNode) -> ReferencePlan:
    """Read the released exercise: imports, candidate check calls, free-text tasks, points."""
    plan = ReferencePlan()
    course = notebook.metadata.get("course", {})
    plan.notebook_points = {
        str(key): float(value) for key, value in (course.get("points") or {}).items() if _number(value) is not None
    }
    markdown_position = 0
    for index, cell in enumerate(notebook.cells):
        points = _number(cell.get("metadata", {}).get("course", {}).get("points"))
        if cell.cell_type == "markdown":
            if FREE_TEXT_PLACEHOLDER in cell.source:
                prefix, _, suffix = cell.source.partition(FREE_TEXT_PLACEHOLDER)
                number = len(plan.free_text) + 1
                heading = next((line.strip("# ").strip() for line in cell.source.splitlines() if line.strip()), "")
                plan.free_text.append(
                    FreeTextTask(
                        task=f"text-{number}",
                        title=heading[:60],
                        cell_id=cell.get("id"),
                        position=markdown_position,
                        prefix=prefix,
                        suffix=suffix,
                        points=points or 0.0,
                    )
                )
            markdown_position += 1
            continue
        if cell.cell_type != "code":
            continue
        statements = _parse(cell) or []
        plan.imports.update(_imports(statements))
        plan.statements.update(ast.unparse(statement) for statement in statements)
        # The task's inputs: assignments and imports the exercise gives (not the placeholders).
        given = tuple(
            ast.unparse(statement)
            for statement in statements
            if isinstance(statement, (ast.Assign, ast.AugAssign, ast.Import, ast.ImportFrom))
            and not _PLACEHOLDER_LINE.match(ast.unparse(statement))
        )
        for statement in statements:
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
                continue
            call = statement.value
            target = _call_target(call, plan.imports)
            if target is None:
                continue
            variables = tuple(
                node.id
                for node in [*call.args, *(keyword.value for keyword in call.keywords)]
                if isinstance(node, ast.Name)
            )
            plan.calls.append(
                CheckCall(
                    cell=index,
                    source=ast.unparse(statement),
                    target=target,
                    args=tuple(ast.unparse(arg) for arg in call.args),
                    kwargs=tuple((keyword.arg or "**", ast.unparse(keyword.value)) for keyword in call.keywords),
                    variables=variables,
                    given=given,
                )
            )
        if points is not None:
            plan.points[index] = points
    return plan


def free_text_answers(notebook: NotebookNode, plan: ReferencePlan) -> dict[str, str]:
    """Each free-text task's answer in `notebook` (the reference's prompt taken away); "" if none."""
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    by_id = {cell.get("id"): cell for cell in markdown if cell.get("id")}
    answers = {}
    for task in plan.free_text:
        cell = by_id.get(task.cell_id)
        if cell is None:  # ids lost (an old editor): the cell that still starts with the prompt
            prompt = task.prefix.strip()[:80]
            cell = next((cell for cell in markdown if prompt and cell.source.strip().startswith(prompt)), None)
        if cell is None:
            answers[task.task] = ""
            continue
        text = cell.source
        if text.startswith(task.prefix.rstrip()):
            text = text[len(task.prefix.rstrip()) :]
        if task.suffix.strip() and text.rstrip().endswith(task.suffix.strip()):
            text = text.rstrip()[: -len(task.suffix.strip())]
        text = text.replace(FREE_TEXT_PLACEHOLDER, "").strip()
        answers[task.task] = text
    return answers


def _is_literal(node: ast.AST) -> bool:
    """A value typed in: a literal, or DataFrame/Series/array/dict(...) of literals only."""
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in _LITERAL_BUILDERS:
            values = [*node.args, *(keyword.value for keyword in node.keywords)]
            return all(_is_literal(value) for value in values)
        return False
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_is_literal(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and _is_literal(key) for key in node.keys) and all(
            _is_literal(value) for value in node.values
        )
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    return False


def _short(source: str, limit: int = 70) -> str:
    source = " ".join(source.split())
    return source if len(source) <= limit else source[: limit - 3] + "..."


def literal_answers(notebook: NotebookNode, names: Iterable[str]) -> set[str]:
    """The `names` a (solution) notebook assigns a typed-in value: tasks where that is the answer."""
    names = set(names)
    found = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for statement in _parse(cell) or []:
            if isinstance(statement, ast.Assign) and _is_literal(statement.value):
                found |= {target.id for target in statement.targets if isinstance(target, ast.Name)} & names
    return found


def audit_submission(
    notebook: NotebookNode,
    plan: ReferencePlan,
    *,
    answers: dict[str, tuple[str, ...]],
    ids: dict[int, str],
    literal_ok: Iterable[str] = (),
) -> list[str]:
    """The flags of a submission: what it changed or did that an instructor should look at.

    Parameters
    ----------
    notebook : NotebookNode
        The submission (not run).
    plan : ReferencePlan
        The released exercise, from :func:`read_reference`.
    answers : dict of exercise id to tuple of str
        The variables each check reads.
    ids : dict of int to str
        The exercise id of each check call of `plan.calls`, by position (calls that are not checks left out).
    literal_ok : iterable of str
        Answer variables whose answer is typed in by design (a dict of texts, say).
    """
    flags: list[str] = []
    cells = [(index, cell, _parse(cell)) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    for index, _, statements in cells:
        if statements is None:
            flags.append(f"cell {index + 1} is not valid Python: the grader cannot read it")
    statements = [(index, statement) for index, _, parsed in cells for statement in parsed or []]
    imports = {**plan.imports, **_imports(statement for _, statement in statements)}
    normalised = [(index, ast.unparse(statement), statement) for index, statement in statements]
    present = {source for _, source, _ in normalised}

    # 1. Check calls: deleted, changed, moved; the given code of their cells.
    checks = [(position, call) for position, call in enumerate(plan.calls) if position in ids]
    found_order = []
    for position, call in checks:
        exercise_id = ids[position]
        same_target = [
            (index, source)
            for index, source, statement in normalised
            if isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and _call_target(statement.value, imports) == call.target
        ]
        if call.source in present:
            found_order.append(next(index for index, source, _ in normalised if source == call.source))
        elif same_target:
            flags.append(
                f"check call changed for {exercise_id}: `{_short(same_target[0][1])}` instead of `{call.source}`"
            )
        else:
            flags.append(f"check call deleted for {exercise_id}: `{call.source}` is missing")
        for given in call.given:
            if given not in present:
                flags.append(f"given code changed for {exercise_id}: `{_short(given)}` is missing or edited")
    if found_order != sorted(found_order):
        flags.append("check cells moved: the checks no longer run in the exercise's order")
    for alias, module in plan.imports.items():
        if imports.get(alias) != module:
            flags.append(f"import changed: `{alias}` is now `{imports.get(alias)}`, not `{module}`")

    # 2. What the student's own code does (statements the reference has are the exercise's own).
    module_names = {alias for alias in imports}
    check_modules = {call.target.rsplit(".", 1)[0] for position, call in checks}
    check_aliases = {alias for alias, module in imports.items() if module in check_modules}
    check_functions = {alias for alias, module in imports.items() if module in {call.target for _, call in checks}}
    for _, source, statement in normalised:
        if source in plan.statements:
            continue
        flags += _statement_flags(statement, source, module_names, check_aliases | check_functions)

    # 3. Answers typed in where the task asks for a computation.
    literal_ok = set(literal_ok)
    for exercise_id, variables in answers.items():
        for variable in variables:
            if variable in literal_ok:
                continue
            last = None
            for _, source, statement in normalised:
                if isinstance(statement, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == variable for target in statement.targets
                ):
                    last = (source, statement)
            if last is not None and _is_literal(last[1].value) and last[0] not in plan.statements:
                flags.append(
                    f"typed-in answer for {exercise_id}: `{_short(last[0])}` (the task asks for a computation)"
                )
    return list(dict.fromkeys(flags))


def _statement_flags(statement: ast.stmt, source: str, modules: set[str], checks: set[str]) -> list[str]:
    flags = []
    short = _short(source)
    harmless = _harmless_magics(statement)
    for node in ast.walk(statement):
        targets: list[ast.AST] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                root = _root(element)
                if isinstance(element, (ast.Attribute, ast.Subscript)) and root in modules:
                    flags.append(f"patches a module or check: `{short}`")
                elif isinstance(element, ast.Name) and element.id in checks:
                    flags.append(f"replaces the check `{element.id}`: `{short}`")
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in checks:
            flags.append(f"replaces the check `{node.name}`: `def {node.name}`")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names]
            module = getattr(node, "module", None) or ""
            if {name.split(".")[0] for name in names} & _DYNAMIC_MODULES or module.split(".")[0] in _DYNAMIC_MODULES:
                flags.append(f"reaches into the interpreter: `{short}`")
            if any(name.startswith("_") for name in names) and "checks" in module:
                flags.append(f"uses the check module's internals: `{short}`")
            if any(alias.asname in checks or alias.name in checks for alias in node.names):
                flags.append(f"replaces the check module: `{short}`")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in _DYNAMIC and id(node) not in harmless:
                flags.append(f"runs code the grader cannot read: `{short}`")
            if name == "open" and _writes(node) or name in _WRITERS and isinstance(func, ast.Attribute):
                flags.append(f"writes a file: `{short}`")
        if isinstance(node, ast.Attribute):
            if node.attr.startswith("_") and not node.attr.startswith("__") and _root(node) in checks:
                flags.append(f"uses the check module's internals: `{short}`")
            if node.attr in {"__dict__", "__code__", "__globals__", "__class__", "__builtins__"}:
                flags.append(f"reaches into the interpreter: `{short}`")
        if isinstance(node, ast.Name) and node.id in {"sys", "builtins", "__builtins__"} and node.id not in modules:
            flags.append(f"reaches into the interpreter: `{short}`")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _VERDICT.search(node.value):
            flags.append(f"prints a verdict itself: `{short}`")
    return flags


def _harmless_magics(statement: ast.stmt) -> set[int]:
    """The ``get_ipython()`` calls behind ``%matplotlib inline`` and the like: magics that run no student code."""
    safe = set()
    for node in ast.walk(statement):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_line_magic"
            and isinstance(node.func.value, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in _SAFE_MAGICS
        ):
            safe.add(id(node.func.value))
    return safe


def _writes(call: ast.Call) -> bool:
    modes = [call.args[1]] if len(call.args) > 1 else [kw.value for kw in call.keywords if kw.arg == "mode"]
    return any(
        isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+")
        for mode in modes
    )
