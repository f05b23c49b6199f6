"""The writer: never outside the output, unchanged files untouched, stale files removed."""

import pytest

from builder.model import Page
from builder.write import UnsafePath, Writer, safe_relative


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a/../../b", "a//b", "a/./b", "", "a\\..\\b",
                                 "a/\x00/b"])
def test_unsafe_paths_refused(bad):
    with pytest.raises(UnsafePath):
        safe_relative(bad)


def test_stage_commit_skip_unchanged_remove_stale(tmp_path):
    out, state = tmp_path / "out", tmp_path / ".state"
    w = Writer(out, state)
    w.add(Page("/a/", "a/index.html", b"A"))
    w.add(Page("/b/", "b/index.html", b"B"))
    assert not out.exists()  # nothing is visible before commit
    assert w.commit() == (2, 0)
    (out / "mine.txt").write_text("not ours")  # a file the builder did not write is kept
    w = Writer(out, state)
    assert w.add(Page("/a/", "a/index.html", b"A")) is False
    w.add(Page("/c/", "c/index.html", b"C"))
    assert w.commit() == (1, 1)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        ["a/index.html", "c/index.html", "mine.txt"]
    assert not (out / "b").exists()


def test_abort_leaves_output_as_it_was(tmp_path):
    out, state = tmp_path / "out", tmp_path / ".state"
    w = Writer(out, state)
    w.add(Page("/a/", "a/index.html", b"A"))
    w.commit()
    w = Writer(out, state)
    w.add(Page("/a/", "a/index.html", b"A2"))
    w.abort()
    assert (out / "a/index.html").read_bytes() == b"A"


def test_symlink_escape_refused(tmp_path):
    out, state = tmp_path / "out", tmp_path / ".state"
    (out).mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "link").symlink_to(tmp_path / "elsewhere")
    w = Writer(out, state)
    w.add(Page("/link/x", "link/x.html", b"X"))
    with pytest.raises(UnsafePath):
        w.commit()
    assert not (tmp_path / "elsewhere/x.html").exists()


# -- the tool's own folders and files (the search bundles) -----------------------------------
def test_put_folder_appears_whole_or_not_at_all(tmp_path):
    import re

    from builder import write

    root = tmp_path / "pagefind"
    root.mkdir()
    (root / "p-1").mkdir()
    (root / "p-1" / "old.txt").write_text("old")
    write.put_folder(root, "p-1", [("a.txt", b"A"), ("sub/b.txt", b"B")],
                     lambda folder: None if (folder / "a.txt").is_file() else "no a.txt")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == \
        ["p-1/a.txt", "p-1/sub/b.txt"]
    with pytest.raises(write.IncompleteFolder, match="no c.txt"):
        write.put_folder(root, "p-2", [("a.txt", b"A")],
                         lambda folder: None if (folder / "c.txt").is_file() else "no c.txt")
    assert sorted(p.name for p in root.iterdir()) == ["p-1"], "a failed folder leaves nothing"
    with pytest.raises(UnsafePath):
        write.put_folder(root, "p-3", [("a.txt", b"A"), ("../../escape.txt", b"x")],
                         lambda folder: None)
    assert sorted(p.name for p in root.iterdir()) == ["p-1"]

    write.replace_file(root / "pieces.json", b"{}")
    write.replace_file(root / "pieces.json", b"[1]")
    assert (root / "pieces.json").read_bytes() == b"[1]"
    (root / "p-9").mkdir()
    (root / "mine.txt").write_text("an editor's file")
    write.prune(root, {"p-1", "pieces.json"}, re.compile(r"^p-\d+$"), re.compile(r"^pieces"))
    assert sorted(p.name for p in root.iterdir()) == ["mine.txt", "p-1", "pieces.json"]
