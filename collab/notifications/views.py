"""Notification pages: the list (with mark read / all read) and the settings page, plus the
bell on every page and the jobs `flask send-reminders`, `flask send-digest`, `flask send-mail`."""
from __future__ import annotations

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from collab import permissions as policy
from collab.core.views import commit_or_errors
from collab.extensions import db
from collab.notifications import services
from collab.notifications.forms import PreferencesForm
from collab.notifications.models import Category, MailMode
from collab.notifications.share import whatsapp_url
from collab.security import local_path

bp = Blueprint("notifications", __name__, url_prefix="/notifications", cli_group=None)


@bp.app_context_processor
def _bell():
    """The unread count for the bell in the header (one query, logged-in pages only)."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return {"notification_bell": None}
    return {"notification_bell": {"unread": services.unread_count(current_user)}}


bp.add_app_template_global(whatsapp_url, "whatsapp_url")


@bp.get("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = services.list_for(current_user, unread_only, request.args.get("page", 1, type=int),
                             current_app.config["PAGE_SIZE"])
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           texts={n.id: services.text_of(n) for n in page.items})


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    """Mark one read; with `open=1` go on to the object it is about."""
    n = services.mark_read(current_user, services.get_notification(current_user, notification_id))
    db.session.commit()
    if request.form.get("open") and local_path(n.url):
        return redirect(n.url)
    return redirect(local_path(request.form.get("next")) or url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("%(n)d notification(s) marked read.", n=count), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    policy.require(policy.can_manage_notification_settings(current_user, current_user))
    current = services.preferences(current_user)
    form = PreferencesForm(data={c.value: m.value for c, m in current.items()})
    if form.validate_on_submit() and commit_or_errors(form, lambda: services.set_preferences(
            current_user, current_user, {c.value: getattr(form, c.value).data for c in Category})):
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    defaults = {c: services.default_mode(current_user, c) for c in Category}
    return render_template("notifications/settings.html", form=form, defaults=defaults, modes=list(MailMode))


# -- jobs ---------------------------------------------------------------------------------------------

def _job_context():
    """Jobs run outside a request: links are built against PUBLIC_BASE_URL."""
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"])


@bp.cli.command("send-reminders")
def send_reminders_command():
    """Remind of FGDs starting within 24 h and milestones/commitments due within 3 days (once
    each), then send the mail that is due. Schedule it every 15 minutes (see README)."""
    from collab.notifications.mail import deliver_due
    from collab.notifications.reminders import send_reminders

    with _job_context(), force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        count = send_reminders()
        db.session.commit()
        sent = deliver_due()
    click.echo(f"reminders: {count}; mail sent {sent['sent']}, pending {sent['pending']}, failed {sent['failed']}")


@bp.cli.command("send-digest")
def send_digest_command():
    """Send each person who chose the daily digest one mail with what waited for it."""
    from collab.notifications.mail import deliver_due

    with _job_context():
        count = services.send_digests()
        db.session.commit()
        sent = deliver_due()
    click.echo(f"digests: {count}; mail sent {sent['sent']}, pending {sent['pending']}, failed {sent['failed']}")


@bp.cli.command("send-mail")
def send_mail_command():
    """Send (or retry) the mail that is due in the outbox."""
    from collab.notifications.mail import deliver_due

    with _job_context():
        sent = deliver_due()
    click.echo(f"mail sent {sent['sent']}, pending {sent['pending']}, failed {sent['failed']}")
