"""An article's language from its title and text, with py3langid (a maintained langid.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from . import textutil

_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")
_HAN = re.compile(f"[{textutil.HAN}]")

LANGUAGES = ("zh", "en", "de", "fr", "es", "it", "nl", "pt", "tr", "ja", "ko", "ru", "pl", "sv",
             "da")
"""What the detector chooses among: the archive's three languages and the others its sources
carry now and then (a Turkish or French post on an English wind blog). Restricting the set keeps
short titles from landing on a rare language that merely shares a few letter n-grams."""
SAMPLE = 2000
"""Characters of the body read besides the title: a lead identifies a language."""


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415 (0.5 s: on use)

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


SURE = 0.5
"""The detector's probability below which its answer is a guess (short Latin titles)."""
SHORT = 6
"""Fewer Latin words than this (a title such as `Laos Wind Map` and no body) are a guess
whatever the probability: three words share n-grams with too many languages."""


def detect(title: str, text: str, default: str) -> tuple[str, bool]:
    """The language tag (`zh-CN`, `en`, `de`…) of an article and whether the detector was
    sure; `default` (not sure) when nothing tells.

    The title counts twice (it is what a reader sees first, and an empty body leaves only it);
    han characters outnumbering Latin words decide for Chinese without the model (the model
    confuses short Chinese headlines with Wu or Cantonese)."""
    sample = f"{title}\n{title}\n{text[:SAMPLE]}".strip()
    cjk, words = textutil.counts(sample)
    if cjk == 0 and words == 0:
        return default, False
    if cjk > words:
        if _KANA.search(sample):
            return "ja", True
        if _HANGUL.search(sample) and not _HAN.search(sample):
            return "ko", True
        return _chinese(default), True
    code, p = _identifier().classify(sample)
    enough = textutil.counts(f"{title}\n{text[:SAMPLE]}")[1] >= SHORT
    return (_chinese(default) if code == "zh" else code), p >= SURE and enough


def _chinese(default: str) -> str:
    return default if default.lower().startswith("zh") else "zh-CN"
