"""“Share to WhatsApp” links: RT/RW heads pass invitations, results and minutes on to their
WhatsApp groups. The text is always Indonesian (the groups' language), whatever the sharer's
interface language, and carries the page's absolute URL (PUBLIC_BASE_URL)."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from collab.i18n import when

TEXTS = {
    "fgd_invitation": _l("Invitation to the FGD “%(title)s” (%(when)s). Details and RSVP:"),
    "fgd_minutes": _l("The minutes of the FGD “%(title)s” are published:"),
    "proposal_result": _l("Council decision on the proposal “%(title)s”: %(result)s."),
    "council_results": _l("The results of the Smart City Council sitting “%(title)s” are published:"),
    "programme": _l("Keroyokan programme “%(title)s”:"),
}
SHARE_LOCALE = "id"


def whatsapp_text(kind: str, path: str, **params) -> str:
    with force_locale(SHARE_LOCALE):
        values = {k: when(v) if isinstance(v, datetime) else str(v) for k, v in params.items()}
        sentence = str(TEXTS[kind]) % values
    return f"{sentence} {current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{path}"


def whatsapp_url(kind: str, path: str, **params) -> str:
    """A `https://wa.me/?text=...` link (WhatsApp opens the share sheet with the text)."""
    return "https://wa.me/?text=" + quote(whatsapp_text(kind, path, **params), safe="")
