"""docs/metrics.md is in step with the metric registry: its per-figure tables are exactly what
`python3 -m scripts.metrics_doc` writes from queries/metrics.py."""

import pytest

from dashboard.config import Targets
from queries.metrics import METRICS, PAGES, target_metrics
from scripts import metrics_doc

TEXT = metrics_doc.DOC.read_text(encoding="utf-8")


def test_docs_metrics_md_is_in_step_with_the_registry():
    assert metrics_doc.render(TEXT) == TEXT, f"docs/metrics.md is out of step: run `{metrics_doc.COMMAND}`"
    assert metrics_doc.main(["metrics_doc", "--check"]) == 0


def test_every_registered_figure_has_a_row_under_its_page():
    sections = {match.group("what"): match.group("body") for match in metrics_doc.BLOCK.finditer(TEXT)}
    for code, metric in METRICS.items():
        body = sections[f"figures page={metric.page}"]
        row = next((line for line in body.splitlines() if line.startswith(f"| `{code}` |")), None)
        assert row is not None, code
        assert metric.label in row and metric.caliber in row, code


def test_the_targets_table_gives_each_default_target():
    body = next(m.group("body") for m in metrics_doc.BLOCK.finditer(TEXT) if m.group("what") == "targets")
    rows = body.splitlines()[2:]
    assert len(rows) == len(target_metrics()) == len(Targets.__dataclass_fields__)
    # worked out from metrics.md's Targets table: 70 %, 100 %, 95 %, 90 %, 30 %, 95 %
    expected = {"差异化抽查占比": "≥ 70 %", "到期任务完成率": "100 %", "公示及时率": "≥ 95 %", "回访率": "≥ 90 %",
                "三级案件抽访比例": "≥ 30 %", "年报公示率": "≥ 95 %"}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[2] == expected[cells[0].split(" ")[0]], row


def test_a_changed_registry_entry_makes_the_check_fail(monkeypatch):
    code, metric = next(iter(METRICS.items()))
    changed = dict(METRICS, **{code: metric.__class__(**{**metric.__dict__, "caliber": "改过的口径"})})
    monkeypatch.setattr(metrics_doc, "METRICS", changed)
    assert metrics_doc.render(TEXT) != TEXT


def test_a_page_without_a_section_is_named():
    page = next(iter(PAGES))
    without = TEXT.replace(f"<!-- BEGIN generated: figures page={page} -->", "")
    with pytest.raises(ValueError, match=page):
        metrics_doc.render(without)


def test_the_document_never_points_outside_the_repository():
    assert "../shared" not in TEXT and "/work/" not in TEXT
