"""Problems → `file:line: severity code: message` lines, a summary, JSON, the exit code."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from .model import BuildResult, Problem

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_CONFIG = 2


def line(p: Problem) -> str:
    where = f"{p.path}:{p.line}" if p.line else p.path
    text = f"{where}: {p.severity} {p.code}: {p.message}"
    return f"{text} ({p.hint})" if p.hint else text


def summary(problems: Iterable[Problem]) -> str:
    counts = Counter((p.severity, p.code) for p in problems)
    if not counts:
        return "no problems"
    errors = sum(n for (sev, _), n in counts.items() if sev == "error")
    warnings = sum(n for (sev, _), n in counts.items() if sev == "warning")
    rows = [f"  {n:6d}  {sev:7s} {code}" for (sev, code), n in
            sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]
    return f"{errors} errors, {warnings} warnings by code:\n" + "\n".join(rows)


def as_json(result: BuildResult | None, problems: Iterable[Problem]) -> str:
    data = {
        "problems": [{"path": p.path, "line": p.line, "severity": p.severity, "code": p.code,
                      "message": p.message, "hint": p.hint} for p in problems],
    }
    if result is not None:
        data["build"] = {"articles": result.articles, "skipped": result.skipped,
                         "written": result.written, "unchanged": result.unchanged,
                         "removed": result.removed, "reused": result.reused,
                         "ok": result.ok, "output": result.output,
                         "timings": dict(result.timings)}
    return json.dumps(data, ensure_ascii=False, indent=1)


def exit_code(problems: Iterable[Problem], strict: bool, ok: bool = True) -> int:
    """0, or 1 when the build was aborted, or when `strict` and any error was reported."""
    if not ok:
        return EXIT_ERRORS
    if strict and any(p.severity == "error" for p in problems):
        return EXIT_ERRORS
    return EXIT_OK
