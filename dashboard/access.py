"""Who may see which counties: optional sign-in, and each user's scope.

Setting `auth` (environment `DASHBOARD_AUTH` or `[dashboard] auth` in secrets.toml):
- `none` (the default): no sign-in, everyone sees the whole city — the app as it always was.
- `password`: a sign-in form (streamlit-authenticator) checks bcrypt-hashed passwords kept in
  the access file (`auth_file`, YAML); a cookie keeps the session signed in.
- `proxy`: a reverse proxy in front of the app has signed the user in and passes the user name
  in a header (`auth_header`, default `X-Forwarded-User`). Only for a server reachable through
  that proxy alone (bind streamlit to 127.0.0.1), since the header is believed as sent.

The access file lists the users and their scope:

    credentials:
      usernames:
        zhangsan:
          name: 张三
          password: $2b$12$…      # streamlit_authenticator.Hasher.hash("…"); not needed for proxy
          counties: all            # the whole city; or a list of county codes: [150502, 150523]
    cookie: {name: jianguan_auth, key: a-long-random-secret, expiry_days: 1}

A signed-in user without `counties` sees nothing (deny by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import config
from dashboard.safe import as_text

MODES = ("none", "password", "proxy")
WHOLE_CITY = ("all", "city", "全市")


@dataclass(frozen=True)
class Viewer:
    """A user and the counties they may see: `counties` None = the whole city, () = nothing."""

    name: str | None
    counties: tuple[str, ...] | None


EVERYONE = Viewer(None, None)


def mode() -> str:
    """The configured sign-in mode (an unknown value denies: see `viewer`)."""
    return (config.setting("auth", "none") or "none").strip().lower()


def _access_file() -> dict:
    import yaml

    path = config.setting("auth_file")
    if not path or not Path(path).exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def scope_of(entry: dict | None) -> tuple[str, ...] | None:
    """The counties of one user's access-file entry: None (whole city), or a tuple (maybe empty)."""
    if not entry or "counties" not in entry or entry["counties"] is None:
        return ()
    counties = entry["counties"]
    if isinstance(counties, str):
        return None if counties.strip().lower() in WHOLE_CITY else tuple(c.strip() for c in counties.split(",") if c.strip())
    return tuple(str(c).strip() for c in counties)


def user_scope(name: str) -> tuple[str, ...] | None:
    """The scope of the access file's user `name` (an unknown user: nothing, deny by default)."""
    users = (_access_file().get("credentials") or {}).get("usernames") or {}
    return scope_of(users.get(name))


def request_headers() -> dict:
    """The current request's headers (a function, so tests can stand in for a proxy)."""
    try:
        return dict(st.context.headers)
    except Exception:  # noqa: BLE001 - outside a browser session there are none
        return {}


def viewer() -> Viewer:
    """The signed-in user and their scope; shows the sign-in form (and stops the run) until a
    user has signed in. With sign-in off, EVERYONE."""
    chosen = mode()
    if chosen == "none":
        return EVERYONE
    users = (_access_file().get("credentials") or {}).get("usernames") or {}
    if chosen == "proxy":
        header = config.setting("auth_header", "X-Forwarded-User")
        wanted = header.lower()
        name = next((v for k, v in request_headers().items() if k.lower() == wanted), None)
        if not name:
            _stop(f"本系统须经单位统一登录访问（未收到登录用户信息 {as_text(header)}）。")
        return Viewer(name, scope_of(users.get(name)))
    if chosen == "password":
        return _password_viewer(users)
    _stop(f"配置项 DASHBOARD_AUTH={as_text(chosen)} 无效（应为 none、password 或 proxy），已拒绝访问。")
    return Viewer(None, ())  # not reached: st.stop() ends the run


def _password_viewer(users: dict) -> Viewer:
    import streamlit_authenticator as stauth

    settings = _access_file()
    if not users:
        _stop("已开启登录（DASHBOARD_AUTH=password），但访问配置文件（DASHBOARD_AUTH_FILE）缺失或没有用户。")
    cookie = settings.get("cookie") or {}
    authenticator = stauth.Authenticate(
        {"usernames": users},
        cookie.get("name", "jianguan_auth"),
        cookie.get("key", ""),
        float(cookie.get("expiry_days", 1)),
        auto_hash=False,
    )
    fields = {"Form name": "登录监管驾驶舱", "Username": "用户名", "Password": "密码", "Login": "登录"}
    try:
        authenticator.login(location="main", fields=fields, key="jianguan_login")
    except Exception:  # noqa: BLE001 - a malformed entry must not show a traceback
        _stop("登录失败：访问配置文件有误，请联系管理员。")
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("用户名或密码不正确。")
    if not status:
        st.stop()
    name = st.session_state.get("username")
    authenticator.logout("退出登录", location="sidebar", key="jianguan_logout")
    return Viewer(name, scope_of(users.get(name)))


def _stop(sentence: str) -> None:
    st.error(sentence, icon=":material/lock:")
    st.stop()


def require_scope(person: Viewer) -> None:
    """Stop with one sentence when a signed-in user may see nothing (deny by default)."""
    if person.counties == ():
        _stop(f"账号 {as_text(person.name)} 尚未配置可查看的旗县市区，请联系管理员。")


def visible_regions(regions, person: Viewer):
    """The region tree the user may choose from: the city, their counties and those counties' offices."""
    if person.counties is None or regions.empty:
        return regions
    allowed = set(person.counties)
    keep = (regions["level"] == "city") | regions["code"].isin(allowed) | (
        (regions["level"] == "office") & regions["parent_code"].isin(allowed)
    )
    return regions[keep].reset_index(drop=True)
