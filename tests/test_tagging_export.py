"""Implied themes reach the site with their evidence: api/articles.json and check --explain."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import make_site

from builder import config
from builder.build import run

POST = """---
title: "How accurate is Vortex?"
date: 2016-05-02
categories: [Photovoltaik]
---
Vortex compares its model with your masts.

The government published a new regulation for offshore wind farms last week.

The regulation also sets subsidies for offshore wind.

Photovoltaik is not our field, but our Photovoltaik data helps.
"""


def test_implied_themes_and_their_evidence_in_the_export_and_explain(tmp_path):
    site = make_site(tmp_path, {"post.md": POST})
    cfg = config.load(site)
    result = run(cfg)
    assert result.ok, result.problems
    data = json.loads((cfg.path("output_dir") / "api/articles.json").read_text())
    [article] = data["articles"]
    tags = {t["slug"]: t for t in article["tags"]}
    assert "company: vortex (implied) ×1" in tags["wind-power"]["evidence"]
    assert any("(implied: policy vocabulary)" in e for e in tags["energy-policy"]["evidence"])
    assert "source tag: Photovoltaik ×1" in tags["solar"]["evidence"]
    explained = subprocess.run([sys.executable, "-m", "builder", "check", "--config", str(site),
                                "--explain", str(tmp_path / "content" / "post.md")],
                               capture_output=True, text=True, check=True).stdout
    assert "+ company vortex" in explained and "named in the title" in explained
    assert "company: vortex (implied) ×1" in explained
    assert "regulation + offshore wind (implied: policy vocabulary) ×1" in explained
