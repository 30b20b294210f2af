"""Demo proposals for the demo city, made through the services (so history and audit are real).
Idempotent: nothing is added when demo proposals already exist."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from collab.accounts.models import Role, User
from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.orgs.models import Organisation
from collab.proposals import services
from collab.proposals.models import Feasibility, Horizon, Proposal

D = DimensionCode
ROUTING = [  # dimension, keywords, OPD
    (D.environment, "sampah, limbah, sungai, pohon, kompos, plastik", "DLH"),
    (D.living, "posyandu, puskesmas, kesehatan, lansia, stunting", "Dinkes"),
    (D.living, "jalan, drainase, banjir, trotoar", "DPUPR"),
    (D.living, "lampu, parkir, lalu lintas, cctv", "Dishub"),
    (D.economy, "umkm, pasar, usaha, qris", "DiskopUKM"),
    (D.governance, "data, aplikasi, layanan, aduan", "Diskominfo"),
    (D.society, "sekolah, belajar, literasi, anak", "Dikbud"),
    (D.branding, "wisata, festival, budaya", "Disporapar"),
]

# author email, title, dimension, problem, solution, cost, horizon, steps
PROPOSALS = [
    ("ketua.rt@demo.rembuk.id", "Bank sampah digital RT 001 Kauman", D.environment,
     "Sampah rumah tangga menumpuk di pinggir sungai karena tidak ada tempat pemilahan.",
     "Bank sampah dengan buku tabungan digital; warga menyetor sampah terpilah dan menabung.", 25_000_000,
     Horizon.long, ["submit", "assign", "start_review", "mark_ready"]),
    ("rt.miji@demo.rembuk.id", "Pengelolaan persampahan berbasis warga di Miji", D.environment,
     "Pengangkutan sampah tidak teratur, warga membuang sampah ke saluran.",
     "Jadwal angkut sampah terpilah dan bank sampah RW dengan pencatatan daring.", 30_000_000,
     Horizon.long, ["submit"]),
    ("rt.wates@demo.rembuk.id", "Posyandu lansia dengan pencatatan daring", D.living,
     "Data kesehatan lansia tercatat di buku dan sering hilang.",
     "Kader posyandu mencatat tensi dan gula darah lansia di aplikasi yang terhubung puskesmas.", 15_000_000,
     Horizon.short, ["submit", "assign", "start_review"]),
    ("rt.blooto@demo.rembuk.id", "Lampu jalan tenaga surya di gang sempit", D.living,
     "Gang di RT 001 gelap pada malam hari dan rawan kecelakaan.",
     "Memasang lampu jalan tenaga surya dengan sensor cahaya di 12 titik gang.", 48_000_000,
     Horizon.short, ["submit", "assign", "start_review", "request_revision"]),
    ("ketua.rw@demo.rembuk.id", "Katalog daring UMKM RW 001 Kauman", D.economy,
     "Produk UMKM warga hanya dijual ke tetangga sekitar.",
     "Katalog produk UMKM di situs kelurahan dengan pembayaran QRIS dan pelatihan foto produk.", 12_000_000,
     Horizon.short, ["submit", "assign"]),
    ("rt.miji@demo.rembuk.id", "Ruang belajar anak di balai RW", D.society,
     "Anak-anak tidak punya tempat belajar kelompok yang tenang setelah sekolah.",
     "Balai RW dibuka sore hari sebagai ruang belajar dengan wifi dan relawan pendamping.", 8_000_000,
     Horizon.long, ["submit"]),
    ("rt.wates@demo.rembuk.id", "Sumur resapan di setiap RT", D.environment,
     "Genangan air muncul setiap hujan deras di jalan kampung.",
     "Membangun sumur resapan di titik genangan dengan gotong royong warga.", 60_000_000,
     Horizon.long, ["submit", "withdraw"]),
    ("rt.blooto@demo.rembuk.id", "Layanan aduan warga lewat WhatsApp RT", D.governance,
     "Aduan warga ke kelurahan lambat ditanggapi dan tidak terlacak.",
     "Nomor WhatsApp resmi RT terhubung ke kanal aduan kota dengan nomor tiket.", 3_000_000,
     Horizon.short, []),
    ("ketua.rt@demo.rembuk.id", "Festival kuliner kampung Kauman", D.branding,
     "Potensi kuliner kampung belum dikenal wisatawan.",
     "Festival kuliner tahunan di jalan kampung dengan peta kuliner digital.", 20_000_000,
     Horizon.short, ["submit", "assign"]),
    ("rt.miji@demo.rembuk.id", "Kompos rumah tangga dari sampah dapur", D.environment,
     "Sampah organik dapur dibuang bercampur dengan plastik.",
     "Pembagian komposter dan pelatihan membuat kompos untuk taman RT.", 10_000_000,
     Horizon.short, ["submit"]),
]


def seed(admin) -> None:
    if db.session.scalar(select(Proposal.id).limit(1)) is not None:
        return
    opds = {o.short_name: o for o in db.session.scalars(select(Organisation))}
    for position, (dimension, keywords, opd) in enumerate(ROUTING):
        if opd in opds:
            services.save_routing_rule(admin, dimension=dimension, keywords=keywords, organisation=opds[opd],
                                       position=position)
    users = {u.email: u for u in db.session.scalars(select(User))}
    for email, title, dimension, problem, solution, cost, horizon, steps in PROPOSALS:
        author = users.get(email)
        if author is None or author.office is None:
            continue
        proposal = services.create_proposal(author, title=title, dimension=dimension, problem=problem,
                                            solution=solution, estimated_cost=Decimal(cost), horizon=horizon,
                                            expected_impact="Manfaat langsung bagi warga dan mendukung masterplan.")
        opd = proposal.suggested_opd or opds.get("Diskominfo")
        officer = next((u for u in users.values() if u.organisation_id == getattr(opd, "id", None)
                        and u.has_role(Role.opd_officer)), None)
        for step in steps:
            if step in ("start_review", "mark_ready", "request_revision") and officer is None:
                break
            if step == "submit":
                services.submit_proposal(author, proposal)
            elif step == "assign":
                services.assign_proposal(admin, proposal, opd)
            elif step == "start_review":
                services.start_review(officer, proposal)
            elif step in ("mark_ready", "request_revision"):
                services.review_proposal(
                    officer, proposal, decision=step, feasibility=Feasibility.feasible, cost_estimate=Decimal(cost),
                    overlap="Sejalan dengan program kota yang berjalan.",
                    recommendation="Layak diajukan ke Dewan Smart City." if step == "mark_ready"
                    else "Lengkapi rincian anggaran dan lokasi titik pemasangan.")
            elif step == "withdraw":
                services.withdraw_proposal(author, proposal, "Sudah ditangani lewat dana kelurahan.")
    first = db.session.scalar(select(Proposal).where(Proposal.title.like("Bank sampah digital%")))
    miji = users.get("rt.miji@demo.rembuk.id")
    if first is not None and miji is not None and miji.office is not None:
        services.endorse_proposal(miji, first, "Kami punya masalah yang sama di Miji.")
        services.add_comment(miji, first, "Apakah bank sampah ini bisa bekerja sama dengan TPS3R?")

