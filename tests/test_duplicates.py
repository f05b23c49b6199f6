"""duplicates.py: sketches, similarity, and the groups of copies of one story."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from builder import duplicates
from builder.config import DuplicatesConfig
from builder.model import Article

TEXT = ("宁德时代今日宣布在匈牙利投资建设新的电池工厂，规划产能一百吉瓦时，总投资约七十三亿欧元。"
        "该工厂将为宝马、奔驰等欧洲车企供应动力电池，预计二〇二五年投产。")
OTHER = "隆基绿能发布了新一代光伏组件，转换效率再创纪录，将在明年量产并供应欧洲市场的大型电站项目。" * 2


def art(i: str, text: str, day: int = 1) -> Article:
    return Article(id=i, slug=i, title=i, date=datetime(2024, 1, day, tzinfo=UTC), date_evidence="",
                   source="", source_url="", authors=(), html="", text=text, excerpt="", image="",
                   language="zh-CN", chars=len(text), reading_minutes=1,
                   sketch=duplicates.sketch(text, 5))


def test_sketches_are_deterministic_and_bounded():
    a = duplicates.sketch(TEXT, 5)
    assert a == duplicates.sketch(TEXT, 5) and 0 < len(a) <= duplicates.SKETCH_SIZE * 4
    assert list(duplicates.hashes(a)) == sorted(duplicates.hashes(a))
    assert duplicates.sketch("太短", 5) == b""


def test_similarity():
    assert duplicates.similarity(duplicates.sketch(TEXT, 5), duplicates.sketch(TEXT, 5)) == 1.0
    assert duplicates.similarity(duplicates.sketch(TEXT, 5), duplicates.sketch(OTHER, 5)) < 0.1
    assert duplicates.similarity(b"", duplicates.sketch(TEXT, 5)) == 0.0


def test_copies_are_grouped_under_the_earliest():
    found = duplicates.find_duplicates([art("late", "转载：" + TEXT, 3), art("first", TEXT, 1),
                                        art("other", OTHER, 2)], DuplicatesConfig())
    assert found == ({"first": ("late",)}, {"late": "first"})


def test_a_rewrite_counts_only_when_published_close_together():
    rewrite = TEXT[:60] + "据悉，该项目已获得当地政府批准，首期工程将于年内开工建设。" + TEXT[60:]
    rules = replace(DuplicatesConfig(), threshold=0.99)
    near = duplicates.same_story(art("a", TEXT, 1), art("b", rewrite, 3), rules)
    far = duplicates.same_story(art("a", TEXT, 1), art("b", rewrite, 28), rules)
    assert near and not far


def _one_by_one(text: str, size: int) -> bytes:
    """The sketch as first written: zlib.crc32 of each shingle, the k smallest distinct."""
    import heapq
    import re
    import zlib
    from array import array

    flat = re.sub(r"[\W_]+", "", text[:duplicates.SKETCH_TEXT]).lower()
    if len(flat) < 50:
        return b""
    found = {zlib.crc32(flat[i:i + size].encode()) for i in range(len(flat) - size + 1)}
    return array("I", heapq.nsmallest(duplicates.SKETCH_SIZE, found)).tobytes()


def test_vectorised_sketch_equals_crc32_of_each_shingle():
    texts = [TEXT, OTHER, TEXT * 200,  # CJK (3 bytes a character), long: capped
             "Vestas receives an order for 72 MW in Germany; the turbines arrive in 2025. " * 3,
             "Größere Windräder für Schleswig-Holstein: Übergabe im März, Leistung 4,2 MW. " * 3,
             "混合 mixed Текст ünïcödé 🌍🌱 emoji 四字节 " * 8,  # 1- to 4-byte characters together
             "a" * 49, "a" * 50, "ab" * 40]
    for text in texts:
        for size in (3, 5, 9):
            assert duplicates.sketch(text, size) == _one_by_one(text, size), (text[:30], size)
