"""User text: sanitising for the few places where it is rendered as HTML."""
from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape

_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}
_URL = re.compile(r"(https?://[^\s<]+)")


def clean_html(value: str | None) -> str:
    """Sanitise HTML with nh3 (ammonia): a safe subset, links get rel=noopener noreferrer."""
    return nh3.clean(value or "", tags=_ALLOWED_TAGS, attributes={"a": {"href"}},
                     link_rel="noopener noreferrer nofollow")


def paragraphs(value: str | None) -> Markup:
    """Plain text to HTML paragraphs with clickable links; the text itself is escaped first."""
    if not value:
        return Markup("")
    parts = []
    for block in re.split(r"\n\s*\n", str(value).strip()):
        html = str(escape(block)).replace("\n", "<br>")
        html = _URL.sub(r'<a href="\1">\1</a>', html)
        parts.append(f"<p>{html}</p>")
    return Markup(clean_html("".join(parts)))


def squash(value: str | None) -> str:
    """Trim and collapse white space in single-line input."""
    return " ".join((value or "").split())


_MARKDOWN_TAGS = _ALLOWED_TAGS | {"h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "del",
                                  "table", "thead", "tbody", "tr", "th", "td"}


def markdown(value: str | None) -> Markup:
    """Markdown (CommonMark and tables; raw HTML is not passed through) to HTML, sanitised with
    nh3 all the same, for documents people write in Markdown such as FGD minutes."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(value or "")
    return Markup(nh3.clean(html, tags=_MARKDOWN_TAGS, attributes={"a": {"href"}},
                            link_rel="noopener noreferrer nofollow"))
