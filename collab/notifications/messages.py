"""The texts of notifications, per kind, rendered in the reader's language.

Each kind has one sentence with named parameters (`%(title)s`, `%(actor)s`, ...). The
parameters are plain strings stored with the notification, so the same notification reads in
Indonesian for one person and in English for another.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from collab.i18n import when

TEXTS = {
    # proposals
    "proposal_submit": _l("Proposal “%(title)s” was submitted and waits to be assigned to an OPD."),
    "proposal_resubmitted": _l("Proposal “%(title)s” was revised and submitted again."),
    "proposal_start_review": _l("%(actor)s started reviewing your proposal “%(title)s”."),
    "proposal_request_revision": _l("Your proposal “%(title)s” needs a revision: %(note)s"),
    "proposal_mark_ready": _l("Your proposal “%(title)s” is ready for the council."),
    "proposal_open_voting": _l("The council vote on your proposal “%(title)s” is open."),
    "proposal_accept": _l("Your proposal “%(title)s” was accepted by the council."),
    "proposal_reject": _l("Your proposal “%(title)s” was rejected by the council."),
    "endorsed_accept": _l("The proposal “%(title)s” that you endorsed was accepted by the council."),
    "endorsed_reject": _l("The proposal “%(title)s” that you endorsed was rejected by the council."),
    "proposal_withdraw": _l("Proposal “%(title)s” was withdrawn."),
    "proposal_merge": _l("Your proposal “%(title)s” was merged into another proposal."),
    "proposal_carry_over": _l("Your proposal “%(title)s” was carried over to the next cycle."),
    "proposal_endorsed": _l("%(actor)s endorsed your proposal “%(title)s”."),
    "proposal_commented": _l("%(actor)s commented on your proposal “%(title)s”."),
    "review_requested": _l("Proposal “%(title)s” was assigned to %(opd)s for review."),
    # fgd
    "fgd_invited": _l("You are invited to the FGD “%(title)s” on %(when)s."),
    "fgd_reminder": _l("Reminder: the FGD “%(title)s” starts on %(when)s."),
    "fgd_minutes_published": _l("The minutes of the FGD “%(title)s” are published."),
    "fgd_point_proposed": _l("Your point in the FGD “%(fgd)s” became the draft proposal “%(title)s”: complete and "
                             "submit it."),
    # council
    "council_sitting_convened": _l("A council sitting was convened: %(title)s."),
    "council_vote_opened": _l("The vote is open in the council sitting “%(title)s”."),
    "council_no_quorum": _l("The council vote on “%(title)s” did not reach a quorum."),
    "council_result": _l("Council sitting “%(sitting)s” decided on the proposal “%(title)s”: %(result)s."),
    # programmes
    "programme_invited": _l("Your organisation is invited to the programme “%(title)s”."),
    "programme_accepted": _l("%(org)s accepted the invitation to “%(title)s”."),
    "programme_declined": _l("%(org)s declined the invitation to “%(title)s”."),
    "commitment_fulfilled": _l("%(org)s fulfilled a commitment in “%(title)s”."),
    "milestone_completed": _l("Milestone “%(milestone)s” of “%(title)s” is done."),
    "milestone_due": _l("Milestone “%(milestone)s” of “%(title)s” is due on %(when)s."),
    "commitment_due": _l("A commitment of %(org)s to “%(title)s” is due on %(when)s."),
}

# a council result is stored as its value and named in the reader's language
RESULTS = {
    "accepted": _l("accepted"),
    "rejected": _l("rejected"),
    "no_quorum": _l("no quorum"),
}

SUBJECT = _l("[Rembuk] %(text)s")
DIGEST_SUBJECT = _l("[Rembuk] Your daily summary: %(n)d notifications")


class _Params(dict):
    def __missing__(self, key):
        return "…"


def render(kind: str, params: dict) -> str:
    """The sentence for `kind` in the current locale; unknown kinds fall back to the title.
    `when_at` (ISO date-time) and `when_on` (ISO date) become `when`, formatted for the locale."""
    template = TEXTS.get(kind)
    if template is None:
        return str(params.get("title", kind))
    values = _Params(params)
    if params.get("result") in RESULTS:
        values["result"] = str(RESULTS[params["result"]])
    if params.get("when_at"):
        values["when"] = when(datetime.fromisoformat(params["when_at"]))
    elif params.get("when_on"):
        values["when"] = format_date(date.fromisoformat(params["when_on"]), "long")
    return str(template) % values


def locale_of(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def render_for(user, kind: str, params: dict) -> str:
    with force_locale(locale_of(user)):
        return render(kind, params)
