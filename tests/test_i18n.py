"""Every user-facing string has an Indonesian translation, with the same placeholders."""
import re

import pytest
from babel.messages.pofile import read_po

from collab.i18n_catalogues import catalogues

PO_FILES = [(name, cat["dir"] / "id" / "LC_MESSAGES" / "messages.po") for name, cat in catalogues().items()
            if (cat["dir"] / "id" / "LC_MESSAGES" / "messages.po").exists()]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("name,path", PO_FILES, ids=[n for n, _ in PO_FILES])
def test_catalogue_is_complete(name, path):
    with path.open("rb") as f:
        catalog = read_po(f)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        elif sorted(PLACEHOLDER.findall(ids[0])) != sorted(PLACEHOLDER.findall(strings[0])):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert not problems, "\n".join(problems)


def test_foundation_catalogue_exists():
    assert "foundation" in dict(PO_FILES)


def test_pages_render_in_indonesian_by_default(client):
    page = client.get("/masterplan/").get_data(as_text=True)
    assert 'lang="id"' in page and "Masuk" in page
