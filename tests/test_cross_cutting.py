"""The rules every domain shares, checked over the whole code base so a new page, script or socket
event cannot slip past them: CSRF on every form that posts, no inline script or style (the CSP
forbids them), nothing loaded from another site (the city network may have no internet), every
socket namespace authenticates on connect and every client event goes through the rate-limited
wrapper."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
OWN_JS_CSS = sorted([*(ROOT / "static" / "js").rglob("*.js"), *(ROOT / "static" / "css").rglob("*.css")])
NAMESPACES = sorted((ROOT / "collab").glob("*/events.py"))

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
# what puts the token into a form: the field itself, WTForms' helpers, or the shared macros that add it
CSRF = re.compile(r"csrf_token|hidden_tag\(|post_button\(")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_every_form_that_posts_carries_the_csrf_token(path):
    text = path.read_text(encoding="utf-8")
    missing = [m.group(0)[:120] for m in FORM.finditer(text)
               if re.search(r"method\s*=\s*[\"']?post", m.group("attrs"), re.I) and not CSRF.search(m.group("body"))]
    assert not missing, f"{_rel(path)}: a POST form without csrf_token: {missing}"


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on...= event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_no_inline_script_or_style_in_templates(path):
    text = path.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{_rel(path)} has {found}: the CSP refuses them; use static/js or static/css/app.css"


TAG = re.compile(r"<(?P<name>script|link|img|iframe|source|video|audio|embed|object|form)\b(?P<attrs>[^>]*)>", re.I)
REMOTE = re.compile(r"""(?:src|href|action|data)\s*=\s*["']\s*(?:https?:)?//""", re.I)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)
JS_LOAD = re.compile(r"""(?:import\s*\(|importScripts\s*\(|\.src\s*=)\s*["'](?:https?:)?//""", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_templates_load_nothing_from_another_site(path):
    """Links people click (a wa.me share) may leave the site; nothing the page loads may."""
    text = path.read_text(encoding="utf-8")
    loads = [m.group(0) for m in TAG.finditer(text) if REMOTE.search(m.group("attrs"))]
    assert not loads, f"{_rel(path)} loads from another site: {loads} (vendor it under static/vendor)"


@pytest.mark.parametrize("path", OWN_JS_CSS, ids=_rel)
def test_own_scripts_and_styles_load_nothing_from_another_site(path):
    text = path.read_text(encoding="utf-8")
    assert not CSS_IMPORT.search(text) and not JS_LOAD.search(text), f"{_rel(path)} loads from another site"


@pytest.mark.parametrize("path", NAMESPACES, ids=_rel)
def test_socket_namespaces_authenticate_and_rate_limit_every_client_event(path):
    text = path.read_text(encoding="utf-8")
    handlers = re.findall(r"@socketio\.on\(\s*[\"'](\w+)[\"']", text)
    assert set(handlers) <= {"connect", "disconnect"}, (
        f"{_rel(path)}: client events {sorted(set(handlers) - {'connect', 'disconnect'})} bypass "
        "collab.core.sockets.socket_event (authentication per event and the per-user rate limit)")
    connect = re.search(r"@socketio\.on\(\s*[\"']connect[\"'][^)]*\)\s*def \w+\([^)]*\):(?P<body>.*?)(?=\n@|\ndef |\Z)",
                        text, re.S)
    assert connect and "authenticate(" in connect.group("body"), f"{_rel(path)}: connect does not authenticate"


STATIC_REF = re.compile(r"url_for\(\s*['\"]static['\"]\s*,\s*filename\s*=\s*['\"]([^'\"]+)['\"]")


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_every_static_file_a_template_names_is_served_by_the_app(path):
    missing = [name for name in STATIC_REF.findall(path.read_text(encoding="utf-8"))
               if not (ROOT / "static" / name).is_file()]
    assert not missing, f"{_rel(path)} names static files that are not vendored or written: {missing}"
