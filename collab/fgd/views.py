"""FGD pages: list, schedule, detail with RSVP, check-in with code and QR, the live room,
the minutes. Pages work without JavaScript except the live room itself."""
from __future__ import annotations

import io
from datetime import UTC

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab import permissions as policy
from collab.accounts.models import ROLE_LABELS, OfficeTerm, Role, User, UserRole
from collab.areas.models import Area, AreaLevel
from collab.core.api import actor
from collab.core.db import utcnow
from collab.core.errors import DomainError, NotFound, ValidationFailed
from collab.core.text import markdown
from collab.core.views import commit_or_errors
from collab.extensions import db
from collab.fgd import services
from collab.fgd.forms import (
    ActionItemForm,
    CheckInForm,
    InviteForm,
    MinutesForm,
    PointProposalForm,
    RsvpForm,
    SessionForm,
)
from collab.fgd.models import FgdSession, FgdStatus, Invitation, Rsvp

bp = Blueprint("fgd", __name__, url_prefix="/fgd")


def _load(session_id: int) -> FgdSession:
    fgd = db.session.get(FgdSession, session_id)
    if fgd is None or not policy.can_view_fgd(actor(), fgd):
        # Private sessions are not revealed to outsiders: the same 404 as a missing one.
        raise NotFound(_("No such FGD session."))
    return fgd


def _manage(session_id: int) -> FgdSession:
    fgd = db.session.get(FgdSession, session_id)
    if fgd is None:
        raise NotFound(_("No such FGD session."))
    policy.require(policy.can_manage_fgd(current_user, fgd))
    return fgd


@bp.get("/")
def index():
    now = utcnow()
    base = services.visible_sessions(actor()).options(selectinload(FgdSession.organiser))
    upcoming = db.session.scalars(base.where(FgdSession.status.in_([FgdStatus.scheduled, FgdStatus.live]))
                                  .order_by(FgdSession.starts_at).limit(50)).all()
    past = db.session.scalars(base.where(FgdSession.status.in_([FgdStatus.ended, FgdStatus.minutes_published]))
                              .order_by(FgdSession.starts_at.desc()).limit(50)).all()
    invitations = services.my_invitations(current_user) if current_user.is_authenticated else []
    return render_template("fgd/index.html", upcoming=upcoming, past=past, invitations=invitations, now=now)


def _local(dt):
    return to_user_timezone(dt).replace(tzinfo=None) if dt else None


def _utc(dt):
    return to_utc(dt).replace(tzinfo=UTC) if dt else None


def _facilitator_choices():
    users = db.session.scalars(select(User).join(UserRole).where(UserRole.role.in_([Role.admin, Role.opd_officer]),
                                                                 User.active.is_(True)).distinct().order_by(User.name))
    return [(u.id, u.name) for u in users]


def _save(fgd: FgdSession | None):
    if fgd is None:
        policy.require(policy.can_schedule_fgd(current_user))
    form = SessionForm(obj=fgd)
    form.facilitators.choices = _facilitator_choices()
    if request.method == "GET" and fgd is not None:
        form.starts_at.data, form.ends_at.data = _local(fgd.starts_at), _local(fgd.ends_at)
        form.agenda.data = "\n".join(a.title for a in fgd.agenda)
        form.facilitators.data = sorted(fgd.facilitator_ids)
    if form.validate_on_submit() and (done := commit_or_errors(form, lambda: services.save_session(
            current_user, fgd, topic=form.topic.data, description=form.description.data,
            dimensions=form.dimensions.data, starts_at=_utc(form.starts_at.data), ends_at=_utc(form.ends_at.data),
            venue=form.venue.data, online=form.online.data, public=form.public.data,
            agenda=(form.agenda.data or "").splitlines(),
            facilitators=db.session.scalars(select(User).where(User.id.in_(form.facilitators.data or []))).all()))):
        flash(_("Saved."), "success")
        return redirect(url_for("fgd.detail", session_id=done.value.id))
    return render_template("fgd/form.html", form=form, fgd=fgd), 422 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    return _save(None)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    return _save(_manage(session_id))


def _who(user: User) -> str:
    """A name in the person picker with what tells two people apart: their RT/RW or organisation."""
    office = user.office
    where = office.full_name() if office else (user.organisation.short_name if user.organisation else "")
    return f"{user.name} — {where}" if where else user.name


def _invite_form(fgd: FgdSession):
    form = InviteForm()
    invited = {i.user_id for i in fgd.invitations} | set(fgd.facilitator_ids)  # nobody twice, not the hosts
    up = selectinload(User.terms).selectinload(OfficeTerm.area)
    for _level in range(3):  # RT -> RW -> kelurahan -> kecamatan, for the office's full name
        up = up.selectinload(Area.parent)
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name).limit(1000)
                                .options(selectinload(User.organisation), up))
    form.person.choices = [(u.id, _who(u)) for u in people if u.id not in invited]
    form.role.choices = [(r.value, ROLE_LABELS[r]) for r in Role]
    form.area.choices = [(a.id, a.full_name()) for a in db.session.scalars(
        select(Area).where(Area.level.in_([AreaLevel.kecamatan, AreaLevel.kelurahan, AreaLevel.rw]))
        .options(selectinload(Area.parent)).order_by(Area.path))]
    return form


@bp.get("/<int:session_id>")
def detail(session_id: int):
    fgd = _load(session_id)
    manage = policy.can_manage_fgd(current_user, fgd)
    invitations = db.session.scalars(select(Invitation).where(Invitation.session_id == fgd.id)
                                     .options(selectinload(Invitation.user)).order_by(Invitation.id)).all() \
        if manage else []
    return render_template("fgd/detail.html", fgd=fgd, manage=manage, invitations=invitations,
                           mine=fgd.invitation_for(actor()), rsvp_form=RsvpForm(),
                           invite_form=_invite_form(fgd) if manage else None,
                           attendance=services.attendance(fgd) if manage else [],
                           can_uninvite=manage and fgd.status in (FgdStatus.scheduled, FgdStatus.live),
                           participant=policy.is_fgd_participant(actor(), fgd))


@bp.post("/<int:session_id>/invite")
@login_required
def invite(session_id: int):
    fgd = _manage(session_id)
    form = _invite_form(fgd)
    form.validate_on_submit()
    kind = form.kind.data
    try:
        if kind == "person":
            person = db.session.get(User, form.person.data or 0)
            if person is None:
                raise ValidationFailed(_("Choose a person."))
            created = services.invite(current_user, fgd, users=[person])
        elif kind == "role" and form.role.data in Role.__members__:
            created = services.invite(current_user, fgd, role=Role(form.role.data))
        elif kind == "area" and db.session.get(Area, form.area.data or 0) is not None:
            created = services.invite(current_user, fgd, area=db.session.get(Area, form.area.data))
        else:
            raise ValidationFailed(_("Choose whom to invite."))
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("%(n)d person(s) invited.", n=len(created)), "success")
    return redirect(url_for("fgd.detail", session_id=fgd.id))


@bp.post("/<int:session_id>/invitations/<int:user_id>/remove")
@login_required
def uninvite(session_id: int, user_id: int):
    """A facilitator withdraws an invitation; the person's open room sockets are closed."""
    fgd = _manage(session_id)
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_("This person is not invited."))
    services.uninvite(current_user, fgd, person)
    db.session.commit()
    flash(_("%(name)s is no longer invited.", name=person.name), "success")
    return redirect(url_for("fgd.detail", session_id=fgd.id) + "#fgd-manage")


@bp.post("/<int:session_id>/rsvp")
@login_required
def rsvp(session_id: int):
    fgd = _load(session_id)
    form = RsvpForm()
    if form.validate_on_submit():
        services.rsvp(current_user, fgd, Rsvp(form.answer.data))
        db.session.commit()
        flash(_("Thank you, your answer is saved."), "success")
    return redirect(url_for("fgd.detail", session_id=fgd.id))


@bp.post("/<int:session_id>/open")
@login_required
def open_room(session_id: int):
    fgd = _manage(session_id)
    services.open_room(current_user, fgd)
    db.session.commit()
    return redirect(url_for("fgd.room", session_id=fgd.id))


@bp.post("/<int:session_id>/end")
@login_required
def end(session_id: int):
    fgd = _manage(session_id)
    services.end_session(current_user, fgd)
    db.session.commit()
    flash(_("The session has ended. Draft the minutes now."), "success")
    return redirect(url_for("fgd.minutes_edit", session_id=fgd.id))


@bp.route("/<int:session_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(session_id: int):
    fgd = _load(session_id)
    policy.require(policy.is_fgd_participant(current_user, fgd), _("You are not invited to this FGD."))
    form = CheckInForm(code=request.args.get("code"))
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.check_in(current_user, fgd, form.code.data)):
        flash(_("You are checked in. Welcome!"), "success")
        return redirect(url_for("fgd.detail", session_id=fgd.id))
    return render_template("fgd/check_in.html", fgd=fgd, form=form,
                           manage=policy.can_manage_fgd(current_user, fgd)), 422 if form.errors else 200


@bp.get("/<int:session_id>/qr.svg")
@login_required
def qr(session_id: int):
    """The check-in link with its code as a QR image, for the facilitator's screen."""
    fgd = _manage(session_id)
    url = url_for("fgd.check_in", session_id=fgd.id, code=fgd.checkin_code, _external=True)
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2)
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.get("/<int:session_id>/room")
@login_required
def room(session_id: int):
    fgd = _load(session_id)
    policy.require(policy.can_join_fgd_room(current_user, fgd), _("You are not invited to this FGD."))
    history = services.messages_after(fgd, 0)
    return render_template("fgd/room.html", fgd=fgd, history=history,
                           last_seq=history[-1].seq if history else 0,
                           manage=policy.can_manage_fgd(current_user, fgd), payload=services.message_payload,
                           status_labels={s.value: s.label for s in FgdStatus})


@bp.route("/<int:session_id>/minutes/edit", methods=["GET", "POST"])
@login_required
def minutes_edit(session_id: int):
    fgd = _manage(session_id)
    if fgd.minutes is None and fgd.status in (FgdStatus.ended, FgdStatus.minutes_published):
        services.save_minutes(current_user, fgd)  # start from the generated draft
        db.session.commit()
    form = MinutesForm(obj=fgd.minutes)
    if form.validate_on_submit():
        services.save_minutes(current_user, fgd, form.body.data or "")
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("fgd.minutes_edit", session_id=fgd.id))
    return render_template("fgd/minutes_edit.html", fgd=fgd, form=form)


@bp.post("/<int:session_id>/minutes/redraft")
@login_required
def minutes_redraft(session_id: int):
    fgd = _manage(session_id)
    services.save_minutes(current_user, fgd)
    db.session.commit()
    flash(_("The minutes were drafted again from the session's records."), "success")
    return redirect(url_for("fgd.minutes_edit", session_id=fgd.id))


@bp.post("/<int:session_id>/minutes/publish")
@login_required
def minutes_publish(session_id: int):
    fgd = _manage(session_id)
    services.publish_minutes(current_user, fgd)
    db.session.commit()
    flash(_("The minutes are published."), "success")
    return redirect(url_for("fgd.minutes", session_id=fgd.id))


@bp.get("/<int:session_id>/points")
@login_required
def points(session_id: int):
    """The discussion points and what became of them; facilitators turn them into draft
    proposals or action items here (the same operations as in the live room)."""
    fgd = _manage(session_id)
    proposal_form = PointProposalForm()
    if fgd.dimensions:
        proposal_form.dimension.data = fgd.dimensions[0]
    return render_template("fgd/points.html", fgd=fgd, points=services.points(fgd), proposal_form=proposal_form,
                           action_form=ActionItemForm())


@bp.post("/<int:session_id>/points/<int:message_id>/proposal")
@login_required
def point_proposal(session_id: int, message_id: int):
    fgd = _manage(session_id)
    form = PointProposalForm()
    if not form.validate_on_submit():
        raise ValidationFailed(_("Choose a masterplan dimension."))
    link = services.make_proposal(current_user, fgd, message_id, form.dimension.data)
    db.session.commit()
    flash(_("Draft proposal #%(id)d is ready for %(name)s to complete and submit.", id=link.proposal_id,
            name=link.proposal.author.name), "success")
    return redirect(url_for("fgd.points", session_id=fgd.id))


@bp.post("/<int:session_id>/points/<int:message_id>/action-item")
@login_required
def point_action_item(session_id: int, message_id: int):
    fgd = _manage(session_id)
    form = ActionItemForm()
    if not form.validate_on_submit():
        raise ValidationFailed(" ".join(str(e) for e in form.title.errors) or _("Give the action item a title."))
    services.make_action_item(current_user, fgd, form.title.data, message_id)
    db.session.commit()
    flash(_("Action item recorded."), "success")
    return redirect(url_for("fgd.points", session_id=fgd.id))


@bp.app_template_global("fgd_origin")
def fgd_origin(proposal):
    """For the proposal page: the FGD a proposal came from (or None)."""
    return services.proposal_origin(proposal)


def _readable_minutes(session_id: int) -> FgdSession:
    fgd = _load(session_id)
    if not policy.can_read_fgd_minutes(actor(), fgd):
        abort(404)
    return fgd


@bp.get("/<int:session_id>/minutes")
def minutes(session_id: int):
    fgd = _readable_minutes(session_id)
    return render_template("fgd/minutes.html", fgd=fgd, minutes_html=markdown(fgd.minutes.body),
                           points=services.points(fgd))


@bp.get("/<int:session_id>/minutes.md")
def minutes_markdown(session_id: int):
    fgd = _readable_minutes(session_id)
    return Response(fgd.minutes.body, mimetype="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="notulen-fgd-{fgd.id}.md"'})


@bp.get("/<int:session_id>/minutes.pdf")
def minutes_pdf(session_id: int):
    from collab.fgd.pdf import minutes_pdf as render

    fgd = _readable_minutes(session_id)
    return Response(render(fgd.topic, fgd.minutes.body), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="notulen-fgd-{fgd.id}.pdf"'})
