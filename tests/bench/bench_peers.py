#!/usr/bin/env python3
"""green-archive against Hugo, Hexo, Pelican and Eleventy, in one interleaved run.

    python3 tests/bench/bench_peers.py 1000 10000            # everything
    python3 tests/bench/bench_peers.py 1000 --repeat 3       # 3 cold runs per tool
    python3 tests/bench/bench_peers.py 1000 --skip-peers     # green-archive only

For each N it writes the synthetic corpus with /work/shared/bench/make_corpus.py (format
`raw` for green-archive, each peer's own format for the peers), gives every tool one
unmeasured warm-up build, then, K times (--repeat), for every tool in turn (the order is
reversed on every other round, so no tool always runs first):

  cold      output and every cache moved aside (not deleted, see below), then a build
  nochange  the same build again, nothing touched
  edit      green-archive only: one sentence appended to one article, rebuild (3 edits,
            3 different articles, each timed; the median is reported)
  cold+search / nochange+search
            green-archive with `search = true` (Pagefind), into another output folder: an
            extra row, since the peers build no search index

Each build is one child process. Measured:
  wall      time.perf_counter_ns() around the child, after a `sync`
  CPU       user+sys of the child and every descendant it waited for (os.wait4 rusage:
            the ProcessPoolExecutor workers and Pagefind are included; Node/Go threads are
            part of their process anyway)
  peak RSS  a thread polls /proc every 50 ms and sums VmRSS over the process tree (found by
            parent pid); reported as max(polled tree sum, ru_maxrss of wait4). ru_maxrss is
            the peak of the largest single process, exact for the single-process peers (a
            50 ms poll can miss a short peak), so the max of the two is never below either.
            The tree sum counts pages shared by forked workers once per process; the PSS
            column (/proc/PID/smaps_rollup, same poll) splits shared pages instead.
  pages     number of *.html files in the output folder

Old output is moved into a trash folder and deleted at the very end: on this machine (ext4
mounted with `discard`) deleting thousands of files just before a timed build slows that
build down (RESULTS-anchors.md, "Caveats").

Results: tests/bench/out/peers-<UTC stamp>.tsv (one row per build, written as it goes) and
.md (tables + ratios), plus peers-latest.tsv/.md copies. The work folder (corpora, sites,
logs) is --work, by default /tmp/green-archive-bench.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SHARED_BENCH = Path("/work/shared/bench")
PAGE = os.sysconf("SC_PAGE_SIZE")
HZ = os.sysconf("SC_CLK_TCK")

EDIT_SENTENCE = ("\n<p>基准测试追加的一句话：储能与光伏项目持续推进，宁德时代表示将继续扩大产能"
                 "（编辑 {k}）。</p>\n")

COLUMNS = ("tool", "version", "N", "phase", "rep", "wall_s", "user_s", "sys_s", "cpu_s",
           "peak_rss_MiB", "tree_rss_MiB", "tree_pss_MiB", "max1_rss_MiB", "procs",
           "html_files", "all_files", "peer_html", "exit", "when", "other_cpu_s", "note",
           "search_s", "search_rss_MiB", "search_pss_MiB")


# --- process-tree measurement --------------------------------------------------------------

def _ppid_map() -> dict[int, int]:
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                s = f.read()
            out[int(name)] = int(s[s.rfind(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    return out


def _tree(root: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for pid, ppid in _ppid_map().items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def _rss_pss(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0, 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pss = 0
    return rss, pss


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", "rb") as f:
            return f.read().decode(errors="replace").strip()
    except OSError:
        return ""


class TreePoller(threading.Thread):
    """Sums RSS and PSS over the process tree under `root` every `interval` seconds. The
    search step's peak (`search_rss`/`search_pss`) is the same sum taken only while a
    Pagefind process is in the tree: the builder holding the site plus the indexer."""

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.search_rss = self.search_pss = 0
        self.max_procs = 0

    def run(self) -> None:
        while not self.stop.is_set():
            rss = pss = 0
            pids = _tree(self.root)
            indexing = False
            for pid in pids:
                r, p = _rss_pss(pid)
                rss, pss = rss + r, pss + p
                indexing = indexing or _comm(pid).startswith("pagefind")
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            if indexing:
                self.search_rss = max(self.search_rss, rss)
                self.search_pss = max(self.search_pss, pss)
            self.max_procs = max(self.max_procs, len(pids))
            self.stop.wait(self.interval)


def busy_ticks() -> int:
    """Non-idle CPU ticks of the whole machine so far (as run_anchors.sh counts them)."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu "):
                v = [int(x) for x in line.split()[1:]]
                return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    return 0


@dataclass
class Run:
    wall: float
    user: float
    sys: float
    peak_rss: float  # MiB, max(tree sum, ru_maxrss)
    tree_rss: float
    tree_pss: float
    max1_rss: float
    procs: int
    exit: int
    other_cpu: float
    note: str = ""
    search_rss: float = 0.0  # MiB, tree sum while a Pagefind process ran (0: none ran)
    search_pss: float = 0.0

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def measure(cmd: list[str], cwd: Path, log: Path, env: dict | None = None,
            timeout: float = 3600) -> Run:
    subprocess.run(["sync"], check=False)
    b0 = busy_ticks()
    t0 = time.perf_counter_ns()
    with open(log, "wb") as out:
        try:
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        except OSError as exc:
            return Run(0, 0, 0, 0, 0, 0, 0, 0, 127, 0, f"cannot start: {exc}")
    poller = TreePoller(p.pid)
    poller.start()
    timer = threading.Timer(timeout, lambda: _kill_group(p.pid))
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter_ns()
    timer.cancel()
    poller.stop.set()
    poller.join()
    b1 = busy_ticks()
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code  # reaped here, not by Popen
    note = f"killed after {timeout:.0f} s timeout" if code == -signal.SIGKILL else ""
    mib = 1024 * 1024
    max1 = ru.ru_maxrss * 1024 / mib
    tree_rss, tree_pss = poller.peak_rss / mib, poller.peak_pss / mib
    cpu = ru.ru_utime + ru.ru_stime
    other = max(0.0, (b1 - b0) / HZ - cpu)
    return Run((t1 - t0) / 1e9, ru.ru_utime, ru.ru_stime, max(tree_rss, max1), tree_rss,
               tree_pss, max1, poller.max_procs, code, other, note,
               poller.search_rss / mib, poller.search_pss / mib)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def count_files(folder: Path) -> tuple[int, int]:
    """(*.html files, all files) under `folder`."""
    html = total = 0
    for _root, _dirs, files in os.walk(folder):
        html += sum(1 for f in files if f.endswith(".html"))
        total += len(files)
    return html, total


# --- the tools -----------------------------------------------------------------------------

class Trash:
    """Old outputs are moved here and deleted at the end, outside every timing."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def move(self, *paths: Path) -> None:
        dest = None
        for path in paths:
            if path.exists() or path.is_symlink():
                if dest is None:
                    self.n += 1
                    dest = self.folder / f"{time.time_ns()}-{self.n}"
                    dest.mkdir()
                os.replace(path, dest / f"{len(list(dest.iterdir()))}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Tool:
    name: str
    work: Path
    anchors: Path
    site_dir: Path = field(init=False)
    n: int = 0

    def at(self, n: int) -> Tool:
        self.n = n
        self.site_dir = self.work / f"{self.name}-{n}"
        return self

    # to be overridden
    def available(self) -> str | None:  # None = ok, else why not
        return None

    def version(self) -> str:
        return "?"

    def out_dir(self) -> Path:
        raise NotImplementedError

    def cache_paths(self) -> list[Path]:
        return []

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict | None:
        return None

    def corpus_format(self) -> str:
        return self.name

    def corpus_root(self) -> Path:
        return self.site_dir

    def setup(self, trash: Trash, reuse: bool) -> None:
        exp = self.corpus_root() / ".corpus-expected.json"
        if reuse and exp.is_file() and json.loads(exp.read_text())["articles"] == self.n:
            return
        trash.move(self.site_dir)
        self.copy_skeleton()
        run = subprocess.run([sys.executable, str(SHARED_BENCH / "make_corpus.py"), str(self.n),
                              str(self.corpus_root()), self.corpus_format()],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"make_corpus failed: {run.stderr.strip()[-300:]}")

    def copy_skeleton(self) -> None:
        shutil.copytree(SHARED_BENCH / "sites" / self.name, self.site_dir, symlinks=True)
        subprocess.run(["chmod", "-R", "u+w", str(self.site_dir)], check=False)

    def clean(self, trash: Trash) -> None:
        trash.move(self.out_dir(), *self.cache_paths())

    def expected_html(self) -> int | None:
        try:
            return json.loads((self.corpus_root() / ".corpus-expected.json").read_text())[
                "total_html"]
        except (OSError, ValueError, KeyError):
            return None


class Hugo(Tool):
    def binary(self) -> str | None:
        found = sorted(glob.glob(str(self.anchors / "venv-hugo/lib/python3*/site-packages/hugo/"
                                                    "binaries/hugo")))
        return found[0] if found else None

    def available(self):
        return None if self.binary() else f"no Hugo binary under {self.anchors}/venv-hugo"

    def version(self):
        try:
            out = subprocess.run([self.binary(), "version"], capture_output=True, text=True,
                                 timeout=30).stdout
            return out.split()[1].lstrip("v").split("-")[0] if out else "?"
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"

    def out_dir(self):
        return self.site_dir / "public"

    def cache_paths(self):
        return [self.site_dir / "resources", self.site_dir / ".hugo_build.lock",
                self.work / "hugo_cache"]

    def env(self):
        return {**os.environ, "HUGO_CACHEDIR": str(self.work / "hugo_cache")}

    def command(self):
        return [self.binary()]


class Hexo(Tool):
    def js(self) -> Path:
        return self.anchors / "node/node_modules/hexo-cli/bin/hexo"

    def available(self):
        if not shutil.which("node"):
            return "node is not on PATH"
        return None if self.js().is_file() and (self.anchors / "node/node_modules/hexo").is_dir() \
            else f"no Hexo under {self.anchors}/node"

    def version(self):
        return _pkg_version(self.anchors / "node/node_modules/hexo/package.json")

    def copy_skeleton(self):
        super().copy_skeleton()
        (self.site_dir / "node_modules").symlink_to(self.anchors / "node/node_modules")

    def out_dir(self):
        return self.site_dir / "public"

    def cache_paths(self):
        return [self.site_dir / "db.json"]

    def command(self):
        return ["node", str(self.js()), "generate"]


class Pelican(Tool):
    def bin(self) -> Path:
        return self.anchors / "venv-pelican/bin/pelican"

    def available(self):
        return None if os.access(self.bin(), os.X_OK) else f"no {self.bin()}"

    def version(self):
        try:
            return subprocess.run([str(self.bin()), "--version"], capture_output=True,
                                  text=True, timeout=60).stdout.strip() or "?"
        except (OSError, subprocess.SubprocessError):
            return "?"

    def out_dir(self):
        return self.site_dir / "output"

    def cache_paths(self):
        return [self.site_dir / "cache", self.site_dir / "__pycache__"]

    def command(self):
        return [str(self.bin()), "content", "-s", "pelicanconf.py", "-o", "output"]


class Eleventy(Tool):
    def js(self) -> Path:
        return self.anchors / "node-eleventy/node_modules/@11ty/eleventy/cmd.cjs"

    def available(self):
        if not shutil.which("node"):
            return "node is not on PATH"
        return None if self.js().is_file() else f"no Eleventy under {self.anchors}/node-eleventy"

    def version(self):
        return _pkg_version(self.anchors / "node-eleventy/node_modules/@11ty/eleventy/"
                                           "package.json")

    def out_dir(self):
        return self.site_dir / "_site"

    def cache_paths(self):
        return [self.site_dir / ".cache"]

    def command(self):
        return ["node", str(self.js())]


def _pkg_version(path: Path) -> str:
    try:
        return json.loads(path.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


class GreenArchive(Tool):
    """Our builder: site.toml generated in the work folder, raw corpus in content/."""

    search: bool = False
    code_root: Path = REPO
    taxonomy: Path = REPO / "content" / "taxonomy"
    per_page: int = 10
    jobs: int | None = None

    def corpus_format(self):
        return "raw"

    def corpus_root(self):
        return self.site_dir / "content"

    def copy_skeleton(self):
        self.site_dir.mkdir(parents=True, exist_ok=True)

    def config_path(self) -> Path:
        return self.site_dir / ("site-search.toml" if self.search else "site.toml")

    def write_config(self) -> None:
        for search in (False, True):
            out = "public-search" if search else "public"
            text = (f'# generated by tests/bench/bench_peers.py\n'
                    f'title = "green-archive benchmark"\n'
                    f'base_url = "http://127.0.0.1:8000/"\n'
                    f'content_dir = "content"\n'
                    f'output_dir = "{out}"\n'
                    f'taxonomy_dir = "{self.taxonomy}"\n'
                    f'themes_dir = "{self.code_root / "themes"}"\n'
                    f'search = {"true" if search else "false"}\n'
                    f'per_page = {self.per_page}\n')
            (self.site_dir / ("site-search.toml" if search else "site.toml")).write_text(text)

    def setup(self, trash, reuse):
        super().setup(trash, reuse)
        self.write_config()

    def version(self):
        return code_version(self.code_root)

    def out_dir(self):
        return self.site_dir / ("public-search" if self.search else "public")

    def state_home(self) -> Path:
        """The build state (cache, manifest, fingerprint) goes to the user's cache folder:
        here one of the bench's own ($XDG_CACHE_HOME), so a cold run can delete it."""
        return self.site_dir / f".state-{self.out_dir().name}"

    def cache_paths(self):
        return [self.state_home()]

    def report_path(self) -> Path:
        return self.site_dir / "report.json"

    def command(self):
        cmd = [sys.executable, "-m", "builder", "build", "--config", str(self.config_path()),
               "-q", "--report", str(self.report_path())]
        if self.jobs:
            cmd += ["--jobs", str(self.jobs)]
        return cmd

    def env(self):
        return {**os.environ, "PYTHONPATH": str(self.code_root),
                "XDG_CACHE_HOME": str(self.state_home())}

    def articles(self) -> list[Path]:
        return sorted(self.corpus_root().glob("*.md"))

    def read_report(self) -> dict:
        try:
            return json.loads(self.report_path().read_text(encoding="utf-8")).get("build", {})
        except (OSError, ValueError):
            return {}


PEERS = {"hugo": Hugo, "hexo": Hexo, "pelican": Pelican, "eleventy": Eleventy}


def code_version(root: Path) -> str:
    """builder version + hash of builder/*.py and themes/ (what the cache keys on, and more)."""
    digest = hashlib.sha256()
    for path in sorted((root / "builder").rglob("*.py")) + sorted((root / "themes").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    try:
        ver = (root / "builder" / "__init__.py").read_text().split('__version__ = "')[1] \
            .split('"')[0]
    except (OSError, IndexError):
        ver = "?"
    return f"{ver}+{digest.hexdigest()[:10]}"


def taxonomy_hash(folder: Path = REPO / "content" / "taxonomy") -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# --- the run -------------------------------------------------------------------------------

class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work: Path = args.work.resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.trash = Trash(self.work / "trash")
        self.logs = self.work / "logs"
        self.logs.mkdir(exist_ok=True)
        self.out = HERE / "out"
        self.out.mkdir(exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.tsv = self.out / f"peers-{stamp}.tsv"
        self.md = self.out / f"peers-{stamp}.md"
        self.rows: list[dict] = []
        self.notes: list[str] = []
        with open(self.tsv, "w", encoding="utf-8") as f:
            f.write("\t".join(COLUMNS) + "\n")
        self.code_root = REPO
        if args.snapshot:
            self.code_root = self.snapshot()
        self.ours = GreenArchive("green-archive", self.work, args.anchors)
        self.ours.code_root = self.code_root
        self.taxonomy = self.code_root / "taxonomy" if args.snapshot else \
            REPO / "content" / "taxonomy"
        self.ours.taxonomy = self.taxonomy
        self.ours.jobs = args.jobs
        self.ours.per_page = args.per_page
        self.peers: list[Tool] = []
        if not args.skip_peers:
            for name in args.tools:
                tool = PEERS[name](name, self.work, args.anchors)
                why = tool.available()
                if why:
                    self.note(f"{name}: skipped, not installed ({why}); run "
                              f"`bash {SHARED_BENCH}/install_anchors.sh`")
                else:
                    self.peers.append(tool)
        self.versions: dict[str, str] = {}

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"NOTE: {text}", file=sys.stderr, flush=True)

    def snapshot(self) -> Path:
        """Copy builder/, themes/ and content/taxonomy/ so that edits made in /work/main during
        the run (the cache keys on the code's and the taxonomy's hash) do not change what is
        measured halfway through. --live measures the repository itself."""
        ver = f"{code_version(REPO)}-t{taxonomy_hash(REPO / 'content' / 'taxonomy')}"
        dest = self.work / f"code-{ver}"
        if not dest.is_dir():
            tmp = self.work / f".code-tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO / "builder", tmp / "builder", ignore=ignore)
            shutil.copytree(REPO / "themes", tmp / "themes", ignore=ignore)
            shutil.copytree(REPO / "content" / "taxonomy", tmp / "taxonomy", ignore=ignore)
            os.replace(tmp, dest)
        if f"{code_version(dest)}-t{taxonomy_hash(dest / 'taxonomy')}" != ver:
            self.note("builder code or taxonomy changed while it was being copied; copy again")
            shutil.rmtree(dest, ignore_errors=True)
            return self.snapshot()
        return dest

    def version(self, tool: Tool) -> str:
        if tool.name not in self.versions:
            self.versions[tool.name] = tool.version()
        return self.versions[tool.name]

    def record(self, tool_name: str, version: str, n: int | str, phase: str, rep: int | str,
               run: Run, html: int | str = "-", peer_html: int | str = "-",
               note: str = "", files: int | str = "-", search_s: float | None = None) -> dict:
        row = {"tool": tool_name, "version": version, "N": n, "phase": phase, "rep": rep,
               "wall_s": f"{run.wall:.3f}", "user_s": f"{run.user:.2f}",
               "sys_s": f"{run.sys:.2f}", "cpu_s": f"{run.cpu:.2f}",
               "peak_rss_MiB": f"{run.peak_rss:.0f}", "tree_rss_MiB": f"{run.tree_rss:.0f}",
               "tree_pss_MiB": f"{run.tree_pss:.0f}", "max1_rss_MiB": f"{run.max1_rss:.0f}",
               "procs": run.procs, "html_files": html, "all_files": files,
               "peer_html": peer_html,
               "exit": run.exit, "when": dt.datetime.now(dt.UTC).strftime("%FT%TZ"),
               "other_cpu_s": f"{run.other_cpu:.1f}",
               "note": "; ".join(x for x in (run.note, note) if x),
               "search_s": f"{search_s:.2f}" if search_s is not None else "-",
               "search_rss_MiB": f"{run.search_rss:.0f}" if run.search_rss else "-",
               "search_pss_MiB": f"{run.search_pss:.0f}" if run.search_pss else "-"}
        self.rows.append(row)
        with open(self.tsv, "a", encoding="utf-8") as f:
            f.write("\t".join(str(row[c]) for c in COLUMNS) + "\n")
        print(f"  {tool_name:14s} N={n!s:>6} {phase:16s} rep {rep!s:>2}  wall {run.wall:8.2f} s  "
              f"cpu {run.cpu:8.2f} s  peak {run.peak_rss:6.0f} MiB  html {html!s:>6}"
              f"  other {run.other_cpu:4.1f}{'  exit ' + str(run.exit) if run.exit else ''}"
              f"{'  ' + row['note'] if row['note'] else ''}", flush=True)
        return row

    def ref(self, label: str) -> None:
        cmd = [sys.executable, "-c", "s = 0\nfor i in range(20_000_000): s += i"]
        run = measure(cmd, self.work, self.logs / "ref.log")
        self.record("ref-loop", f"python{sys.version.split()[0]}", "-", f"ref-{label}", "-", run)

    # one measured build of `tool`
    def build(self, tool: Tool, phase: str, rep: int | str, expect_reused: int | None = None):
        log = self.logs / f"{tool.name}{'-search' if getattr(tool, 'search', False) else ''}-" \
                          f"{tool.n}-{phase}-{rep}.log"
        before = code_version(REPO) if isinstance(tool, GreenArchive) and \
            self.code_root == REPO else None
        tax_before = taxonomy_hash(self.taxonomy) if isinstance(tool, GreenArchive) else None
        run = measure(tool.command(), tool.site_dir, log, tool.env(), self.args.timeout)
        notes = []
        search_s = None
        html, files = count_files(tool.out_dir()) if tool.out_dir().is_dir() else (0, 0)
        if run.exit != 0:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            notes.append(f"FAILED (exit {run.exit}), log {log}: " + " | ".join(tail)[-300:])
        if isinstance(tool, GreenArchive):
            rep_json = tool.read_report()
            if rep_json and getattr(tool, "search", False):
                search_s = (rep_json.get("timings") or {}).get("search")
            if rep_json:
                notes.append(f"written {rep_json.get('written')}, reused "
                             f"{rep_json.get('reused')}/{rep_json.get('articles')}")
                if expect_reused is not None and rep_json.get("reused") != expect_reused:
                    notes.append(f"CACHE: expected {expect_reused} reused")
            if before is not None and code_version(REPO) != before:
                notes.append("builder code changed during this build")
            if taxonomy_hash(self.taxonomy) != tax_before:
                notes.append("taxonomy changed during this build")
        elif run.exit == 0 and tool.expected_html() not in (None, html):
            notes.append(f"expected {tool.expected_html()} html files")
        name = tool.name + ("+search" if getattr(tool, "search", False) else "")
        return self.record(name, self.version(tool), tool.n, phase, rep, run, html,
                           tool.expected_html(), "; ".join(notes), files, search_s)

    def warmup(self, tool: Tool) -> None:
        tool.clean(self.trash)
        log = self.logs / f"{tool.name}-{tool.n}-warmup.log"
        subprocess.run(["sync"], check=False)
        try:
            subprocess.run(tool.command(), cwd=tool.site_dir, env=tool.env(), stdout=log.open("wb"),
                           stderr=subprocess.STDOUT, timeout=self.args.timeout, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            self.note(f"{tool.name} N={tool.n} warm-up failed: {exc}")

    def run_ours(self, n: int, rep: int) -> None:
        ga = self.ours
        ga.search = False
        ga.clean(self.trash)
        cold = self.build(ga, "cold", rep)
        if cold["exit"] != 0:
            return
        arts = ga.articles()
        total = len(arts)
        self.build(ga, "nochange", rep, expect_reused=total)
        self.edits(ga, arts, rep, "edit")
        if self.args.search_row:
            ga.search = True
            ga.clean(self.trash)
            self.build(ga, "cold+search", rep)
            self.build(ga, "nochange+search", rep, expect_reused=total)
            self.edits(ga, arts, rep, "edit+search")
            ga.search = False

    def edits(self, ga: GreenArchive, arts: list[Path], rep: int, phase: str) -> None:
        """One-article edits: a sentence appended to a different article each time."""
        total = len(arts)
        originals = {}
        try:
            for e in range(self.args.edits):
                k = rep * self.args.edits + e
                step = max(1, total // (self.args.edits * self.args.repeat + 1))
                path = arts[(step * (k + 1)) % total]
                originals.setdefault(path, path.read_bytes())
                with open(path, "ab") as f:
                    f.write(EDIT_SENTENCE.format(k=k + 1).encode("utf-8"))
                self.build(ga, phase, rep, expect_reused=total - 1)
        finally:
            for path, data in originals.items():
                path.write_bytes(data)

    def run_peer(self, tool: Tool, rep: int) -> None:
        tool.clean(self.trash)
        cold = self.build(tool, "cold", rep)
        if cold["exit"] == 0:
            self.build(tool, "nochange", rep)

    def main(self) -> int:
        a = self.args
        print(f"work folder {self.work}; results {self.tsv}", file=sys.stderr)
        print(f"green-archive code {code_version(self.code_root)} from {self.code_root}; "
              f"taxonomy {self.taxonomy} ({taxonomy_hash(self.taxonomy)}); "
              f"peers: {', '.join(t.name for t in self.peers) or 'none'}", file=sys.stderr)
        self.ref("start")
        for i, n in enumerate(a.ns):
            tools: list[Tool] = [self.ours.at(n)] + [t.at(n) for t in self.peers]
            print(f"== N={n}: setting up corpora", file=sys.stderr, flush=True)
            ready = []
            for tool in tools:
                try:
                    tool.setup(self.trash, a.reuse)
                    ready.append(tool)
                except Exception as exc:  # noqa: BLE001 - report, go on with the others
                    self.note(f"{tool.name} N={n}: setup failed: {exc}")
            if a.warmup:
                print(f"== N={n}: warm-up builds (not measured)", file=sys.stderr, flush=True)
                for tool in ready:
                    self.warmup(tool)
                    if tool is self.ours and a.search_row and a.search_warmup:
                        self.ours.search = True
                        self.warmup(tool)
                        self.ours.search = False
            for rep in range(a.repeat):
                order = ready if rep % 2 == 0 else ready[::-1]
                print(f"== N={n}: round {rep + 1}/{a.repeat}: "
                      f"{' '.join(t.name for t in order)}", file=sys.stderr, flush=True)
                for tool in order:
                    try:
                        if tool is self.ours:
                            self.run_ours(n, rep)
                        else:
                            self.run_peer(tool, rep)
                    except Exception as exc:  # noqa: BLE001
                        self.note(f"{tool.name} N={n} round {rep + 1}: {type(exc).__name__}: "
                                  f"{exc}")
            if i < len(a.ns) - 1:
                self.ref(f"after-{n}")
        self.ref("end")
        print("removing moved-aside outputs …", file=sys.stderr, flush=True)
        self.trash.empty()
        report = self.summarise()
        print(report)
        self.md.write_text(report, encoding="utf-8")
        shutil.copyfile(self.tsv, self.out / "peers-latest.tsv")
        shutil.copyfile(self.md, self.out / "peers-latest.md")
        print(f"\nresults: {self.tsv}\n         {self.md}", file=sys.stderr)
        return 0

    # --- summary ---------------------------------------------------------------------------

    def summarise(self) -> str:
        head = (f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
                f"green-archive {code_version(self.code_root)} ({self.code_root}), "
                f"git {_git_head()}; taxonomy {self.taxonomy} "
                f"({taxonomy_hash(self.taxonomy)}); --repeat {self.args.repeat}, --jobs "
                f"{self.args.jobs or 'default'}.")
        return summarise(self.rows, head, self.notes)


def summarise(all_rows: list[dict], head: str, notes: list[str]) -> str:
    """The markdown tables: medians per (N, tool, phase), then green-archive ÷ peer ratios."""
    for r in all_rows:
        r["exit"] = int(r["exit"])
    rows = [r for r in all_rows if r["exit"] == 0]
    refs = [r for r in all_rows if r["tool"] == "ref-loop"]
    lines = [f"# green-archive vs peers — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", ""]
    lines.append(head)
    lines.append("Speed reference (pure-Python loop, s): " +
                 ", ".join(f"{r['phase'][4:]} {float(r['wall_s']):.2f}" for r in refs))
    lines.append("")
    lines.append("| tool | version | N | phase | runs | wall s median [min–max] | CPU s | "
                 "peak RSS MiB (tree) | PSS MiB | html files | all files | peer set html | "
                 "html pages/s | other CPU s |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["tool"] == "ref-loop":
            continue
        groups.setdefault((r["N"], r["tool"], r["phase"]), []).append(r)
    order = {"cold": 0, "nochange": 1, "edit": 2, "cold+search": 3, "nochange+search": 4,
             "edit+search": 5}
    stats: dict[tuple, dict] = {}
    for key in sorted(groups, key=lambda k: (int(k[0]), k[1] != "green-archive"
                                             and k[1] != "green-archive+search",
                                             k[1], order.get(k[2], 9))):
        g = groups[key]
        walls = [float(r["wall_s"]) for r in g]
        s = {"wall": statistics.median(walls), "cpu": statistics.median(
             float(r["cpu_s"]) for r in g), "rss": statistics.median(
             float(r["peak_rss_MiB"]) for r in g), "pss": statistics.median(
             float(r["tree_pss_MiB"]) for r in g), "html": g[-1]["html_files"],
             "files": g[-1]["all_files"], "other": statistics.median(
             float(r["other_cpu_s"]) for r in g),
             "peer": g[-1]["peer_html"]}
        stats[key] = s
        rate = (f"{int(s['html']) / s['wall']:.0f}" if key[2].startswith("cold")
                and str(s["html"]).isdigit() and s["wall"] > 0 else "")
        lines.append(f"| {key[1]} | {g[0]['version']} | {key[0]} | {key[2]} | {len(g)} | "
                     f"**{s['wall']:.2f}** [{min(walls):.2f}–{max(walls):.2f}] | "
                     f"{s['cpu']:.2f} | {s['rss']:.0f} | {s['pss']:.0f} | {s['html']} | {s['files']} | "
                     f"{s['peer']} | {rate} | {s['other']:.1f} |")
    failed = [r for r in all_rows if r["exit"] != 0]
    lines.append("")
    lines.append("## Ratios green-archive / peer (same run; > 1 = green-archive slower / "
                 "bigger)")
    lines.append("")
    lines.append("Medians of the cold builds (no-change: medians of the no-change rebuilds). "
                 "`per page` divides each wall time by that tool's own HTML page count "
                 "(the page sets differ).")
    lines.append("")
    lines.append("| N | peer | cold wall | cold CPU | peak RSS | peak PSS | no-change wall | "
                 "cold wall per page | cold wall, ours with search |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    ns = sorted({k[0] for k in stats}, key=int)
    for n in ns:
        ours = stats.get((n, "green-archive", "cold"))
        ours_nc = stats.get((n, "green-archive", "nochange"))
        ours_s = stats.get((n, "green-archive+search", "cold+search"))
        if not ours:
            continue
        for peer in [t for t in PEERS if (n, t, "cold") in stats]:
            p = stats[(n, peer, "cold")]
            pnc = stats.get((n, peer, "nochange"))

            def ratio(x, y):
                return f"{x / y:.1f}×" if y else "–"
            per_page = "–"
            if str(ours["html"]).isdigit() and str(p["html"]).isdigit() and int(p["html"]):
                per_page = ratio(ours["wall"] / int(ours["html"]), p["wall"] / int(p["html"]))
            lines.append(f"| {n} | {peer} | {ratio(ours['wall'], p['wall'])} | "
                         f"{ratio(ours['cpu'], p['cpu'])} | {ratio(ours['rss'], p['rss'])} | "
                         f"{ratio(ours['pss'], p['pss'])} | "
                         f"{ratio(ours_nc['wall'], pnc['wall']) if ours_nc and pnc else '–'}"
                         f" | {per_page} | "
                         f"{ratio(ours_s['wall'], p['wall']) if ours_s else '–'} |")
    hugo_lines = _issue_ratios(stats)
    if hugo_lines:
        lines += [""] + hugo_lines
    searched = [r for r in rows if r["tool"] == "green-archive+search"
                and r.get("search_s", "-") not in ("-", "", None)]
    if searched:
        lines.append("")
        lines.append("Search step (green-archive with search): time from the build's own timings; "
                     "peak = the process tree's sum while a Pagefind process ran (the builder "
                     "holding the site + the indexer).")
        lines.append("")
        lines.append("| N | phase | runs | search step s (median) | peak RSS MiB | peak PSS MiB |")
        lines.append("|---|---|---|---|---|---|")
        by: dict[tuple, list[dict]] = {}
        for r in searched:
            by.setdefault((r["N"], r["phase"]), []).append(r)
        for (n, phase), g in sorted(by.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])):
            peaks = [float(r["search_rss_MiB"]) for r in g if r["search_rss_MiB"] not in ("-", "")]
            psss = [float(r["search_pss_MiB"]) for r in g if r["search_pss_MiB"] not in ("-", "")]
            lines.append(f"| {n} | {phase} | {len(g)} | "
                         f"{statistics.median(float(r['search_s']) for r in g):.2f} | "
                         f"{max(peaks):.0f} | {max(psss):.0f} |" if peaks else
                         f"| {n} | {phase} | {len(g)} | "
                         f"{statistics.median(float(r['search_s']) for r in g):.2f} | – | – |")
    edits = {k: v for k, v in stats.items() if k[2] == "edit"}
    if edits:
        lines.append("")
        for (n, _, _), s in sorted(edits.items(), key=lambda kv: int(kv[0][0])):
            cold = stats.get((n, "green-archive", "cold"))
            lines.append(f"- N={n}: one-article edit rebuild {s['wall']:.2f} s median "
                         f"(cold {cold['wall']:.2f} s, no-change "
                         f"{stats.get((n, 'green-archive', 'nochange'), {}).get('wall', 0):.2f}"
                         f" s)." if cold else "")
    if failed or notes:
        lines.append("")
        lines.append("## Notes and failures")
        lines.append("")
        for r in failed:
            lines.append(f"- {r['tool']} N={r['N']} {r['phase']} rep {r['rep']}: exit "
                         f"{r['exit']} {r['note']}")
        for text in notes:
            lines.append(f"- {text}")
    flagged = [r for r in all_rows if r["exit"] == 0 and ("CACHE" in r["note"] or
                                                           "changed" in r["note"]
                                                           or "expected" in r["note"])]
    for r in flagged:
        lines.append(f"- check: {r['tool']} N={r['N']} {r['phase']} rep {r['rep']}: "
                     f"{r['note']}")
    lines.append("")
    lines.append("Peak RSS = max(sum of RSS over the process tree polled every 50 ms, "
                 "ru_maxrss of the largest process). PSS = the same poll with shared pages "
                 "divided among the processes sharing them (fairer for forked workers). "
                 "CPU = user+sys of the whole tree (os.wait4). `other` CPU (TSV) = what "
                 "other processes used meanwhile: large values mean a disturbed run.")
    return "\n".join(lines) + "\n"


def _issue_ratios(stats: dict) -> list[str]:
    """The four figures of issue #18, search on, each divided by Hugo's cold build (wall time;
    memory: peak PSS and peak RSS against Hugo's cold peak)."""
    ns = sorted({k[0] for k in stats if (k[0], "hugo", "cold") in stats}, key=int)
    if not ns:
        return []
    out = ["## Search on, ratios to Hugo's cold build (issue #18: cold ≤ 1.5×, no-change ≤ 0.2×, "
           "edit ≤ 0.1×, memory ≤ 1.0×)", "",
           "| N | Hugo cold s | cold+search | no-change+search | one-article edit+search | "
           "peak PSS | peak RSS (tree) |", "|---|---|---|---|---|---|---|"]
    for n in ns:
        hugo = stats[(n, "hugo", "cold")]
        ours = {phase: stats.get((n, "green-archive+search", phase))
                for phase in ("cold+search", "nochange+search", "edit+search")}

        def r(s, key="wall", peer="wall", hugo=hugo):
            return f"{s[key]:.2f} ({s[key] / hugo[peer]:.2f}×)" if s and hugo[peer] else "–"
        cold = ours["cold+search"]
        out.append(f"| {n} | {hugo['wall']:.2f} | {r(cold)} | {r(ours['nochange+search'])} | "
                   f"{r(ours['edit+search'])} | "
                   f"{r(cold, 'pss', 'pss') if cold else '–'} MiB | "
                   f"{r(cold, 'rss', 'rss') if cold else '–'} MiB |")
    return out


def _git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "builder",
                                "themes", "content/taxonomy"],
                               capture_output=True, text=True).stdout.strip()
        return head + ("+uncommitted changes" if dirty else "")
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ns", type=int, nargs="*", default=[], metavar="N",
                    help="corpus sizes (default: 1000)")
    ap.add_argument("--repeat", type=int, default=1, metavar="K",
                    help="measured rounds per N (each: cold, no-change, edits; default 1)")
    ap.add_argument("--skip-peers", action="store_true", help="time green-archive only")
    ap.add_argument("--tools", default="hugo,hexo,pelican,eleventy",
                    help="peers, comma-separated (default: all four)")
    ap.add_argument("--edits", type=int, default=3, help="one-article edits per round (3)")
    ap.add_argument("--no-search-row", dest="search_row", action="store_false",
                    help="skip the extra green-archive row with the Pagefind search index")
    ap.add_argument("--no-warmup", dest="warmup", action="store_false",
                    help="skip the unmeasured warm-up build of each tool")
    ap.add_argument("--search-warmup", action="store_true",
                    help="also a warm-up build with search before the search row (off: the "
                         "plain warm-up already warmed the corpus and the interpreter)")
    ap.add_argument("--per-page", type=int, default=10,
                    help="green-archive's per_page (default 10, as the peers' sites)")
    ap.add_argument("--jobs", type=int, help="--jobs for green-archive (default: all cores)")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get(
        "BENCH_WORK", "/tmp/green-archive-bench")), help="scratch folder (corpora, logs)")
    ap.add_argument("--anchors", type=Path, default=Path(os.environ.get(
        "ANCHORS", "/tmp/anchors")), help="where install_anchors.sh put the peers")
    ap.add_argument("--reuse", action="store_true",
                    help="keep a corpus already in the work folder for the same N")
    ap.add_argument("--live", dest="snapshot", action="store_false",
                    help="run the builder straight from the repository instead of a copy "
                         "taken at the start (the copy keeps concurrent edits out of the run)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per build (3600)")
    ap.add_argument("--summarise", type=Path, nargs="+", metavar="TSV",
                    help="print the tables again from results TSVs (nothing is built)")
    args = ap.parse_args(argv)
    if args.summarise:
        rows = []
        for path in args.summarise:
            with open(path, encoding="utf-8") as f:
                header = f.readline().rstrip("\n").split("\t")
                rows += [dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
                         for line in f]
        print(summarise(rows, "Re-summarised from " + ", ".join(map(str, args.summarise)) +
                        ". Ratios compare tools within the same N (one interleaved run each).",
                        []))
        return 0
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in args.tools if t not in PEERS]
    if unknown:
        ap.error(f"unknown peer(s) {unknown}; known: {', '.join(PEERS)}")
    args.ns = args.ns or [1000]
    if args.repeat < 1:
        ap.error("need N and --repeat >= 1")
    if not (SHARED_BENCH / "make_corpus.py").is_file():
        ap.error(f"{SHARED_BENCH}/make_corpus.py is missing")
    return Bench(args).main()


if __name__ == "__main__":
    sys.exit(main())
