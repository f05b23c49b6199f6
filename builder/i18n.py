"""Interface strings: one catalog per interface language (theme's `i18n/<lang>.yaml`), English
underneath; language names and dates as a reader of each language writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

FALLBACK = "en"
ENDONYMS = {"zh": "中文", "en": "English", "de": "Deutsch", "fr": "Français", "es": "Español",
            "it": "Italiano", "nl": "Nederlands", "pt": "Português", "tr": "Türkçe", "ja": "日本語",
            "ko": "한국어", "ru": "Русский", "pl": "Polski", "sv": "Svenska", "da": "Dansk"}
"""A language's own name: a language switch names each language the way its readers do."""


class CatalogError(ValueError):
    """A catalog file that cannot be read (its path and the reason in the message)."""


@dataclass(frozen=True)
class Catalog:
    """The strings of one interface language; missing keys come from English."""

    language: str
    strings: dict

    def __call__(self, key: str, **values: object) -> str:
        text = self.strings[key]
        return text.format(**values) if values else text

    def month(self, year: int, month: int) -> str:
        return self("month_year", year=year, month=self.strings["months"][month - 1])


def primary(language: str) -> str:
    return language.split("-")[0].lower()


def load(folders: list[Path]) -> dict[str, dict]:
    """language → strings, from `<folder>/<lang>.yaml`; earlier folders override later ones
    key by key (a site's own catalog over the theme's)."""
    found: dict[str, dict] = {}
    for folder in reversed(folders):
        if not folder.is_dir():
            continue
        for f in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise CatalogError(f"{f}: cannot read the catalog: {exc}") from exc
            if not isinstance(data, dict):
                raise CatalogError(f"{f}: a catalog is a mapping of keys to strings")
            found.setdefault(f.stem, {}).update(data)
    if FALLBACK not in found:
        raise CatalogError(f"no {FALLBACK}.yaml catalog in {', '.join(map(str, folders))}")
    return found


def catalog(catalogs: dict[str, dict], language: str) -> Catalog:
    """The catalog for `language` (`zh-CN` → `zh-CN.yaml`, else `zh.yaml`), English below it."""
    strings = dict(catalogs[FALLBACK])
    for name in (primary(language), language):
        strings.update(catalogs.get(name, {}))
    return Catalog(language if primary(language) in catalogs else FALLBACK, strings)


def has(catalogs: dict[str, dict], language: str) -> bool:
    return language in catalogs or primary(language) in catalogs


def language_name(catalogs: dict[str, dict], language: str) -> str:
    code = primary(language)
    return catalogs.get(code, {}).get("language_name") or ENDONYMS.get(code, code)


def date(moment: datetime, language: str, catalogs: dict[str, dict]) -> str:
    """A date as its readers write it: `2022年7月20日`, `21. März 2026`, `24 April 2014`."""
    code = primary(language)
    if code in ("zh", "ja"):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    months = catalogs.get(code, catalogs[FALLBACK]).get("months") or catalogs[FALLBACK]["months"]
    day = f"{moment.day}." if code == "de" else str(moment.day)
    return f"{day} {months[moment.month - 1]} {moment.year}"
