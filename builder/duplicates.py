"""Copies of one story: a MinHash sketch per article (pure, in the per-article stages), the
similarity of two sketches, and the groups of copies over the whole site (in the index)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import timedelta
from functools import cache
from itertools import combinations

from .config import DuplicatesConfig
from .model import Article

SKETCH_TEXT = 6000
"""Characters of an article's text its sketch covers: a story's opening identifies it."""
SKETCH_SIZE = 64
"""Hashes a sketch keeps (its k)."""
BUCKET_CAP = 12
CANDIDATE_HASHES = 24
"""Two copies of a story share most of their smallest shingle hashes: these few suffice to
find candidate pairs; the whole sketches then decide."""
_SHINGLE_STRIP = re.compile(r"[\W_]+")


def sketch(text: str, size: int) -> bytes:
    """Bottom-k MinHash of the text's character shingles: the SKETCH_SIZE smallest distinct
    crc32 values of the UTF-8 bytes of every `size`-character shingle, packed as unsigned 32-bit
    integers (256 bytes instead of 64 Python ints: the index holds one per article). Two
    sketches estimate the Jaccard similarity of the texts.

    crc32 rather than hash(): the sketch must be the same in every process and build. The
    hashes of all shingles are computed together with numpy (two bytes per step through a
    16-bit table): the same values as `zlib.crc32(shingle.encode())` one by one, 2.5× faster."""
    flat = _SHINGLE_STRIP.sub("", text[:SKETCH_TEXT]).lower()
    if len(flat) < 50:
        return b""
    import numpy as np

    raw = flat.encode()
    one, two = _crc_tables()
    data = np.frombuffer(raw + bytes(2 * 4 * size), dtype=np.uint8).astype(np.uint32)
    pairs = data[:-1] | (data[1:] << 8)  # the little-endian 16-bit word starting at each byte
    starts = np.flatnonzero((data[:len(raw)] & 0xC0) != 0x80)  # where each character starts
    count = len(starts) - size + 1
    first = starts[:count]
    lengths = np.append(starts[size:], len(raw)) - first  # bytes of each shingle
    crc = np.full(count, 0xFFFFFFFF, dtype=np.uint32)
    at = first.copy()
    longest, shortest = int(lengths.max()), int(lengths.min())
    done = 0
    while done + 2 <= longest:
        two_more = two.take((crc ^ pairs[at]) & 0xFFFF)
        two_more ^= crc >> 16
        if done + 2 <= shortest:
            crc = two_more
        else:  # shingles with one byte left take one step, finished ones none
            one_more = one.take((crc ^ data[at]) & 0xFF)
            one_more ^= crc >> 8
            crc = np.where(lengths >= done + 2, two_more,
                           np.where(lengths == done + 1, one_more, crc))
        at += 2
        done += 2
    if done < longest:
        one_more = one.take((crc ^ data[at]) & 0xFF)
        one_more ^= crc >> 8
        crc = np.where(lengths == done + 1, one_more, crc)
    crc ^= np.uint32(0xFFFFFFFF)
    return _smallest_distinct(crc, SKETCH_SIZE).astype(np.uint32).tobytes()


@cache
def _crc_tables():
    """The CRC-32 tables (zlib's polynomial, reflected) for one byte and for two bytes."""
    import numpy as np

    def table(bits: int):
        t = np.arange(1 << bits, dtype=np.uint32)
        for _ in range(bits):
            t = np.where(t & 1, (t >> 1) ^ np.uint32(0xEDB88320), t >> 1).astype(np.uint32)
        return t
    return table(8), table(16)


def _smallest_distinct(values, k: int):
    """The k smallest distinct values, sorted (a partial sort first: a text has thousands)."""
    import numpy as np

    if len(values) > 4 * k:
        part = np.partition(values, 4 * k - 1)[:4 * k]
        part.sort()
        distinct = part[np.concatenate(([True], part[1:] != part[:-1]))]
        if len(distinct) >= k:
            return distinct[:k]
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))][:k]


def hashes(sketch: bytes) -> memoryview:
    """The integers of a packed sketch (see `sketch`)."""
    return memoryview(sketch).cast("I")


def similarity(sketch_a: bytes, sketch_b: bytes) -> float:
    """Jaccard estimate from two bottom-k sketches: of the k smallest hashes of the union,
    the share that both texts hold."""
    if not sketch_a or not sketch_b:
        return 0.0
    a, b = hashes(sketch_a), hashes(sketch_b)
    k = min(len(a), len(b))
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:k]
    return sum(1 for h in union if h in sa and h in sb) / k


def same_story(a: Article, b: Article, rules: DuplicatesConfig) -> bool:
    """Reposts (Jaccard ≥ threshold) and rewrites (most of the shorter text inside the longer,
    published close together) of one story."""
    j = similarity(a.sketch, b.sketch)
    if j >= rules.threshold:
        return True
    if j < rules.rewrite_jaccard or a.undated or b.undated or \
            abs(a.date - b.date) > timedelta(days=rules.window_days):
        return False
    na, nb = min(a.chars, SKETCH_TEXT), min(b.chars, SKETCH_TEXT)
    containment = j * (na + nb) / ((1 + j) * max(1, min(na, nb)))
    return containment >= rules.containment


def find_duplicates(ordered: list[Article], rules: DuplicatesConfig
                    ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Groups of the same story (see `same_story`). The earliest copy is canonical (ties: the
    longer text, then the id); the others are listed on it."""
    buckets: dict[int, list[int]] = defaultdict(list)
    for i, a in enumerate(ordered):
        for h in hashes(a.sketch)[:CANDIDATE_HASHES]:  # the smallest hashes find the candidates
            buckets[h].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in buckets.values():
        if 1 < len(members) <= BUCKET_CAP:  # a shingle common to many texts says nothing
            shared.update(combinations(members, 2))
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), count in shared.items():
        if count < 3:
            continue
        if same_story(ordered[i], ordered[j], rules):
            parent[root(i)] = root(j)
    groups: dict[int, list[Article]] = defaultdict(list)
    for i, a in enumerate(ordered):
        groups[root(i)].append(a)
    duplicates: dict[str, tuple[str, ...]] = {}
    duplicate_of: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda a: (a.date.timestamp(), -a.chars, a.id))
        first, rest = members[0], members[1:]
        duplicates[first.id] = tuple(a.id for a in rest)
        for a in rest:
            duplicate_of[a.id] = first.id
    return dict(sorted(duplicates.items())), dict(sorted(duplicate_of.items()))
