"""Nothing lost, nothing leaked: hostile characters, symbolic links, the output folder, the lock,
where the state lives, and failures as one clear line."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, assert_well_formed, make_site, source

from builder import config, state, taxonomy
from builder.build import run
from builder.process import process
from builder.state import MARKER, OutputLock, state_dir
from builder.textutil import scrub, scrub_utf8
from builder.write import Writer

ARTICLE = "---\ntitle: {title}\ndate: 2023-0{m}-0{d}\n---\n宁德时代发布新电池，储能业务继续增长。{body}\n"


# -- control characters -----------------------------------------------------------------------
def test_scrub_removes_what_html_and_xml_forbid_and_keeps_the_rest():
    assert scrub("a\x00b\x01c\x1fd\x7fe\x85f\x9fg\ud800h\ufffei\uffffj\ufdd0k\U0001fffel") == \
        "abcdefghijkl"
    assert scrub("tab\tnew\nline\r\nend\r") == "tab\tnew\nline\nend\n"
    assert scrub("联想 Lenovo — “quotes” é ß 🌱") == "联想 Lenovo — “quotes” é ß 🌱"
    assert scrub_utf8("a\x00b\x0bc\u0085d\ufffee\ufdd0f—é联".encode()) == "abcdef—é联".encode()


def test_control_characters_never_reach_any_page_feed_sitemap_or_json(tmp_path):
    files = {
        # YAML escapes: NUL, C0, C1 (NEL), a noncharacter
        "yaml.md": '---\ntitle: "宁德时代\\0储能\\x01新闻\\u0085\\uFFFE"\ndate: 2023-01-02\n'
                   'tags: ["a\\x02b"]\nauthor: "Zhang\\x1bSan"\n---\n宁德时代发布新电池。\n',
        # raw control bytes in the front matter and the body
        "raw.md": "---\ntitle: 比亚迪\x07电池\x0b新闻\ndate: 2023-01-03\n---\n"
                  "比亚迪\x00发布\x08新车\x1f。<p>段落\x7f二\u0085</p>\n",
        # JSON front matter: a lone surrogate and NUL as escapes
        "json.md": '{"title": "Solar \\ud800 news \\u0000 today", "date": "2023-01-04", '
                   '"description": "ex\\u0001cerpt"}\nSolar power grows. Solar. Solar.\n',
        "html.html": "<html><head><title>t</title></head><body><h1>风电\x0c新闻</h1>"
                     "<p>发布时间：2023-01-05 10:00</p><p>风电\x1a装机\uffff增长。</p></body></html>",
    }
    site = make_site(tmp_path, files, 'description = "site \\u0000 desc"\n')
    cfg = config.load(site)
    result = run(cfg)
    assert result.ok and result.articles == 4, result.problems
    assert {p.path for p in result.problems if p.code == "control-characters"} >= \
        {"yaml.md", "raw.md", "json.md", "html.html"}
    out = tmp_path / "public"
    assert assert_well_formed(out) > 20
    api = json.loads((out / "api/articles.json").read_text("utf-8"))
    titles = sorted(a["title"] for a in api["articles"])
    assert "宁德时代储能新闻" in titles and "比亚迪电池新闻" in titles
    assert any(t.startswith("Solar") and "news" in t for t in titles)


# -- symbolic links ---------------------------------------------------------------------------
def test_symlinks_are_read_only_inside_the_content_folder_and_every_skip_is_reported(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: secret\ndate: 2023-01-01\n---\nTOP-SECRET\n")
    site = make_site(tmp_path, {"sub/real.md": ARTICLE.format(title="真实", m=1, d=1, body="")})
    content = tmp_path / "content"
    (content / "passwd.md").symlink_to("/etc/passwd")
    (content / "secret.md").symlink_to(outside / "secret.md")
    (content / "loop.md").symlink_to(content / "loop.md")
    (content / "dangling.md").symlink_to(content / "nowhere.md")
    (content / "folder").symlink_to(outside)
    (content / "alias.md").symlink_to(content / "sub/real.md")  # inside: read
    result = run(config.load(site))
    assert result.ok
    skipped = {p.path: p for p in result.problems if p.code == "symlink-skipped"}
    assert set(skipped) == {"passwd.md", "secret.md", "loop.md", "dangling.md", "folder"}
    assert "outside the content folder" in skipped["passwd.md"].message
    assert "loop" in skipped["loop.md"].message and "dangling" in skipped["dangling.md"].message
    assert skipped["passwd.md"].severity == "error" and skipped["folder"].severity == "warning"
    out = tmp_path / "public"
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"root:x:0" not in data and b"TOP-SECRET" not in data, path
    api = json.loads((out / "api/articles.json").read_text("utf-8"))
    assert sorted(a["source_path"] for a in api["articles"]) == ["alias.md", "sub/real.md"]


def test_a_cached_file_replaced_by_a_link_out_is_not_read(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    cfg = config.load(site)
    assert run(cfg).articles == 1
    (tmp_path / "content/a.md").unlink()
    (tmp_path / "content/a.md").symlink_to("/etc/passwd")
    result = run(cfg)
    assert result.articles == 0
    assert [p.code for p in result.problems if p.path == "a.md"] == ["symlink-skipped"]
    assert b"root:x:0" not in (tmp_path / "public/api/articles.json").read_bytes()


# -- the output folder ------------------------------------------------------------------------
def _with_output(site: Path, output: Path | str, **more) -> config.Config:
    return config.load(site, output_dir=str(output), **more)


def test_a_folder_of_foreign_files_is_refused_untouched_and_taken_over_with_force(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    www = tmp_path / "www"
    (www / "pagefind").mkdir(parents=True)
    (www / "sitemap.xml").mkdir()
    for name in ("index.html", "robots.txt", "pagefind/x.js", "sitemap.xml/keep"):
        (www / name).write_text(f"theirs {name}")
    before = {p: p.read_bytes() for p in www.rglob("*") if p.is_file()}
    cfg = _with_output(site, www)
    result = run(cfg)
    assert not result.ok
    assert [p.code for p in result.problems] == ["output-foreign"]
    assert "--force" in result.problems[0].hint
    assert {p: p.read_bytes() for p in www.rglob("*") if p.is_file()} == before
    assert not (www / MARKER).exists()

    forced = run(cfg, force=True)
    assert forced.ok and (www / MARKER).is_file()
    assert b"theirs" not in (www / "index.html").read_bytes()
    assert (www / "pagefind/x.js").read_text() == "theirs pagefind/x.js"  # not ours: kept
    assert run(cfg).ok  # now it is ours


def test_an_empty_or_new_folder_is_taken_and_marked(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new/deeper"):
        assert run(_with_output(site, out)).ok
        assert (out / MARKER).is_file() and (out / "index.html").is_file()


@pytest.mark.parametrize("where", ["/", "home", "root", "content", "parent", "taxonomy",
                                   "theme"])
def test_dangerous_output_folders_are_refused(tmp_path, where, monkeypatch):
    project = tmp_path / "project"
    site = make_site(project, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    output = {"/": Path("/"), "home": tmp_path / "home", "root": project,
              "content": project / "content", "parent": tmp_path,
              "taxonomy": ROOT / "content/taxonomy", "theme": ROOT / "themes/default/x"}[where]
    before = sorted(str(p) for p in project.rglob("*"))
    result = run(_with_output(site, output))
    assert not result.ok
    assert result.problems[0].code == "output-refused"
    assert sorted(str(p) for p in project.rglob("*")) == before
    assert not (output / MARKER).exists()


def test_an_output_inside_the_content_folder_is_never_read_as_content(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body=""),
                                "b.md": ARTICLE.format(title="二", m=1, d=2, body="")},
                     'content_dir = "content"\noutput_dir = "content/public"\n'
                     'cache_dir = "content/state"\n')
    cfg = config.load(site)
    counts = []
    for _ in range(3):
        result = run(cfg)
        assert result.ok, result.problems
        counts.append((result.articles, result.skipped))
        (tmp_path / "content/b.md").touch()  # not a no-change build: everything is scanned
    assert counts == [(2, 0)] * 3  # never 2 → 4 → 6: its own pages are not read back
    assert (tmp_path / "content/public/index.html").is_file()


def test_an_output_of_an_earlier_version_is_recognised(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("old build")
    legacy = tmp_path / ".public.green-archive"
    legacy.mkdir()
    (legacy / "manifest.json").write_text('{"files": {"index.html": "x"}}')
    assert run(config.load(site)).ok and (out / MARKER).is_file()


# -- where the state lives --------------------------------------------------------------------
def test_state_lives_in_the_cache_folder_keyed_by_output_never_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    site = make_site(tmp_path / "p", {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    www = tmp_path / "srv/www"
    www.parent.mkdir()
    cfg = _with_output(site, www)
    assert run(cfg).ok
    assert sorted(p.name for p in www.parent.iterdir()) == ["www"]  # nothing beside the output
    folder = state_dir(cfg)
    assert folder.parent == tmp_path / "xdg/green-archive" and folder.name.startswith("www-")
    assert {"cache.sqlite", "manifest.json", "fingerprint.json"} <= \
        {p.name for p in folder.iterdir()}
    other = state_dir(_with_output(site, tmp_path / "other/www"))
    assert other != folder and other.parent == folder.parent  # one folder per output path
    assert not list(www.rglob("*.sqlite")) and not list(www.rglob("manifest.json"))


def test_cache_dir_setting_and_the_fallback_beside_site_toml(tmp_path, monkeypatch):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")},
                     'cache_dir = ".build-state"\n')
    cfg = config.load(site)
    assert run(cfg).ok
    assert state_dir(cfg).parent == tmp_path / ".build-state"
    assert (state_dir(cfg) / "manifest.json").is_file()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, so no cache folder can be made in it")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    site2 = make_site(tmp_path / "two", {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    cfg2 = config.load(site2)
    assert state_dir(cfg2).parent == tmp_path / "two/.green-archive"
    assert run(cfg2).ok


def test_the_repository_tracks_no_build_state():
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert not [f for f in tracked.stdout.splitlines() if "green-archive/" in f
                or f.endswith((".sqlite", ".pickle"))]
    names = [".public.green-archive/x", ".green-archive/x", "public/x"]
    ignored = subprocess.run(["git", "check-ignore", *names], capture_output=True, text=True,
                             cwd=ROOT)
    assert ignored.stdout.split() == names


# -- one build at a time ----------------------------------------------------------------------
HOLD = textwrap.dedent("""
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.pwrite(fd, f"{os.getpid()}\\n".encode(), 0)
    print("held", flush=True)
    time.sleep(60)
""")


def test_a_second_build_waits_then_fails_naming_the_holder(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    cfg = config.load(site)
    folder = state_dir(cfg)
    folder.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder / "lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        told = []
        result = run(cfg, wait=0.5, waiting=told.append)
        assert not result.ok and result.problems[0].code == "output-locked"
        assert f"pid {holder.pid}" in result.problems[0].message
        assert told == [holder.pid]
        assert not (tmp_path / "public").exists()
    finally:
        holder.kill()
        holder.wait()
    assert run(cfg, wait=5).ok  # the holder died: its lock is free


def test_a_stale_lock_of_a_dead_build_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "lock").write_text(f"{dead.pid}\n")
    lock = OutputLock(tmp_path)
    lock.acquire(wait=0)
    try:
        assert lock.stale_pid == dead.pid
        assert (tmp_path / "lock").read_text().strip() == str(os.getpid())
    finally:
        lock.release()


# -- failures: one line, exit 1, no traceback -------------------------------------------------
def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", "build", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_cli_failures_are_one_clear_line_without_traceback(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cases = {
        # an unwritable parent: the output's parent is a file
        "unwritable": (["--config", str(site), "--output", str(blocker / "out")], "io-failed"),
        # a state folder that cannot be made
        "state": (["--config", str(site), "--output", str(tmp_path / "o2")], "io-failed"),
        "foreign": (["--config", str(site), "--output", str(tmp_path), "-q"], "output-refused"),
    }
    (tmp_path / "cache-file").write_text("x")
    for name, (args, code) in cases.items():
        extra = []
        if name == "state":
            site.write_text(site.read_text() + 'cache_dir = "cache-file"\n')
        done = _cli(*args, *extra)
        if name == "state":
            site.write_text(site.read_text().replace('cache_dir = "cache-file"\n', ""))
        assert done.returncode == 1, (name, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout, (name, done.stderr)
        errors = [line for line in done.stderr.splitlines() if f" error {code}:" in line]
        assert len(errors) == 1, (name, done.stderr)


def test_quiet_still_says_why_the_build_failed(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("theirs")
    done = _cli("--config", str(site), "--output", str(www), "-q")
    assert done.returncode == 1
    assert "error output-foreign:" in done.stderr and "--force" in done.stderr


def test_write_failures_name_the_file_and_do_not_claim_the_output_unchanged(tmp_path,
                                                                            monkeypatch):
    site = make_site(tmp_path, {f"a{i}.md": ARTICLE.format(title=f"第{i}篇", m=1, d=i + 1,
                                                             body="") for i in range(3)})
    cfg = config.load(site)
    assert run(cfg).ok
    for i in range(3):
        (tmp_path / f"content/a{i}.md").write_text(ARTICLE.format(title=f"改{i}", m=2, d=i + 1,
                                                                  body="改"))
    real_replace, calls = os.replace, []

    def full_disk(src, dst, *a, **k):
        if not str(dst).endswith(".pickle"):  # the commit's, not the state's memos
            calls.append(dst)
        if len(calls) == 4:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr("builder.write.os.replace", full_disk)
    result = run(cfg)
    monkeypatch.undo()
    assert not result.ok
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.code == "io-failed" and "No space left" in problem.message
    assert "after 2 of" in problem.message and "next build" in problem.message
    assert "left unchanged" not in problem.message and problem.path != "theme"
    assert "disk space" in problem.hint


# -- the preview server's sockets -------------------------------------------------------------
@pytest.fixture
def preview(tmp_path, monkeypatch):
    import threading

    from builder import serve

    monkeypatch.setattr(serve, "IDLE_TIMEOUT", 1)
    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    server = serve.PreviewServer(("127.0.0.1", 0),
                                 serve.make_handler(tmp_path, "/", serve.State()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _exchange(port: int, raw: bytes, wait: float = 3.0) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=wait) as conn:
        conn.sendall(raw)
        data = b""
        try:
            while chunk := conn.recv(65536):
                data += chunk
        except TimeoutError:
            pass
    return data


def test_preview_backlog_is_set_before_listening_and_nagle_is_off(preview):
    import socket

    from builder.serve import PreviewServer

    # a class attribute: `server_activate` (listen) runs inside the constructor
    assert PreviewServer.request_queue_size >= 128 and "request_queue_size" not in vars(preview)
    client = socket.create_connection(preview.server_address)
    try:
        probe = PreviewServer(("127.0.0.1", 0), preview.RequestHandlerClass)
        other = socket.create_connection(probe.server_address)
        conn, _ = probe.get_request()
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        conn.close()
        other.close()
        probe.server_close()
    finally:
        client.close()


def test_a_request_body_on_get_is_dropped_not_parsed_as_a_request(preview):
    port = preview.server_address[1]
    smuggled = b"GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n"
    raw = (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled) + smuggled
           + b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = _exchange(port, raw)
    statuses = re.findall(rb"HTTP/1.1 (\d+) ", data)
    assert statuses == [b"200", b"200"]  # the body was not a third request (a 404)
    chunked = _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                              b"5\r\nabcde\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert re.findall(rb"HTTP/1.1 (\d+) ", chunked) == [b"411"]  # refused, then closed
    huge = _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nab")
    assert re.findall(rb"HTTP/1.1 (\d+) ", huge) == [b"413"]


def test_an_idle_connection_is_let_go(preview):
    import socket

    conn = socket.create_connection(preview.server_address, timeout=10)
    started = time.monotonic()
    try:
        assert conn.recv(100) == b""  # the server closed it (IDLE_TIMEOUT is 1 s here)
    finally:
        conn.close()
    assert time.monotonic() - started < 9


# -- a commit that survives anything ----------------------------------------------------------
def _tree(folder: Path) -> dict[str, bytes]:
    """Every file of an output; the search bundle as the pages it holds (Pagefind names its
    files by hashes that differ from one run to the next even for the same pages)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.relative_to(folder).as_posix().startswith("pagefind/"):
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    if (folder / "pagefind").is_dir():
        out["pagefind (records)"] = repr(_search_records(folder)).encode()
    return out


def _search_records(folder: Path) -> list[tuple[str, str]]:
    """(url, text) of every page the search index holds, from its gzipped fragments."""
    import gzip

    records = []
    for fragment in (folder / "pagefind").rglob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        records.append((data["url"], data["content"].replace("\u200b", "")))
    return sorted(records)


def _clean_build(site: Path, tmp: Path, name: str, **kw) -> dict[str, bytes]:
    """The output a clean build (new output, new state) of the same content gives."""
    cfg = replace(config.load(site, output_dir=str(tmp / name)),
                  cache_dir=str(tmp / f"{name}-state"))
    result = run(cfg, **kw)
    assert result.ok, result.problems
    return _tree(tmp / name)


def _articles(n: int, version: str) -> dict[str, str]:
    return {f"a{i:02d}.md": ARTICLE.format(title=f"第{i}篇{version}", m=1 + i % 9, d=1 + i % 9,
                                           body=f"版本{version}。" * (1 + i % 3))
            for i in range(n)}


class _FailsAt:
    """A hook that raises ENOSPC on its n-th call (0-based) once a commit has logged its
    intent, as a disk filling up would."""

    def __init__(self, n: int):
        self.n, self.calls, self.armed = n, 0, False

    def __call__(self) -> None:
        if not self.armed:
            return
        self.calls += 1
        if self.calls - 1 == self.n:
            raise OSError(28, "No space left on device")


def test_every_interrupted_commit_is_repaired_by_the_next_build(tmp_path, monkeypatch):
    """Fail the commit at each of its file operations in turn, then revert the edits: the next
    build equals a clean build of the reverted content."""
    site = make_site(tmp_path, _articles(6, "A"))
    cfg = config.load(site)
    assert run(cfg).ok
    clean = _clean_build(site, tmp_path, "clean")
    assert _tree(tmp_path / "public") == clean
    edits = _articles(7, "B")  # every article changed, one added
    real_replace, real_unlink = os.replace, Path.unlink
    step = 0
    while True:
        for name, text in edits.items():
            (tmp_path / "content" / name).write_text(text)
        (tmp_path / "content/a00.md").unlink()  # and one removed
        failing = _FailsAt(step)
        log_intent = Writer._log_intent

        def arm(self, files, _log=log_intent, _hook=failing):
            _log(self, files)
            _hook.armed = True

        monkeypatch.setattr(Writer, "_log_intent", arm)
        monkeypatch.setattr("builder.write.os.replace",
                            lambda s, d, *a, f=failing, **k: f() or real_replace(s, d, *a, **k))
        monkeypatch.setattr(Path, "unlink",
                            lambda self, *a, f=failing, **k: f() or real_unlink(self, *a, **k))
        result = run(cfg)
        monkeypatch.undo()
        if result.ok:
            break  # every step of the commit has been failed once
        assert [p.code for p in result.problems if p.severity == "error"] == ["io-failed"]
        for name, text in _articles(6, "A").items():  # revert the edits
            (tmp_path / "content" / name).write_text(text)
        (tmp_path / "content/a06.md").unlink()
        repaired = run(cfg)
        assert repaired.ok, repaired.problems
        assert _tree(tmp_path / "public") == clean, f"step {step}"
        step += 1
    assert step > 10


KILLER = textwrap.dedent("""
    import os, random, signal, subprocess, sys, time
    cmd, delay = sys.argv[2:], float(sys.argv[1])
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, mid-way
    except ProcessLookupError:
        pass
    proc.wait()
""")


def test_a_build_killed_at_random_moments_is_repaired_by_the_next(tmp_path):
    """kill -9 a rebuild at random moments (after edits), revert the edits, build again: the
    output equals a clean build's, search index included."""
    base = _articles(60, "A")
    site = make_site(tmp_path, base, "")
    site.write_text(site.read_text().replace("search = false", "search = true"))
    cmd = [sys.executable, "-m", "builder", "build", "--config", str(site), "-q"]
    started = time.monotonic()
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    took = time.monotonic() - started
    clean = _clean_build(site, tmp_path, "clean")
    rng = random.Random(14)
    for round_ in range(4):
        for name, text in _articles(61, f"B{round_}").items():
            (tmp_path / "content" / name).write_text(text)
        delay = rng.uniform(0.2, took)
        subprocess.run([sys.executable, "-c", KILLER, str(delay), *cmd], cwd=ROOT, timeout=300)
        for name, text in base.items():
            (tmp_path / "content" / name).write_text(text)
        (tmp_path / "content/a60.md").unlink()
        after = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        assert after.returncode == 0, after.stderr
        assert _tree(tmp_path / "public") == clean, f"killed after {delay:.2f} s"
        pages = state.search_pages(tmp_path / "public")
        assert pages == 60, f"killed after {delay:.2f} s: the search index holds {pages} pages"


def test_two_builds_at_once_into_one_output_equal_a_clean_build(tmp_path):
    site = make_site(tmp_path, _articles(60, "A"))
    cmd = [sys.executable, "-m", "builder", "build", "--config", str(site)]
    both = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    done = [p.communicate(timeout=600) for p in both]
    assert [p.returncode for p in both] == [0, 0], done
    assert sum("waiting for another build" in err for _, err in done) <= 1
    assert _tree(tmp_path / "public") == _clean_build(site, tmp_path, "clean")
    bodies = [p.read_text() for p in (tmp_path / "public/articles").rglob("index.html")]
    assert len(bodies) == 60 and all("版本A" in b for b in bodies)


def test_search_is_rebuilt_when_missing_stale_or_broken(tmp_path, monkeypatch):
    from builder import pagefind, search

    if pagefind.executable() is None:
        pytest.skip("Pagefind is not installed")
    site = make_site(tmp_path, _articles(3, "A"))
    site.write_text(site.read_text().replace("search = false", "search = true"))
    cfg = config.load(site)
    assert run(cfg).ok
    out = tmp_path / "public"
    assert state.search_pages(out) == 3
    # killed between the commit and the index swap: pages changed, index not
    (tmp_path / "content/a03.md").write_text(ARTICLE.format(title="新", m=2, d=2, body=""))

    def killed(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(search, "build_index", killed)
    with pytest.raises(KeyboardInterrupt):
        run(cfg)
    monkeypatch.undo()
    again = run(cfg)
    assert again.ok and "search" in dict(again.timings) and state.search_pages(out) == 4
    # nothing changed, but the index is broken (a full disk left its entry empty)
    (out / search.OUT / search.PIECES).write_text("")
    fixed = run(cfg)
    assert "search" in dict(fixed.timings) and state.search_pages(out) == 4
    # or gone
    shutil.rmtree(out / "pagefind")
    assert "search" in dict(run(cfg).timings) and state.search_pages(out) == 4
    assert dict(run(cfg).timings).keys() == {"unchanged"}


# -- undated articles -------------------------------------------------------------------------
def test_an_article_without_a_usable_date_is_built_as_undated(tmp_path):
    files = {
        "dated.md": ARTICLE.format(title="有日期", m=3, d=3, body=""),
        "older.md": ARTICLE.format(title="更早", m=1, d=1, body=""),
        # the seed's shape: `Invalid Date`, and no date anywhere in the body
        "invalid.md": "---\ntitle: 宁德时代储能新闻\ndate: Invalid Date\nsource: 每日经济新闻\n"
                      "categories: [储能]\n---\n宁德时代发布新电池。到2036年1月1日，排放将减半。\n",
        "nodate.md": "---\ntitle: Vestas wind turbines, no date at all\n---\nVestas builds wind "
                     "turbines. Emissions will fall by 2036-01-01, experts say. Vestas.\n",
    }
    site = make_site(tmp_path, files)
    result = run(config.load(site))
    assert result.ok and result.articles == 4 and result.skipped == 0
    warned = {p.path: p for p in result.problems if p.code == "date-missing"}
    assert set(warned) == {"invalid.md", "nodate.md"}
    assert all(p.severity == "warning" and "undated" in p.message for p in warned.values())
    out = tmp_path / "public"
    api = {a["source_path"]: a for a in
           json.loads((out / "api/articles.json").read_text("utf-8"))["articles"]}
    assert api["invalid.md"]["date"] is None and api["invalid.md"]["undated"] is True
    assert api["dated.md"]["undated"] is False
    undated_url = api["invalid.md"]["url"]
    assert "/articles/undated/" in undated_url
    assert (out / undated_url.split("example.org/", 1)[1] / "index.html").is_file()
    # its own archive page, linked from the archive
    page = (out / "archive/undated/index.html").read_text("utf-8")
    assert "宁德时代储能新闻" in page and "no date at all" in page and "有日期" not in page
    assert 'href="/archive/undated/"' in (out / "archive/index.html").read_text("utf-8")
    assert not (out / "archive/1800").exists()
    # after dated articles in listings
    home = (out / "index.html").read_text("utf-8")
    assert home.index("有日期") < home.index("更早") < home.index("宁德时代储能新闻")
    # not in date-ordered feeds
    for feed in out.rglob("feed.xml"):
        text = feed.read_text("utf-8")
        assert "宁德时代储能新闻" not in text and "no date at all" not in text, feed
    assert "有日期" in (out / "feed.xml").read_text("utf-8")
    # a topic whose articles are all undated has no (forever empty) feed
    members: dict[tuple[str, str], list[dict]] = {}
    for a in api.values():
        for kind in ("companies", "themes"):
            for t in a[kind]:
                members.setdefault((kind, t["slug"]), []).append(a)
    for (kind, slug), articles in members.items():
        assert (out / kind / slug / "feed.xml").is_file() == \
            any(not a["undated"] for a in articles), (kind, slug)
    assert ("companies", "vestas") in members and not (out / "companies/vestas/feed.xml").exists()
    assert_well_formed(out)


@pytest.mark.parametrize("body, path, expected", [
    ("发布时间：2023-05-01 10:30\n\n正文。", "a.md", "2023-05-01"),
    ("2023年05月01日 10:30 来源：人民网\n正文。", "a.md", "2023-05-01"),
    ("Published: 2023-05-01\n\nText.", "a.md", "2023-05-01"),
    ("本文发布于2023年5月1日，转载请注明。", "a.md", "2023-05-01"),
    ("到2036年1月1日，排放将减半。", "a.md", None),  # inside a sentence
    ("Emissions will fall by 2036-01-01, experts say.", "a.md", None),
    ("2036年1月1日起，新规将实施。", "a.md", None),
    ("2036-01-01\n\n正文。", "2021/a.md", "2021-01-01"),  # after its year folder: the folder
    ("2021-06-01\n\n正文。", "2021/a.md", "2021-06-01"),
])
def test_the_body_date_fallback_takes_only_publication_lines(tmp_path, body, path, expected):
    cfg = config.load(make_site(tmp_path, {}))
    tax, _ = taxonomy.load(ROOT / "content/taxonomy")
    done = process(source(path, "---\ntitle: 标题文章\n---\n" + body), cfg, tax)
    article, problems = done.article, done.problems
    assert article is not None
    got = None if article.undated else article.date.date().isoformat()
    assert got == expected, problems


# -- reserved paths ---------------------------------------------------------------------------
def test_an_article_url_pattern_cannot_claim_the_sites_own_paths(tmp_path):
    names = ["search", "sitemap.xml", "pagefind", "api", "companies", "robots.txt", "feed.xml"]
    files = {f"{n}.md": f"---\ntitle: {n}\nslug: {n}\ndate: 2023-01-0{i + 1}\n---\n"
                        f"宁德时代发布新电池。\n" for i, n in enumerate(names)}
    site = make_site(tmp_path, files, '[urls]\narticle = "/{slug}/"\n')
    site.write_text(site.read_text().replace("search = false", "search = true"))
    cfg = config.load(site)
    first = run(cfg)
    assert first.ok, first.problems
    renamed = {p.path for p in first.problems if p.code == "slug-reserved"}
    assert renamed == {f"{n}.md" for n in names}
    out = tmp_path / "public"
    for n in names:
        assert (out / f"{n}-2/index.html").is_file()
    assert (out / "sitemap.xml").is_file() and (out / "robots.txt").is_file()
    assert "搜索" in (out / "search/index.html").read_text("utf-8")
    assert_well_formed(out)
    again = run(cfg, now=None)
    assert again.ok and again.written == 0 and again.removed == 0  # nothing fights over a file
    # articles inside a listing's folder (Jekyll's shape) are not renamed
    nested = make_site(tmp_path / "nested", {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")},
                       '[urls]\narticle = "/archive/{year}/{slug}/"\n')
    result = run(config.load(nested))
    assert result.ok and not [p for p in result.problems if p.code == "slug-reserved"]
    bad = make_site(tmp_path / "bad", {}, '[urls]\narticle = "/pagefind/{slug}/"\n')
    with pytest.raises(config.ConfigError, match="urls.article"):
        config.load(bad)


def test_serving_on_a_busy_port_is_one_line(tmp_path):
    import socket

    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "builder", "serve", "--config", str(site),
                               "--port", str(port), "--no-watch"], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"127.0.0.1:{port}: error listen-failed:" in done.stderr and "--port 0" in done.stderr


def test_a_full_disk_under_the_cache_is_one_problem_not_a_traceback(tmp_path, monkeypatch):
    import sqlite3

    from builder.cache import Cache

    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="一", m=1, d=1, body="")})

    def full(self):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Cache, "flush", full)
    result = run(config.load(site))
    assert not result.ok
    [problem] = result.problems
    assert problem.code == "state-failed" and problem.path.endswith("cache.sqlite")
    assert "disk is full" in problem.message and "disk space" in problem.hint
