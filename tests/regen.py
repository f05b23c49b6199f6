"""Rewrite the expected outputs the tests compare against, from the current code.

    python tests/regen.py clean     # the output and facts of every tests/cases/clean/* case
    python tests/regen.py golden    # tests/golden/site, built from tests/golden/content
    python tests/regen.py           # both

Run it after a change that is meant to alter the output, then read `git diff tests/` before
committing: the diff is the change in behaviour.

A cleaning case is one file, `NAME.html` (an HTML body) or `NAME.md` (a Markdown body):
optional option lines `=== title: … ===` / `=== base_url: … ===`, the input, then a line
`=== output ===` and the expected HTML, then `=== facts ===` and the facts found in the body.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLEAN_CASES = ROOT / "tests" / "cases" / "clean"
GOLDEN = ROOT / "tests" / "golden"
OUTPUT, FACTS = "=== output ===", "=== facts ==="
OPTIONS = ("title", "base_url")
GOLDEN_NOW = "2026-01-01T00:00:00+00:00"
"""The golden build's clock (future-date reports do not depend on the day it runs)."""


def read_case(path: Path) -> tuple[dict[str, str], str, str, str]:
    """(options, input, expected output, expected facts) of one cleaning case."""
    text = path.read_text(encoding="utf-8")
    options: dict[str, str] = {}
    lines = text.split("\n")
    while lines and lines[0].startswith("=== ") and lines[0].endswith(" ===") and ":" in lines[0]:
        name, value = lines.pop(0)[4:-4].split(":", 1)
        assert name in OPTIONS, f"{path.name}: unknown option {name!r}"
        options[name] = value.strip()
    body = "\n".join(lines)
    source, _, rest = body.partition(f"\n{OUTPUT}\n")
    output, _, facts = rest.partition(f"\n{FACTS}\n")
    return options, source.strip("\n") + "\n", output.strip("\n"), facts.strip("\n")


def clean_case(path: Path, options: dict[str, str], source: str) -> tuple[str, str]:
    """What the cleaner makes of a case now: (html, facts as `name: value` lines)."""
    from builder.clean import clean_html, markdown_to_html

    html = markdown_to_html(source) if path.suffix == ".md" else source
    cleaned = clean_html(html, title=options.get("title", ""), base_url=options.get("base_url", ""))
    f = cleaned.facts
    facts = [("time", f.time), ("source", f.source), ("authors", ", ".join(f.authors)),
             ("abstract", f.abstract), ("source_url", f.source_url),
             ("lead_image", cleaned.lead_image), ("first_paragraph", cleaned.first_paragraph[:80])]
    return cleaned.html, "\n".join(f"{name}: {value}" for name, value in facts if value)


def regen_clean() -> None:
    for path in sorted(CLEAN_CASES.iterdir()):
        if path.suffix not in (".html", ".md"):
            continue
        options, source, _, _ = read_case(path)
        html, facts = clean_case(path, options, source)
        head = "".join(f"=== {name}: {value} ===\n" for name, value in options.items())
        path.write_text(f"{head}{source}{OUTPUT}\n{html}\n{FACTS}\n{facts}\n", encoding="utf-8")
        print(f"rewrote {path.relative_to(ROOT)}")


def build_golden(out: Path):
    """Build tests/golden/content into `out` as the golden test does (search off, fixed clock)."""
    from datetime import datetime

    from builder import config
    from builder.build import run

    cfg = config.load(GOLDEN / "site.toml", output_dir=str(out))  # the packaged theme
    return run(cfg, now=datetime.fromisoformat(GOLDEN_NOW), jobs=1)


def golden_files(folder: Path) -> dict[str, bytes]:
    """The compared files of a built golden site: all but the theme's static assets (copies
    of themes/, which the theme's own tests cover)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != "static"}


def _theme_assets(folder: str, names: list[str]) -> list[str]:
    return ["static"] if Path(folder).name == "public" else []


def regen_golden() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = build_golden(Path(tmp) / "public")
        assert result.ok, result.problems
        shutil.rmtree(GOLDEN / "site", ignore_errors=True)
        shutil.copytree(Path(tmp) / "public", GOLDEN / "site", ignore=_theme_assets)
    print(f"rewrote {(GOLDEN / 'site').relative_to(ROOT)}: {result.written} files")


if __name__ == "__main__":
    which = sys.argv[1:] or ["clean", "golden"]
    for name in which:
        {"clean": regen_clean, "golden": regen_golden}[name]()
