"""Demo FGDs: one finished with published minutes, one upcoming. Idempotent (by topic)."""
from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from collab.accounts.models import Role, User, UserRole
from collab.core.db import utcnow
from collab.extensions import db
from collab.fgd import services
from collab.fgd.models import FgdSession

PAST_TOPIC = "FGD Pengelolaan Sampah Berbasis RW"
UPCOMING_TOPIC = "FGD Posyandu Digital dan Layanan Kesehatan Kampung"


def _first(role: Role, email: str | None = None) -> User | None:
    if email:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            return user
    return db.session.scalar(select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True))
                             .order_by(User.id))


def seed(admin) -> None:
    host = _first(Role.opd_officer, "opd@demo.rembuk.id") or admin
    heads = list(db.session.scalars(select(User).join(UserRole).where(UserRole.role == Role.rt_rw_head,
                                                                      User.active.is_(True)).order_by(User.id)))
    have = set(db.session.scalars(select(FgdSession.topic).where(FgdSession.topic.in_([PAST_TOPIC, UPCOMING_TOPIC]))))
    # sessions at 09.00 in the city's time zone (WIB), a week ago and in five days
    local = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    now = utcnow().astimezone(local).replace(hour=9, minute=0, second=0, microsecond=0).astimezone(UTC)
    if PAST_TOPIC not in have:
        start = now - timedelta(days=7)
        fgd = services.save_session(
            host, None, topic=PAST_TOPIC, starts_at=start, ends_at=start + timedelta(hours=2),
            description="Membahas bank sampah, TPS3R dan pemilahan sampah rumah tangga di tingkat RW.",
            dimensions=["environment"], venue="Aula Kantor Kelurahan Kauman", online=True, public=True,
            agenda=["Pembukaan dan paparan DLH", "Kendala pengelolaan sampah di RW", "Rencana tindak lanjut"])
        services.invite(host, fgd, role=Role.rt_rw_head)
        services.open_room(host, fgd)
        lines = [(1, "Di RW kami bank sampah sudah ada, tetapi pengangkutan residu tidak rutin."),
                 (1, "Warga mau memilah kalau ada jadwal angkut yang jelas."),
                 (2, "Usul: jadwal angkut terpadu per kelurahan dan komposter di balai RW.")]
        for i, (agenda_index, body) in enumerate(lines):
            author = heads[i % len(heads)] if heads else host
            if fgd.invitation_for(author) is not None or author == host:
                services.check_in(author, fgd, fgd.checkin_code)
            message, _ = services.post_message(author, fgd, body, f"demo-{i}", fgd.agenda[agenda_index].id)
            if i == 2:
                services.mark_point(host, fgd, message.id)
                services.make_action_item(host, fgd, "Menyusun jadwal angkut sampah terpadu per kelurahan",
                                          message_id=message.id, owner=host.organisation)
        poll = services.create_poll(host, fgd, "Prioritas pertama?", ["Jadwal angkut", "Komposter", "Edukasi warga"])
        for head in heads[:3]:
            services.vote(head, fgd, poll.id, poll.options[0].id)
        services.close_poll(host, fgd, poll.id)
        services.end_session(host, fgd)
        services.save_minutes(host, fgd)
        services.publish_minutes(host, fgd)
    if UPCOMING_TOPIC not in have:
        start = now + timedelta(days=5)
        fgd = services.save_session(
            host, None, topic=UPCOMING_TOPIC, starts_at=start, ends_at=start + timedelta(hours=2),
            description="Menjaring usulan RT/RW tentang posyandu digital.", dimensions=["living", "society"],
            venue="Ruang Rapat Dinas Kesehatan", online=True,
            agenda=["Paparan posyandu digital", "Masukan dari RT/RW", "Kesepakatan"])
        services.invite(host, fgd, role=Role.rt_rw_head)
    db.session.flush()
