"""Access by county: sign-in by password or by a trusted proxy's header, each user's scope, deny by
default; with no sign-in configured the app is as before (every other page test)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from dashboard import access
from tests.apptest_support import open_page, shown_text, sqlite_fixture
from tests.fixture_base import KAILU, KAILU_TOWN, KEQIN, KEQIN_YONGQING
from tests.test_overview_page import rows as overview_rows

PAGES = [None, "pages/credit_risk.py", "pages/inspections.py", "pages/lists.py", "pages/revisits.py", "pages/penalties.py"]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sqlite_fixture(tmp_path_factory.mktemp("access"), overview_rows())


@pytest.fixture(scope="module")
def access_file(tmp_path_factory):
    import streamlit_authenticator as stauth

    path = tmp_path_factory.mktemp("access_file") / "access.yaml"
    hashed = stauth.Hasher.hash("kailu-pass")
    path.write_text(
        "credentials:\n  usernames:\n"
        f"    kailu:\n      name: 开鲁县局\n      password: '{hashed}'\n      counties: [{KAILU}]\n"
        f"    leader:\n      name: 市局领导\n      password: '{hashed}'\n      counties: all\n"
        f"    newcomer:\n      name: 新用户\n      password: '{hashed}'\n"
        "cookie: {name: jianguan_test, key: test-secret-key-0123456789-abcdefghijkl, expiry_days: 1}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def proxy(monkeypatch, access_file):
    """Sign-in by a trusted proxy; returns a function setting the user the proxy passes."""
    monkeypatch.setenv("DASHBOARD_AUTH", "proxy")
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(access_file))
    user = {}
    monkeypatch.setattr(access, "request_headers", lambda: dict(user))

    def sign_in(name: str | None):
        user.clear()
        if name:
            user["X-Forwarded-User"] = name

    return sign_in


def _counties_shown(at) -> list[str]:
    return list(at.sidebar.multiselect[0].options)


def test_without_sign_in_everyone_sees_every_county(monkeypatch, url):
    at = open_page(monkeypatch, url)
    assert not at.exception and not at.error
    assert len(_counties_shown(at)) == 2
    assert "全市" in shown_text(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_county_user_sees_only_their_county(monkeypatch, url, proxy, page):
    proxy("kailu")
    at = open_page(monkeypatch, url, page=page)
    assert not at.exception, at.exception
    assert _counties_shown(at) == ["开鲁县"]
    assert "，开鲁县" in shown_text(at)  # the filter sentence names their county, not 全市
    assert "科尔沁区" not in shown_text(at)


def test_a_link_to_another_county_is_refused_with_a_notice(monkeypatch, url, proxy):
    proxy("kailu")
    at = open_page(monkeypatch, url, params={"county": KEQIN, "office": KEQIN_YONGQING})
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert f"链接中的旗县市区“{KEQIN}”不在您的查看范围内，已改为您可查看的地区。" in warnings
    assert at.query_params["county"] in (KAILU, [KAILU])
    assert "科尔沁区" not in shown_text(at)
    own_office = open_page(monkeypatch, url, params={"county": KAILU, "office": KAILU_TOWN})
    assert own_office.query_params["office"] in (KAILU_TOWN, [KAILU_TOWN])


def test_a_whole_city_user_sees_every_county(monkeypatch, url, proxy):
    proxy("leader")
    at = open_page(monkeypatch, url)
    assert len(_counties_shown(at)) == 2 and "全市" in shown_text(at)


@pytest.mark.parametrize("user", ["newcomer", "stranger"])
def test_a_user_without_a_scope_sees_nothing(monkeypatch, url, proxy, user):
    proxy(user)
    at = open_page(monkeypatch, url)
    assert not at.exception
    assert [e.value for e in at.error] == [f"账号 {user} 尚未配置可查看的旗县市区，请联系管理员。"]
    assert not at.metric and not at.get("plotly_chart")


def test_no_user_from_the_proxy_is_refused(monkeypatch, url, proxy):
    proxy(None)
    at = open_page(monkeypatch, url)
    assert [e.value for e in at.error] == ["本系统须经单位统一登录访问（未收到登录用户信息 X-Forwarded-User）。"]
    assert not at.metric


SIGN_IN_SCRIPT = """
import streamlit as st
from dashboard import access
person = access.viewer()
st.markdown(f"signed in: {person.name} {person.counties}")
"""


def test_password_sign_in_form(monkeypatch, access_file, tmp_path):
    """The sign-in form on its own (AppTest reruns the whole app once per run to leave streamlit's
    legacy pages mode, which drops a form's submit click; the real server does that once)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_AUTH", "password")
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(access_file))
    at = AppTest.from_string(SIGN_IN_SCRIPT, default_timeout=30).run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    at.text_input[0].input("kailu")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert "用户名或密码不正确。" in [e.value for e in at.error]
    assert not any(m.value.startswith("signed in") for m in at.markdown)
    at.text_input[0].input("kailu")
    at.text_input[1].input("kailu-pass")
    at.button[0].click().run()
    assert f"signed in: kailu ('{KAILU}',)" in [m.value for m in at.markdown]


def test_password_mode_shows_nothing_before_sign_in_and_the_scope_after(monkeypatch, url, access_file):
    monkeypatch.setenv("DASHBOARD_AUTH", "password")
    monkeypatch.setenv("DASHBOARD_AUTH_FILE", str(access_file))
    at = open_page(monkeypatch, url)
    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.metric and "数据截至" not in shown_text(at)
    at.session_state["authentication_status"] = True  # as the form leaves a signed-in session
    at.session_state["username"] = "kailu"
    at.session_state["name"] = "开鲁县局"
    at.run()
    assert not at.exception, at.exception
    assert at.metric
    assert _counties_shown(at) == ["开鲁县"]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(county=hs.lists(hs.sampled_from([KEQIN, KAILU, "999999", ""]), max_size=3).map(",".join),
       page=hs.sampled_from(PAGES))
def test_scope_is_never_wider_than_allowed(monkeypatch, url, proxy, county, page):
    proxy("kailu")
    at = open_page(monkeypatch, url, page=page, params={"county": county})
    assert not at.exception
    shown = at.query_params.get("county", "")
    shown = shown if isinstance(shown, str) else ",".join(shown)
    assert shown == KAILU
