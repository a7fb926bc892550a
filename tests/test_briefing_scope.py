"""Briefings run in the user's scope (issue 13): the in-app briefing of a county-scoped viewer covers
their counties whatever the URL asks, and the command line's --user applies the access file's scope."""

from __future__ import annotations

import io

import pytest

from dashboard.briefing import app as briefing_app
from tests.apptest_support import open_page
from tests.fixture_base import KAILU, KEQIN, TODAY
from tests.test_access import access_file, proxy, url  # noqa: F401 - fixtures


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_in_app_briefing_of_a_county_user_covers_their_county(monkeypatch, url, proxy):
    made = []
    original = briefing_app.briefing_outputs

    def recording(run, ctx, *args, **kwargs):
        briefing, outputs = original(run, ctx, *args, **kwargs)
        made.append((ctx, outputs))
        return briefing, outputs

    monkeypatch.setattr(briefing_app, "briefing_outputs", recording)
    proxy("kailu")
    at = open_page(monkeypatch, url, params={"county": KEQIN})  # the URL asks for another county
    assert not at.exception, at.exception
    paragraph = "\n".join(code.value for code in at.code)
    assert "开鲁县" in paragraph and "科尔沁" not in paragraph
    at.pills(key="briefing_formats").set_value(["docx"]).run()
    at.button(key="briefing_go").click().run(timeout=180)
    assert not at.exception and not at.error
    (ctx, outputs), = made
    assert ctx.filters.counties == (KAILU,)
    text = _docx_text(next(o.data for o in outputs if o.name.endswith(".docx")))
    assert "开鲁县" in text and "科尔沁" not in text


@pytest.fixture
def cli_env(monkeypatch, url, access_file):
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(access_file))


def test_the_command_line_writes_a_users_briefing_in_their_scope(cli_env, tmp_path, capsys):
    from dashboard.briefing.__main__ import main

    out = tmp_path / "kailu"
    assert main(["--user", "kailu", "--format", "docx", "--topics", "penalties", "--quiet", "--out", str(out)]) == 0
    written, = out.iterdir()
    text = _docx_text(written.read_bytes())
    assert "开鲁县" in text and "科尔沁" not in text


@pytest.mark.parametrize("user, county, sentence", [
    ("kailu", KEQIN, f"旗县市区 {KEQIN} 不在账号 kailu 的查看范围内，不生成简报。"),
    ("newcomer", "", "账号 newcomer 尚未配置可查看的旗县市区，不生成简报。"),
    ("stranger", KAILU, "账号 stranger 尚未配置可查看的旗县市区，不生成简报。"),
])
def test_the_command_line_refuses_what_the_users_scope_does_not_allow(cli_env, tmp_path, capsys, user, county, sentence):
    from dashboard.briefing.__main__ import main

    args = ["--user", user, "--format", "docx", "--topics", "penalties", "--quiet", "--out", str(tmp_path / "x")]
    assert main(args + (["--county", county] if county else [])) == 1
    assert capsys.readouterr().err.strip() == sentence
    assert not (tmp_path / "x").exists()
