"""Write the broken-file cases that cannot live as plain text: odd encodings, binary data,
control characters, line endings an editor would "fix", and the huge or deeply nested files.

    python3 tests/invalid/make_cases.py          # (re)write the small generated cases here
    make_cases.write_cases(folder, heavy=True)   # also the big ones (tests do this in a tmp copy)

Every case is written deterministically (same bytes on every run), except `date-future-5y.md`,
whose date is five years after today so that it stays in the future.
The heavy cases (HEAVY) are never committed: the 20 MB body and the 33 MB file are made at
test time only.
"""

from __future__ import annotations

import codecs
import struct
import sys
import zlib
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent

BODY = "光伏与储能项目持续推进，清洁能源装机容量稳步增长。Solar and storage projects keep growing."
PARAGRAPH = ("随着“双碳”时间表的推进，国家对工业领域的能源消费提出了新要求，风电、光伏与储能的装机容量"
             "持续增长。Solar, wind and storage capacity keeps growing across the grid. ")


def article(title: str, body: str = BODY, extra: str = "", date_line: str = "date: 2024-02-01"
            ) -> str:
    return f"---\ntitle: {title}\n{date_line}\n{extra}---\n\n{body}\n"


def _png() -> bytes:
    """A valid 1x1 PNG (signature, IHDR, IDAT, IEND)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def small_cases() -> dict[str, bytes]:
    """name → bytes of the generated cases small enough to commit."""
    cases: dict[str, bytes] = {}
    cases["empty.md"] = b""
    cases["whitespace-only.md"] = b"  \n\t\n   \r\n\n \t \n"
    cases["bom-only.md"] = codecs.BOM_UTF8

    text = article("编码测试 UTF-8 with BOM")
    cases["utf8-bom.md"] = codecs.BOM_UTF8 + text.encode("utf-8")
    cases["utf16-le-bom.md"] = codecs.BOM_UTF16_LE + article("编码测试 UTF-16 LE").encode("utf-16-le")
    cases["utf16-be-bom.md"] = codecs.BOM_UTF16_BE + article("编码测试 UTF-16 BE").encode("utf-16-be")
    # A UTF-16 byte-order mark, then an odd number of bytes: not decodable as UTF-16.
    cases["utf16-truncated.md"] = (codecs.BOM_UTF16_LE
                                   + article("编码测试 UTF-16 truncated").encode("utf-16-le") + b"\x41")
    cases["gb18030.md"] = article(
        "编码测试 国标编码的中文文章",
        "光伏与储能项目持续推进，清洁能源装机容量稳步增长。风电装机也在增加，电网正在改造。"
    ).encode("gb18030")
    # Line 7 holds Latin-1 bytes (é, ï) in an otherwise UTF-8 file.
    cases["latin1-in-utf8.md"] = (
        article("编码测试 Latin-1 bytes in UTF-8", body="First line is fine.")
        + "Caf\xe9 na\xefve r\xe9sum\xe9 \u2014 Latin-1 here.\n"
    ).encode("utf-8").replace("Caf\xe9 na\xefve r\xe9sum\xe9".encode(),
                              "Caf\xe9 na\xefve r\xe9sum\xe9".encode("latin-1"))
    # Windows-1252 smart quotes (0x93/0x94) on line 7.
    cases["cp1252-quotes-in-utf8.md"] = (
        article("编码测试 Windows-1252 quotes", body="First line is fine.").encode()
        + b"He said \x93renewables\x94 twice.\n")
    # Two stray NUL characters on line 7 of a short, otherwise normal UTF-8 article.
    cases["nul-in-text.md"] = (article("控制字符 NUL in text", body=BODY).encode()
                               + "风电\x00装机\x00增长。\n".encode())
    # The same, but the first NUL comes after 8 KB of text (line 9).
    long_text = article("控制字符 NUL after 8 KB", body=BODY) + "\n" + PARAGRAPH * 60 + "\n"
    cases["nul-after-8k.md"] = long_text.encode() + "风电\x00装机增长。\n".encode()
    cases["nul-with-utf8-bom.md"] = (codecs.BOM_UTF8 + article("控制字符 NUL with BOM").encode()
                                     + "风电\x00装机增长。\n".encode())
    cases["png-renamed.md"] = _png()
    cases["crlf.md"] = article("换行测试 CRLF line endings").replace("\n", "\r\n").encode()
    cases["lone-cr.md"] = article("换行测试 Lone CR line endings").replace("\n", "\r").encode()
    cases["title-5000-chars.md"] = article("长" * 2500 + "L" * 2500).encode()
    cases["description-too-long.md"] = article(
        "超长摘要 Description too long", extra="description: " + "摘要" * 1500 + "\n").encode()
    future = date.today().year + 5
    cases["date-future-5y.md"] = article("未来日期 Five years ahead",
                                         date_line=f"date: {future}-06-01").encode()
    return cases


HEAVY = ("huge-body-20mb.md", "file-too-large-33mb.md", "nested-div-10000.md",
         "nested-b-10000.md", "front-matter-10000-keys.md", "front-matter-too-large.md")
"""Generated at test time only (never committed)."""


def heavy_cases(folder: Path) -> None:
    head = article("巨大正文 A 20 MB body", body="").encode()
    para = (PARAGRAPH + "\n\n").encode()
    with open(folder / "huge-body-20mb.md", "wb") as f:
        f.write(head)
        f.write(para * (20 * 1024 * 1024 // len(para)))
    # 33 MB (over the 32 MB limit), sparse: the size is checked before anything is read.
    with open(folder / "file-too-large-33mb.md", "wb") as f:
        f.write(article("超大文件 A 33 MB file").encode())
        f.seek(33 * 1024 * 1024)
        f.write(b"\n")
    (folder / "nested-div-10000.md").write_text(article(
        "深层嵌套 10,000 nested div",
        body="<div>" * 10000 + BODY + "</div>" * 10000), encoding="utf-8")
    (folder / "nested-b-10000.md").write_text(article(
        "深层嵌套 10,000 nested b",
        body="<p>" + "<b>" * 10000 + BODY + "</b>" * 10000 + "</p>"), encoding="utf-8")
    keys = "".join(f"key_{i:05d}: {i}\n" for i in range(10000))
    (folder / "front-matter-10000-keys.md").write_text(
        article("一万个字段 10,000 front-matter keys", extra=keys), encoding="utf-8")
    big = "".join(f"x-padding-{i:05d}: \"{'填充' * 20}\"\n" for i in range(6000))  # ~450 KB
    (folder / "front-matter-too-large.md").write_text(
        article("超大前置元数据 Front matter too large", extra=big), encoding="utf-8")


def write_cases(folder: Path, heavy: bool = False) -> list[str]:
    """Write the generated cases into `folder`; return the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for name, data in small_cases().items():
        (folder / name).write_bytes(data)
        names.append(name)
    if heavy:
        heavy_cases(folder)
        names += HEAVY
    return names


if __name__ == "__main__":
    written = write_cases(HERE, heavy="--heavy" in sys.argv)
    print(f"wrote {len(written)} cases to {HERE}")
