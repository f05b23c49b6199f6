"""The static search index: Pagefind's extended build (CJK segmentation) over written pages."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .model import Problem

OUT = "pagefind"


def binary() -> list[str] | None:
    """The Pagefind command: the extended binary shipped by the `pagefind[extended]` wheel."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore

        return [str(get_executable())]
    except ImportError:
        pass
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return [found] if found else None


def build_index(output: Path, state: Path) -> list[Problem]:
    """Index `output` into a fresh folder, then swap it in as `output/pagefind`."""
    command = binary()
    if command is None:
        return [Problem(str(output), None, "warning", "search-unavailable",
                        "Pagefind is not installed; the search page will not work",
                        "pip install 'pagefind[extended]'")]
    fresh = state / "pagefind-new"
    shutil.rmtree(fresh, ignore_errors=True)
    run = subprocess.run(
        [*command, "--site", str(output), "--output-path", str(fresh), "--quiet"],
        capture_output=True, text=True, env={**os.environ, "PAGEFIND_SITE": str(output)},
        timeout=1800)
    if run.returncode != 0 or not fresh.is_dir():
        detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return [Problem(str(output), None, "warning", "search-failed",
                        f"Pagefind failed ({run.returncode}): {detail[0][:200]}")]
    target = output / OUT
    old = state / "pagefind-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
    return []

