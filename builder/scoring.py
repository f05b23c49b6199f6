"""Scoring: every mention of a taxonomy term as a record (zone, alias, flags, role), summed
per term into a Candidate. No thresholds here: selecting.py decides."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .config import TaggingConfig
from .matching import Mention, find_mentions, source_tag_key
from .textutil import HAN

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

TITLE, LEAD, BODY, TAG = "title", "lead", "body", "source tag"


class Hit(NamedTuple):
    """One mention of a term, as scored."""

    zone: str
    """title, lead, body, or `source tag` (the feed's own category)."""
    alias: str
    """The alias as the taxonomy writes it (or the source tag as the feed writes it)."""
    weight: float
    """What it adds to the term's score (0 for an uncorroborated ambiguous alias)."""
    ambiguous: bool = False
    listed: bool = False
    """An item of an enumeration of list_min or more companies ("A、B、C和D")."""
    role: str = ""
    """Why the sentence reports on the company, by its cue: `ranking: 排名`, `deal: 签约`,
    `winner: 中标`, `said: 表示`; or why it is a passing mention: `passing: 据`."""
    parent: bool = False
    """A parent's mention counted for its subsidiary (see Entry.parent)."""


@dataclass(slots=True)
class Candidate:
    """A term mentioned in an article, with everything selecting needs to decide."""

    kind: str
    slug: str
    hits: list[Hit] = field(default_factory=list)
    score: float = 0.0

    @property
    def strong(self) -> list[Hit]:
        """Mentions by a plain (not ambiguous) alias in the title or text."""
        return [h for h in self.hits if not h.ambiguous and h.zone != TAG]

    @property
    def in_title(self) -> bool:
        return any(h.zone == TITLE and not h.ambiguous for h in self.hits)

    @property
    def up_front(self) -> bool:
        """Named by a plain alias in the title or the lead paragraph."""
        return any(h.zone in (TITLE, LEAD) and not h.ambiguous for h in self.hits)

    @property
    def lead_or_title(self) -> bool:
        """Named in the title or the lead paragraph, by any counted alias."""
        return any(h.zone in (TITLE, LEAD) and h.weight > 0 for h in self.hits)

    @property
    def mentions(self) -> int:
        """How many times the title and text name the term (source tags not counted)."""
        return sum(1 for h in self.hits if h.zone != TAG and h.weight > 0)

    @property
    def distinct(self) -> int:
        """How many different plain aliases name the term."""
        return len({h.alias.casefold() for h in self.strong})

    @property
    def weak_only(self) -> bool:
        """Seen only through ambiguous aliases (and source tags)."""
        return not self.strong

    @property
    def roles(self) -> list[str]:
        """The subject cues of its sentences (ranking, winner, deal, said…), in order."""
        return list(dict.fromkeys(h.role for h in self.hits
                                  if h.role and not h.role.startswith("passing") and h.weight > 0))

    @property
    def passing_only(self) -> bool:
        """Every mention in the text is a passing one (a data source, an example)."""
        text = [h for h in self.hits if h.zone != TAG and h.weight > 0]
        return bool(text) and all(h.role.startswith("passing") for h in text)

    @property
    def tagged_by_source(self) -> bool:
        return any(h.zone == TAG for h in self.hits)

    def evidence(self) -> tuple[str, ...]:
        """The hits as `zone: alias (flags) ×n`, in the order first seen."""
        counts: dict[str, int] = {}
        for h in self.hits:
            if h.weight <= 0 and h.zone != TAG:
                continue
            flags = [f for f, on in (("parent", h.parent), ("ambiguous", h.ambiguous),
                                     ("in a list", h.listed)) if on]
            if h.role:
                flags.append(h.role)
            label = f"{h.zone}: {h.alias}" + (f" ({'; '.join(flags)})" if flags else "")
            counts[label] = counts.get(label, 0) + 1
        return tuple(f"{label} ×{n}" for label, n in counts.items())


Candidates = dict[tuple[str, str], Candidate]

_LIST_GAP = re.compile(
    r"(?:集团|公司|股份|汽车|科技|控股|电池|新能源|能源|group|ag|se|gmbh|inc\.?|ltd\.?|plc)?"
    r"\s*(?:[、，,;；/&+＋]|和|与|及|以及|或|跟|and|und|sowie|or|oder|as well as)\s*", re.I)
_LIST_GAP_MAX = 12
_BRACKETS = r"[ \t\-–—(（)）\[\]【】\"“”'‘’「」『』:：,，/]*"
_APPOSITION = re.compile(
    _BRACKETS + r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|ag|se|gmbh|inc\.?|ltd\.?|plc)?"
    + _BRACKETS + r"(?:以下简称|下称|简称|原名|原|hereafter|kurz|formerly|ehemals|vormals)?"
    + _BRACKETS, re.I)
"""Between two names of one entry that are one mention: "KELAG - Kärntner Elektrizitäts-AG",
"华为数字能源技术有限公司（下称“华为数字能源”）", "Austrian Power Grid (APG)", a former name
("中创新航（原中航锂电）")."""

# --- roles: what a sentence says about the companies it names ------------------------------

_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?=\s)")
_ROLES = (
    ("ranking", r"排名|排行|榜单|榜首|位列|位居|名列|排在|前[二三四五六七八九十\d]+(?:名|位|强)?|"
                r"第[一二三四五六七八九十\d]+(?:名|位)|TOP ?\d+|市场份额|市占率|份额|装机量|出货量|"
                r"\branking|\branked|market share|\btop \d+|league table|largest|biggest|"
                r"Ranking|Marktanteil|Platz \d|größte"),
    ("winner", r"中标|入围|中选|获奖|荣获|获评|入选|夺得|摘得|斩获|\bwon\b|\bwins\b|awarded|"
               r"winner|Zuschlag|gewinnt|gewonnen|ausgezeichnet|Auszeichnung|Preisträger"),
    ("deal", r"签约|签署|签订|合作|合资|收购|并购|入股|增资|携手|联手|联合|协议|订单|供货|供应商|"
             r"采购|框架协议|牵手|战略(?:合作|投资|协议|伙伴|联盟|入股)|收入囊中|注资|"
             r"joint venture|partnership|"
             r"partner|agreement|acquir|merger|"
             r"\bdeal\b|contract|supply|Kooperation|Partner|Vertrag|übernimmt|Übernahme|"
             r"Beteiligung|gemeinsam|Auftrag|liefert|Joint Venture"),
    ("said", r"表示|透露|指出|宣布|公告|披露|发布|推出|(?<![被简名堪俗号统])称(?![为之作呼号])|"
             r"\bsaid\b|\bsays\b|announc|launch|unveil|"
             r"erklärt|sagt|kündigt|präsentiert|stellt .* vor"),
)
_ROLE = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _ROLES))
_WINNER = re.compile(dict(_ROLES)["winner"])
_SIGNED = re.compile(r"签署|签订|签约|合作|合资|协议|订单|收购|入股|signed|agreement|contract|"
                     r"Vertrag|Auftrag", re.I)
"""A deal the customer is a party to (宁德时代与客户蔚来签署协议): reported on, not passing."""
_SUBJECT = re.compile("|".join(rx for name, rx in _ROLES if name != "said"))
_PASSING = re.compile(
    r"(?:据|根据|援引|来自|来源[:：]?|数据来源[:：]?|资料来源[:：]?|例如|比如|诸如|譬如|像是|"
    r"客户(?:包括|有|涵盖|覆盖|名单|群)?[:：]?|用户(?:包括|有)|合作伙伴包括|customers? (?:include|such as)|"
    r"clients? (?:include|such as)|Kunden (?:wie|sind|zählen)|"
    r"according to|data from|source[:：]|such as|e\.g\.|for example|for instance|like|"
    r"laut|gemäß|Quelle[:：]?|wie etwa|etwa|z\.\s?B\.|beispielsweise|der Marke|von Marken|"
    r"made by|of the brand)\s*(?:the\s|der\s|die\s)?$",
    re.I)
_CUSTOMERS = re.compile(r"客户(?:包括|有|涵盖|覆盖)?[:：]?|customers? (?:include|such as|like)|"
                        r"clients? (?:include|such as)|Kunden wie", re.I)
_ITEMS = re.compile(r"[、,，/]|和|及|与|and|und")
_CUSTOMER_CUE = re.compile(r"客户|独供|主供|customers?\b|clients?\b|Kunden", re.I)
"""A sentence about whose customers the companies after the cue are (均为宁德时代客户，包括蔚来、
理想等主流车企均为独供): they are named as customers, not reported on."""
_FOR_EXAMPLE = re.compile(r"例如|比如|诸如|譬如")
"""比如为全球动力电池龙头宁德时代、光伏巨头隆基绿能等打造了解决方案: examples, wherever in
their clause the cue stands, unless what follows reports a ranking, winners or a deal
(例如将Millennial Lithium收入囊中)."""
_INCLUDING = re.compile(r"包括(?=[^，。；]*$)")
_INCLUDED_END = re.compile(r"[^，。；]{0,30}?在内")
"""包括中国移动、中国联通、华为在内的运营商都在发力: examples of a kind, unless the sentence
reports a ranking, winners or a deal."""
_EXAMPLE_AFTER = re.compile(r"[^，。；]{0,40}?等(?:车型|产品|品牌|型号|手机)")
"""小鹏、零跑、极氪等车型均上涨: the companies' products as examples."""
_PASSING_AFTER = re.compile(
    r"(?:的)?(?:报道|消息|数据|统计|研究|报告|分析师|分析|援引|指数|预测|显示)|"
    r"\s*(?:zufolge|data|research|report|analysts?|estimates?)\b", re.I)
"""A company named as the source of news or figures: "据彭博社报道", "laut Statistik Austria",
"BloombergNEF data show"; or as an example: "such as Apple"."""


_HAN = re.compile(f"[{HAN}]")


def _words_only(weak: list[Hit]) -> bool:
    """A two-character Chinese ambiguous name (美的, 苹果, 大众) seen only in body sentences
    that say nothing a company does: the word, however often (完美的, 手机圈里的苹果)."""
    return all(h.zone == BODY and len(h.alias) == 2 and _HAN.search(h.alias)
               and (not h.role or h.role.startswith("passing")) for h in weak)


def _sentences(text: str) -> list[int]:
    """Offsets where sentences start (0 first)."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _role(body: str, starts: list[int], mention: Mention, cache: dict[int, str],
          list_start: int) -> str:
    """The mention's role in its sentence: a passing cue right before it (or before the list
    it is an item of) or right after it, else the sentence's first subject cue, else ''."""
    i = bisect_right(starts, mention.start) - 1
    begin = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else len(body)
    # A customer that signs a deal later in the sentence is a party to it.
    signed = _SIGNED.search(body, mention.end, end) is not None
    before = body[max(begin, list_start - 14):list_start]
    m = _PASSING.search(before)
    if m and not (signed and _CUSTOMER_CUE.match(m.group(0))):
        return f"passing: {m.group(0).strip()}"
    # An item of a list of customers ("客户包括特斯拉、宝马、…"), however long the list.
    clause = max(begin, body.rfind("，", begin, mention.start) + 1,
                 body.rfind(",", begin, mention.start) + 1)
    m = _CUSTOMERS.search(body, clause, mention.start)
    if m and not signed \
            and all(len(item) <= 12 for item in _ITEMS.split(body[m.end():mention.start])):
        return f"passing: {m.group(0)}"
    m = _PASSING_AFTER.match(body, mention.end, min(len(body), mention.end + 12))
    if m:
        return f"passing: {m.group(0).strip()}"
    m = _EXAMPLE_AFTER.match(body, mention.end, end)
    if m:
        return f"passing: {m.group(0)[m.group(0).rfind('等'):]}"
    m = _FOR_EXAMPLE.search(body, clause, list_start)
    if m and not _SUBJECT.search(body, m.end(), end):
        return f"passing: {m.group(0)}"
    m = _INCLUDING.search(body, begin, list_start)
    if m and _INCLUDED_END.match(body, mention.end, end) and not _SUBJECT.search(body, begin, end):
        return "passing: 包括…在内"
    m = _CUSTOMER_CUE.search(body, begin, list_start)
    if m and not _WINNER.search(body, begin, end) and not signed:
        return f"passing: {m.group(0)}"
    if begin not in cache:
        r = _ROLE.search(body, begin, end)
        cache[begin] = f"{r.lastgroup}: {r.group(0)}" if r else ""
    return cache[begin]


def _lead_span(text: str, lead: str) -> int:
    """End offset of the lead zone: the first paragraph (and whatever short line precedes
    it, such as a repeated heading); 0 when the lead cannot be found near the start."""
    if not lead or not text:
        return 0
    probe = lead[:50]
    at = text.find(probe, 0, 400 + len(probe))
    return at + len(lead) if at >= 0 else 0


def _listed(text: str, mentions: list[Mention], minimum: int) -> dict[int, int]:
    """Index (into `mentions`) → start of its enumeration, for the company mentions that are
    items of an enumeration of at least `minimum` different companies joined by separators
    only ("A、B、C和D")."""
    out: dict[int, int] = {}
    if minimum < 2:
        return out
    run: list[int] = []
    last_end = -1
    for i, m in enumerate([*mentions, None]):
        if m is not None and m.pattern.kind != "company":
            continue
        if m is not None and run and m.start - last_end <= _LIST_GAP_MAX \
                and _LIST_GAP.fullmatch(text, last_end, m.start):
            run.append(i)
        else:
            if len({mentions[j].pattern.slug for j in run}) >= minimum:
                first = mentions[run[0]].start
                out.update((j, first) for j in run)
            run = [i]
        if m is not None:
            last_end = m.end
    return out


def score(title: str, text: str, lead: str, source_tags: tuple[str, ...], tax: Taxonomy,
          cfg: TaggingConfig) -> Candidates:
    """Every term mentioned, as a Candidate with its hits and score (before any threshold).

    A mention weighs title_weight in the title, lead_weight in the first paragraph and
    body_weight elsewhere; a company mentioned as an item of an enumeration weighs list_weight
    times that unless its sentence reports a ranking, winners or a deal (then the list is what
    the article reports); a passing mention (a data source, an example) weighs passing_weight
    times that. A name repeated in apposition ("KELAG - Kärntner Elektrizitäts-AG") is one
    mention. Ambiguous aliases count only when corroborated (another alias of the entry, the
    entry's source tag, ambiguous_min mentions, or an enumeration of companies), times ambiguous_weight (companies) or
    theme_ambiguous_weight. A subsidiary named in the title or lead takes its parent's
    mentions (the parent is then not scored). A mapped source tag adds source_tag_weight to its
    theme (source_tag_alone_weight when the text names the theme nowhere); a company's source
    tag only corroborates."""
    found: Candidates = {}
    tagged = {pair for value in source_tags
              for pair in (tax.matcher.source_tags.get(source_tag_key(value), ())
                           if tax.matcher is not None else ())}
    lead_end = _lead_span(text, lead)
    for zone, body in ((TITLE, title), (BODY, text)):
        _score_zone(zone, body, bool(text.strip()), lead_end, tax, cfg, found)
    _corroborate(found, tagged, cfg)
    _merge_subsidiaries(found, tax)
    _add_source_tags(found, source_tags, tax, cfg)
    for cand in found.values():
        cand.score = round(sum(h.weight for h in cand.hits), 2)
    return {k: c for k, c in found.items() if c.score > 0 or c.tagged_by_source}


def _score_zone(zone: str, body: str, has_text: bool, lead_end: int, tax: Taxonomy,
                cfg: TaggingConfig, found: Candidates) -> None:
    """The hits of one zone (the title, or the text with its lead) added to `found`."""
    mentions = _find(body, tax)
    if not mentions:
        return
    listed = _listed(body, mentions, cfg.list_min) if zone == BODY else {}
    starts = _sentences(body) if zone == BODY else [0]
    roles: dict[int, str] = {}
    last_end: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        p = m.pattern
        if p.kind == "policy":
            continue  # a policy word: see _policies
        key = (p.kind, p.slug)
        before = last_end.get(key)
        last_end[key] = m.end
        if before is not None and m.start - before <= 16 \
                and _APPOSITION.fullmatch(body, before, m.start):
            continue  # the same name again in apposition or brackets: one mention
        if zone == TITLE:
            where, w = TITLE, cfg.title_weight
        elif m.start < lead_end:
            where, w = LEAD, cfg.lead_weight
        else:
            where, w = BODY, cfg.body_weight
        role = ""
        if p.kind == "company" and zone == BODY:
            role = _role(body, starts, m, roles, listed.get(i, m.start))
            if role.startswith("passing"):
                w *= cfg.passing_weight
            elif i in listed and not role.startswith(("ranking", "winner", "deal")):
                w *= cfg.list_weight
        elif i in listed:
            w *= cfg.list_weight
        if p.ambiguous:
            w *= cfg.ambiguous_weight if p.kind == "company" else cfg.theme_ambiguous_weight
        if p.kind == "theme" and zone == TITLE and not has_text:
            w = 0.0  # a title with no text to report anything: a caption, not a theme
        cand = found.get(key)
        if cand is None:
            cand = found[key] = Candidate(p.kind, p.slug)
        cand.hits.append(Hit(where, p.alias, w, p.ambiguous, i in listed, role))
    if tax.matcher.policies:
        _policies(body, zone, mentions, starts, lead_end, tax, cfg, found)


def _corroborate(found: Candidates, tagged: set[tuple[str, str]], cfg: TaggingConfig) -> None:
    """An ambiguous alias counts only with corroboration: another alias of the same entry,
    the entry's source tag, an enumeration of companies, or a second mention of it (理想 once
    is a word; 理想 twice is the carmaker); otherwise its hits weigh nothing."""
    for key, cand in found.items():
        weak = [h for h in cand.hits if h.ambiguous]
        if weak and len(weak) < len(cand.hits):
            continue
        if weak and key not in tagged and not any(h.listed for h in weak) \
                and (len(weak) < cfg.ambiguous_min or _words_only(weak)):
            cand.hits = [h._replace(weight=0.0) for h in cand.hits]


def _merge_subsidiaries(found: Candidates, tax: Taxonomy) -> None:
    """A subsidiary named up front, then called by its parent's short name, takes the
    parent's mentions (the parent is then not scored)."""
    for key in [k for k in found if k[0] == "company"]:
        entry = tax.entry(*key)
        parent = ("company", entry.parent) if entry is not None and entry.parent else None
        if parent in found and found[key].up_front:
            found[key].hits += [h._replace(parent=True) for h in found.pop(parent).hits]


def _add_source_tags(found: Candidates, source_tags: tuple[str, ...], tax: Taxonomy,
                     cfg: TaggingConfig) -> None:
    """A mapped source tag adds to its theme (source_tag_weight when the text names the theme,
    source_tag_alone_weight when not); a company's tag only corroborates its name."""
    for value in source_tags:
        for key in tax.matcher.source_tags.get(source_tag_key(value), ()) \
                if tax.matcher is not None else ():
            if key[0] == "company":
                if key in found:
                    found[key].hits.append(Hit(TAG, value, 0.0))
                continue
            cand = found.get(key)
            named = cand is not None and cand.mentions > 0
            if cand is None:
                cand = found[key] = Candidate(*key)
            cand.hits.append(Hit(TAG, value, cfg.source_tag_weight if named
                                 else cfg.source_tag_alone_weight))


def _policies(body: str, zone: str, mentions: list[Mention], starts: list[int], lead_end: int,
              tax: Taxonomy, cfg: TaggingConfig, found: Candidates) -> None:
    """Policy vocabulary (规划, 政策, Gesetz, regulation…) in a sentence that names a theme a
    policy theme is the policy of: a hit for the policy theme, once per sentence."""
    words: dict[tuple[str, int], Mention] = {}
    for m in mentions:
        if m.pattern.kind == "policy":
            words.setdefault((m.pattern.slug, bisect_right(starts, m.start) - 1), m)
    if not words:
        return
    done: set[tuple[str, int]] = set()
    for slug, of in tax.matcher.policies.items():
        for m in mentions:
            if m.pattern.kind != "theme" or m.pattern.slug not in of or m.pattern.ambiguous:
                continue
            i = bisect_right(starts, m.start) - 1
            word = words.get((slug, i))
            if word is None or (slug, i) in done:
                continue
            done.add((slug, i))
            where = zone if zone == TITLE else LEAD if starts[i] < lead_end else BODY
            cand = found.get(("theme", slug))
            if cand is None:
                cand = found[("theme", slug)] = Candidate("theme", slug)
            cand.hits.append(Hit(where, f"{body[word.start:word.end]} + {m.pattern.alias}",
                                 cfg.policy_weight, role="implied: policy vocabulary"))


def _find(text: str, tax: Taxonomy) -> list[Mention]:
    return find_mentions(text, tax.matcher) if text and tax.matcher is not None else []
