"""Is the last build still current? A whole-build fingerprint, checked before any other work.

The fingerprint (`keys.fingerprint`) covers everything a build reads: the builder's code, the settings, the
taxonomy's and the theme's files, and every content file's (path, mtime, size). The clock is
read only to report future dates: a result stays current until the moment its first
future-dated article stops being one (`BuildResult.expires`). When it matches the one the last successful build
stored and every file that build wrote is still in the output, the build is done: nothing is
parsed, rendered or written, and the stored report is shown again (like `make`).
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from pathlib import Path

from .model import BuildResult, Problem
from .write import manifest_files

FILE = "fingerprint.json"


def load(state: Path, fingerprint: str, output: Path, now: datetime) -> BuildResult | None:
    """The stored result of the last build, if its fingerprint is `fingerprint`, it has not
    expired at `now`, and the files it wrote (its manifest's) are all still there."""
    try:
        data = json.loads((state / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
        return None
    try:
        expires = datetime.fromisoformat(data["expires"]) if data.get("expires") else None
    except (TypeError, ValueError):
        return None
    if expires is not None and now >= expires:
        return None
    base, written = str(output), manifest_files(state)
    if not written or not all(os.path.isfile(os.path.join(base, rel)) for rel in written):
        return None
    try:
        result = data["result"]
        problems = tuple(Problem(**p) for p in result.pop("problems"))
        return BuildResult(**{**result, "problems": problems, "written": 0, "removed": 0,
                              "unchanged": result["written"] + result["unchanged"],
                              "reused": result["articles"] + result["skipped"], "timings": (),
                              "expires": expires})
    except (KeyError, TypeError, AttributeError):
        return None


def store(state: Path, fingerprint: str, result: BuildResult) -> None:
    """Keep a successful build's fingerprint and result (shown again by a no-change build)."""
    fields = {name: getattr(result, name) for name in result.__slots__}
    fields["problems"] = [{name: getattr(p, name) for name in p.__slots__} for p in result.problems]
    expires = fields.pop("expires")
    data = {"fingerprint": fingerprint, "expires": expires.isoformat() if expires else None,
            "result": {**fields, "timings": []}}
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / (FILE + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, state / FILE)


def forget(state: Path) -> None:
    """A build that failed (or is under way) leaves no fingerprint behind."""
    with contextlib.suppress(OSError):
        (state / FILE).unlink()
