"""Demo programmes, built through the services (so the audit log reads like real work).
Idempotent: a programme whose name exists is skipped."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from collab.accounts.models import User
from collab.extensions import db
from collab.masterplan.models import Dimension, DimensionCode, MasterplanItem
from collab.masterplan.services import active_masterplan
from collab.orgs.models import Organisation
from collab.programmes import services
from collab.programmes.models import CommitmentKind, MemberRole, MilestoneStatus, Programme

TODAY = date.today()
PROGRAMMES = [
    {
        "name": "Bank Sampah Keroyokan Kota Mojokerto",
        "goal": "Setiap kelurahan punya bank sampah aktif yang dikelola warga, dengan layanan cek kesehatan "
                "bagi nasabah dan dana bergulir dari zakat produktif.",
        "dimension": DimensionCode.environment, "lead": "DLH", "item_words": ["Komposter", "plastik"],
        "members": [("Dinkes", MemberRole.co_owner), ("BAZNAS", MemberRole.partner), ("Forum CSR", MemberRole.partner)],
        "commitments": [("BAZNAS", CommitmentKind.funds, 150_000_000, "Dana bergulir zakat produktif untuk 18 kelurahan"),
                        ("Forum CSR", CommitmentKind.in_kind, None, "60 timbangan digital dan 120 tong pilah"),
                        ("Dinkes", CommitmentKind.expertise, None, "Petugas puskesmas untuk cek kesehatan nasabah")],
        "milestones": [("Pendataan bank sampah di 18 kelurahan", 2, -120, True),
                       ("Pelatihan pengurus bank sampah", 3, -30, True),
                       ("Peluncuran aplikasi tabungan sampah", 3, -5, False),
                       ("Evaluasi dan pelaporan", 2, 60, False)],
    },
    {
        "name": "Telemedisin Puskesmas Keroyokan",
        "goal": "Warga berkonsultasi dengan dokter puskesmas lewat video dari posyandu dan balai RW, "
                "dengan perangkat dan koneksi dari mitra.",
        "dimension": DimensionCode.living, "lead": "Dinkes", "item_words": ["Telemedisin"],
        "members": [("Diskominfo", MemberRole.co_owner), ("PLN", MemberRole.partner)],
        "commitments": [("PLN", CommitmentKind.funds, 75_000_000, "Tablet dan koneksi untuk 50 posyandu")],
        "milestones": [("Pengadaan perangkat", 1, -60, True), ("Pelatihan kader posyandu", 1, 20, False)],
    },
    {
        "name": "IPAL Komunal Kampung Bersih",
        "goal": "Instalasi pengolahan air limbah komunal di kampung padat, dibangun bersama warga dan mitra CSR.",
        "dimension": DimensionCode.environment, "lead": "DLH", "item_words": ["IPAL"],
        "members": [("DPUPR", MemberRole.co_owner), ("Forum CSR", MemberRole.partner), ("UNIM", MemberRole.partner)],
        "commitments": [("Forum CSR", CommitmentKind.funds, 250_000_000, "Pembangunan dua unit IPAL komunal"),
                        ("UNIM", CommitmentKind.expertise, None, "Kajian teknis dan uji kualitas air oleh dosen teknik")],
        "milestones": [("Kajian lokasi dan sosialisasi warga", 1, -90, True), ("Pembangunan unit pertama", 3, -10, False),
                       ("Pembangunan unit kedua", 3, 120, False), ("Uji kualitas air", 1, 150, False)],
    },
]


def _user_of(short_name: str) -> User | None:
    return db.session.scalar(select(User).join(Organisation).where(Organisation.short_name == short_name).limit(1))


def seed(admin) -> None:
    plan = active_masterplan()
    for spec in PROGRAMMES:
        if db.session.scalar(select(Programme.id).where(Programme.name == spec["name"])):
            continue
        orgs = {o.short_name: o for o in db.session.scalars(select(Organisation))}
        if spec["lead"] not in orgs:
            continue
        items = []
        if plan is not None:
            items = [i for i in db.session.scalars(
                select(MasterplanItem).join(Dimension).where(Dimension.masterplan_id == plan.id,
                                                             Dimension.code == spec["dimension"]))
                if any(w.lower() in i.title.lower() for w in spec["item_words"]) and i.realised_on is None][:2]
        programme = services.create_programme(
            admin, name=spec["name"], goal=spec["goal"], dimension=spec["dimension"], lead=orgs[spec["lead"]],
            items=items, starts_on=TODAY - timedelta(days=180), ends_on=TODAY + timedelta(days=365))
        for short, role in spec["members"]:
            if short in orgs:
                member = services.invite_member(admin, programme, orgs[short], role)
                user = _user_of(short)
                if user is not None:
                    services.respond_to_invitation(user, member, accept=True)
        for title, weight, days, _done in spec["milestones"]:
            services.add_milestone(admin, programme, title=title, weight=weight, due_on=TODAY + timedelta(days=days))
        services.start_programme(admin, programme)
        for milestone, (_t, _w, _d, done) in zip(programme.milestones, spec["milestones"], strict=True):
            if done and milestone.status != MilestoneStatus.done:
                services.complete_milestone(admin, milestone, evidence_note="Berita acara dan foto kegiatan terlampir.")
        for short, kind, amount, description in spec["commitments"]:
            user = _user_of(short)
            member = programme.member_for(orgs[short].id) if short in orgs else None
            if user is not None and member is not None and member.status == "accepted":
                services.add_commitment(user, programme, kind=kind, amount=amount, description=description,
                                        due_on=TODAY + timedelta(days=30))
        lead_user = _user_of(spec["lead"])
        if lead_user is not None:  # the discussion channel starts with a word from the lead OPD
            services.post_comment(lead_user, programme, client_key="demo-1",
                                  body="Selamat datang di ruang diskusi program. Rapat koordinasi tiap Senin pukul 09.00.")
        db.session.flush()
