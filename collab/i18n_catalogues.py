"""Where each gettext catalogue's sources live. One catalogue per domain package (so domains
evolve their strings independently); the foundation holds the shared pages.

`flask i18n update` extracts and merges; `flask i18n compile` builds the .mo files;
tests/test_i18n.py checks that every string has an Indonesian translation.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOUNDATION_PACKAGES = ["core", "accounts", "areas", "orgs", "masterplan", "home"]
FOUNDATION_TEMPLATES = ["accounts", "areas", "orgs", "masterplan", "home", "errors"]


def catalogues() -> dict[str, dict]:
    """name -> {"dir": translations directory, "sources": [paths]}."""
    cats = {"foundation": {
        "dir": ROOT / "collab" / "translations",
        "sources": [p for p in (ROOT / "collab").glob("*.py")]
        + [ROOT / "collab" / pkg for pkg in FOUNDATION_PACKAGES]
        + [p for p in (ROOT / "templates").glob("*.html")]
        + [ROOT / "templates" / t for t in FOUNDATION_TEMPLATES],
    }}
    for pkg in sorted((ROOT / "collab").iterdir()):
        if pkg.is_dir() and pkg.name not in FOUNDATION_PACKAGES and (pkg / "__init__.py").exists() and pkg.name != "translations":
            sources = [pkg] + ([ROOT / "templates" / pkg.name] if (ROOT / "templates" / pkg.name).exists() else [])
            cats[pkg.name] = {"dir": pkg / "translations", "sources": sources}
    return cats


def translation_directories() -> list[str]:
    return [str(c["dir"]) for c in catalogues().values() if c["dir"].exists()]
