"""The tagger measured against the editor's labels (tests/data/editor-labels/) through the
real per-article pipeline; tests/eval_tagging.py prints the details."""

from __future__ import annotations

import eval_tagging
import pytest

pytestmark = pytest.mark.corpus

FLOORS = {
    "tune": {"company": (0.94, 0.96), "theme": (0.88, 0.75)},
    "held-out": {"company": (0.77, 0.80), "theme": (0.83, 0.71)},
}
"""What the tagger reaches now, per half, minus a small margin: a change to the rules, the
taxonomy or the text extraction that loses more than that fails here. These are below the
issue's targets (eval_tagging.TARGETS), which are NOT met yet: see test_issue_targets."""


@pytest.fixture(scope="module")
def measured():
    if not eval_tagging.CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    rows, _, _ = eval_tagging.run("all")
    return rows


def test_every_labelled_file_is_read_and_the_set_is_large_enough(measured):
    assert len(measured) == len(eval_tagging.load_labels()) >= 300
    assert {r.lang for r in measured} == {"zh", "en", "de"}
    # Files the build skips (a slide deck dated year 1 has no usable date) count with no
    # tags: they lower recall, they are not left out.
    assert all("no usable date" in r.error for r in measured if r.error)


def test_the_split_is_deterministic_and_about_half():
    paths = [item["path"] for item in eval_tagging.load_labels()]
    tune = [p for p in paths if eval_tagging.split_of(p) == "tune"]
    assert tune == [p for p in paths if eval_tagging.split_of(p) == "tune"]
    assert 0.4 <= len(tune) / len(paths) <= 0.6
    assert eval_tagging.split_of("rsshub-page/a.md") == eval_tagging.split_of("rsshub-page/a.md")


@pytest.mark.parametrize("split", ["tune", "held-out"])
@pytest.mark.parametrize("kind", eval_tagging.KINDS)
def test_no_regression_below_the_floor(measured, split, kind):
    counts = eval_tagging.tally([r for r in measured if r.split == split])[kind]
    precision, recall = FLOORS[split][kind]
    assert counts.precision >= precision and counts.recall >= recall, \
        f"{split} {kind}: P {counts.precision:.3f} R {counts.recall:.3f} " \
        f"(floor P {precision} R {recall})"


@pytest.mark.xfail(reason="issue #13's targets are not met on the held-out half yet "
                          "(README, tagging table)", strict=False)
@pytest.mark.parametrize("kind", eval_tagging.KINDS)
def test_issue_targets(measured, kind):
    counts = eval_tagging.tally([r for r in measured if r.split == "held-out"])[kind]
    assert eval_tagging.meets(counts, kind), \
        f"{kind}: P {counts.precision:.3f} R {counts.recall:.3f} " \
        f"(target {eval_tagging.TARGETS[kind]})"
