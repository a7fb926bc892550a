"""Untrusted text made inert before it is shown, and credentials masked before anything prints.

Names, reasons and codes from the reporting database, URL parameters and driver error texts
are untrusted: a region called `[登录](http://…)` must not become a link, `![](http://…)` must
not make the browser fetch an outside image, `<a href>` must not become a link in a plotly
label, `:red[…]` must not colour, and a value of 10 000 characters must not be echoed whole.

`as_text` is applied once, where such a value enters the app (region names, bureau name,
unknown codes, URL parameters, error texts). It turns every character that Streamlit markdown,
its directives, KaTeX or plotly's HTML subset act on into its full-width form (the register of
Chinese text), breaks `www.`/e-mail autolinks, drops control and format characters, and cuts the
value to `limit` characters. The result is the same harmless text in markdown, in a plotly
label or hover, in a table and in a CSV, so a value need not know where it ends up.
"""

from __future__ import annotations

import re
import unicodedata

NAME_LIMIT = 40
"""Characters of a name (region, office, reason, bureau) shown."""

ECHO_LIMIT = 40
"""Characters of a URL parameter echoed back in a notice."""

ERROR_LIMIT = 200
"""Characters of a driver's error text quoted in a message."""

ELLIPSIS = "…"

# Markdown, GFM, Streamlit directives (:red[…], :material/…:), KaTeX ($), HTML and entities (<, &).
_FULL_WIDTH = str.maketrans({
    "[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞", "!": "！", "*": "＊",
    "_": "＿", "`": "｀", "$": "＄", "\\": "＼", "#": "＃", "|": "｜", "~": "～", ":": "：",
    "&": "＆", "@": "＠", "{": "｛", "}": "｝", "^": "＾", "=": "＝", "+": "＋",
})
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


def as_text(value, limit: int = NAME_LIMIT) -> str:
    """`value` as inert display text of at most `limit` characters (None → "")."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > limit * 4:  # no need to scan a huge value beyond what can be shown
        text = text[: limit * 4]
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in text if unicodedata.category(c) != "Cf")
    text = _WWW.sub(r"\1．", " ".join(text.split()).translate(_FULL_WIDTH))
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


# scheme://user:password@host — the user-info runs to the last "@" of the token, so a password
# containing "@" or "/" is masked whole; an unparseable URL is masked the same way.
_USER_INFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^\s'\"]*@")
_KEY_VALUE_PASSWORD = re.compile(r"(?i)\b(password|passwd|pwd)\s*=\s*('[^']*'|\"[^\"]*\"|[^\s&;]+)")


def mask_credentials(text: str) -> str:
    """`text` with the user-info of every URL in it (and `password=…` pairs) replaced by ***."""
    masked = _USER_INFO.sub(lambda m: f"{m.group('scheme')}***@", str(text))
    return _KEY_VALUE_PASSWORD.sub(lambda m: f"{m.group(1)}=***", masked)


def csv_cell(value):
    """A value for a CSV/Excel export: text starting like a formula (=, +, -, @) is prefixed with
    an apostrophe so a spreadsheet shows it instead of evaluating it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class DisplayNames(dict):
    """{region code: inert name}; a code missing from the region table (an orphan row's code,
    itself database text) is shown as inert text too, by `get(code, code)` as the pages ask."""

    def get(self, key, default=None):
        if key in self:
            return self[key]
        return as_text(default) if isinstance(default, str) else default


def display_regions(regions):
    """The region tree with every name inert and a NULL or empty name shown as its code."""
    names = [
        as_text(name) if isinstance(name, str) and name.strip() else f"{as_text(code)}（名称未填写）"
        for code, name in zip(regions["code"], regions["name"])
    ]
    return regions.assign(name=names)
