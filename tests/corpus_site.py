"""The reader's corpus site: the four news folders of ../shared/corpus plus the seeds, copied
into a temporary content folder (never into the repository)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import CONTENT, CORPUS

NEWS = ("rsshub-page", "finews-jekyll", "renewable-energy-news", "vortex-wind-jekyll")
TITLE_200WH = "能量密度突破200Wh/kg！宁德时代申请无负极金属电池专利"


def make_content(dest: Path) -> Path:
    """`dest/content` with the news folders and the seed articles; returns it."""
    content = dest / "content"
    content.mkdir(parents=True, exist_ok=True)
    for folder in NEWS:
        shutil.copytree(CORPUS / folder, content / folder)
    for seed in sorted(CONTENT.glob("*.md")):
        shutil.copy2(seed, content / seed.name)
    return content
