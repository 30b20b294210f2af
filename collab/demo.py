"""The demo city, modelled on Kota Mojokerto. Built through the domain operations, so the
audit log reads like a real set-up. `seed_demo` is idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from collab import DOMAINS, _optional
from collab.accounts import services as accounts
from collab.accounts.models import Role, User, UserRole
from collab.accounts.passwords import hash_password
from collab.areas.models import Area, AreaLevel
from collab.extensions import db
from collab.masterplan import services as masterplan
from collab.masterplan.models import DimensionCode, ItemKind
from collab.orgs.models import Organisation, OrgKind, PartnerType
from collab.orgs.services import save_organisation

DEMO_PASSWORD = "rembuk-demo"

KECAMATAN = {
    "Prajurit Kulon": ["Blooto", "Kauman", "Mentikan", "Prajurit Kulon", "Pulorejo", "Surodinawan"],
    "Magersari": ["Balongsari", "Gedongan", "Gunung Gedangan", "Kedundung", "Magersari", "Wates"],
    "Kranggan": ["Jagalan", "Kranggan", "Meri", "Miji", "Purwotengah", "Sentanan"],
}

OPDS = [
    ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah", "Bappedalitbang"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"),
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Pendidikan dan Kebudayaan", "Dikbud"),
    ("Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos P3A"),
    ("Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan", "DiskopUKM"),
    ("Dinas Kepemudaan, Olahraga dan Pariwisata", "Disporapar"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Dispendukcapil"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
]

PARTNERS = [
    ("Forum Kota Mojokerto Sehat", "FKMS", PartnerType.community_forum),
    ("Forum CSR Kota Mojokerto", "Forum CSR", PartnerType.csr_forum),
    ("BAZNAS Kota Mojokerto", "BAZNAS", PartnerType.zakat_agency),
    ("PLN UP3 Mojokerto", "PLN", PartnerType.state_enterprise),
    ("Kepolisian Resor Kota Mojokerto", "Polresta", PartnerType.police),
    ("Universitas Islam Majapahit", "UNIM", PartnerType.university),
]

ITEMS = {  # dimension -> year -> [(title, lead, realised?)]
    DimensionCode.governance: {
        2023: [("Satu Data Kota Mojokerto", "Diskominfo", True), ("Sistem Pemerintahan Berbasis Elektronik terpadu", "Diskominfo", True),
               ("Layanan aduan warga terpadu", "Diskominfo", True), ("E-planning dan e-budgeting", "Bappedalitbang", True),
               ("Tanda tangan elektronik untuk layanan perizinan", "Dispendukcapil", True)],
        2024: [("Dashboard kinerja OPD", "Bappedalitbang", True), ("Musrenbang daring", "Bappedalitbang", True),
               ("Integrasi data kependudukan antar-OPD", "Dispendukcapil", False)],
        2025: [("Portal data terbuka kelurahan", "Diskominfo", False), ("Rembuk: kolaborasi usulan inovasi RT/RW", "Diskominfo", False)],
    },
    DimensionCode.branding: {
        2023: [("Branding Kota Mojokerto Spirit of Majapahit", "Disporapar", True), ("Kalender event tahunan", "Disporapar", True),
               ("Wisata sejarah Majapahit digital", "Disporapar", True)],
        2024: [("Pemandu wisata virtual", "Disporapar", True), ("Penataan kawasan Alun-alun", "DPUPR", False)],
        2025: [("Festival kuliner kampung", "Disporapar", False)],
    },
    DimensionCode.economy: {
        2023: [("Pasar rakyat berbasis QRIS", "DiskopUKM", True), ("Pelatihan UMKM go digital", "DiskopUKM", True),
               ("Katalog produk lokal daring", "DiskopUKM", True), ("Inkubator usaha muda", "DiskopUKM", True)],
        2024: [("Kampung UMKM tematik", "DiskopUKM", True), ("Sertifikasi halal gratis UMKM", "DiskopUKM", False)],
        2025: [("Marketplace produk kelurahan", "DiskopUKM", False)],
    },
    DimensionCode.living: {
        2023: [("Penerangan jalan umum pintar", "Dishub", True), ("Puskesmas dengan antrean daring", "Dinkes", True),
               ("Ambulans siaga 24 jam", "Dinkes", True), ("CCTV titik rawan", "Dishub", True), ("Rumah tidak layak huni tertangani", "DPUPR", True)],
        2024: [("Posyandu digital", "Dinkes", True), ("Lampu lalu lintas adaptif", "Dishub", False), ("Sistem peringatan dini banjir", "BPBD", True)],
        2025: [("Telemedisin puskesmas", "Dinkes", False), ("Trotoar ramah difabel", "DPUPR", False)],
    },
    DimensionCode.society: {
        2023: [("Perpustakaan digital sekolah", "Dikbud", True), ("Beasiswa warga kurang mampu", "Dinsos P3A", True),
               ("Kelas literasi digital warga", "Diskominfo", True), ("Kampung ramah anak", "Dinsos P3A", True)],
        2024: [("Ruang belajar publik", "Dikbud", True), ("Relawan TIK kelurahan", "Diskominfo", False)],
        2025: [("Sekolah lansia", "Dinsos P3A", False)],
    },
    DimensionCode.environment: {
        2023: [("Bank sampah di setiap kelurahan", "DLH", True), ("Ruang terbuka hijau kelurahan", "DLH", True),
               ("Pengelolaan sampah TPS3R", "DLH", True), ("Sumur resapan", "DPUPR", True), ("Pemantauan kualitas udara", "DLH", True),
               ("Drainase perkotaan terpadu", "DPUPR", True), ("Pengolahan limbah cair domestik (IPAL komunal)", "DLH", False)],
        2024: [("Kampung iklim (ProKlim)", "DLH", True), ("Komposter rumah tangga", "DLH", False), ("Taman kota tematik", "DLH", True)],
        2025: [("Pengurangan plastik sekali pakai", "DLH", False)],
    },
}
for years in ITEMS.values():  # the rest of the period is planned, not yet realised
    for year in range(2026, 2033):
        years.setdefault(year, [])


DEMO_ACCOUNTS = [
    # email, name, roles, organisation short name, office (kelurahan, rw, rt) — first of each role is printed
    ("admin@demo.rembuk.id", "Sekretariat Smart City", {Role.admin}, "Diskominfo", None),
    ("ketua.rt@demo.rembuk.id", "Siti Aminah", {Role.rt_rw_head}, None, ("Kauman", 1, 1)),
    ("ketua.rw@demo.rembuk.id", "Bambang Suharto", {Role.rt_rw_head}, None, ("Kauman", 1, None)),
    ("rt.miji@demo.rembuk.id", "Agus Prasetyo", {Role.rt_rw_head}, None, ("Miji", 2, 3)),
    ("rt.wates@demo.rembuk.id", "Dewi Lestari", {Role.rt_rw_head}, None, ("Wates", 1, 2)),
    ("rt.blooto@demo.rembuk.id", "Joko Santoso", {Role.rt_rw_head}, None, ("Blooto", 2, 1)),
    ("opd@demo.rembuk.id", "Rina Wulandari", {Role.opd_officer}, "DLH", None),
    ("opd.dinkes@demo.rembuk.id", "dr. Hendra Gunawan", {Role.opd_officer}, "Dinkes", None),
    ("opd.bappeda@demo.rembuk.id", "Yusuf Maulana", {Role.opd_officer, Role.council_member}, "Bappedalitbang", None),
    ("mitra@demo.rembuk.id", "Ahmad Fauzi", {Role.partner_rep}, "BAZNAS", None),
    ("mitra.csr@demo.rembuk.id", "Lina Marlina", {Role.partner_rep}, "Forum CSR", None),
    ("mitra.pln@demo.rembuk.id", "Teguh Wibowo", {Role.partner_rep}, "PLN", None),
    ("dewan@demo.rembuk.id", "Prof. Sri Mulyani", {Role.council_member}, "Dewan SC", None),
    ("dewan2@demo.rembuk.id", "Ir. Budi Hartono", {Role.council_member}, "Dewan SC", None),
    ("dewan3@demo.rembuk.id", "Nur Hidayati, M.Si.", {Role.council_member}, "Dewan SC", None),
    ("dewan4@demo.rembuk.id", "Drs. Slamet Riyadi", {Role.council_member}, "Dewan SC", None),
]


def _ensure_admin() -> User:
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.rembuk.id"))
    if admin is None:
        admin = User(name="Sekretariat Smart City", email="admin@demo.rembuk.id", password_hash=hash_password(DEMO_PASSWORD))
        admin.role_rows = [UserRole(role=Role.admin)]
        db.session.add(admin)
        db.session.flush()
    return admin


def _areas(admin) -> dict:
    from collab.areas.services import create_area

    by_code = {a.code: a for a in db.session.scalars(select(Area))}

    def ensure(code, name, level, parent):
        if code not in by_code:
            by_code[code] = create_area(admin, code=code, name=name, level=level, parent=parent)
        return by_code[code]

    kota = ensure("3576", "Kota Mojokerto", AreaLevel.kota, None)
    offices = {}
    for k, (kec, kelurahan) in enumerate(KECAMATAN.items(), start=1):
        kec_area = ensure(f"3576.0{k}", kec, AreaLevel.kecamatan, kota)
        for n, kel in enumerate(kelurahan, start=1):
            kel_area = ensure(f"3576.0{k}.10{n:02d}", kel, AreaLevel.kelurahan, kec_area)
            for rw in (1, 2):
                rw_area = ensure(f"{kel_area.code}.{rw:02d}", f"{rw:03d}", AreaLevel.rw, kel_area)
                offices[(kel, rw, None)] = rw_area
                for rt in (1, 2, 3):
                    offices[(kel, rw, rt)] = ensure(f"{rw_area.code}.{rt:03d}", f"{rt:03d}", AreaLevel.rt, rw_area)
    return offices


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo city if missing. Returns (role, login, password) for one account per role."""
    admin = _ensure_admin()
    orgs = {o.short_name: o for o in db.session.scalars(select(Organisation))}

    def org(name, short, kind, ptype=None, description=""):
        if short not in orgs:
            orgs[short] = save_organisation(admin, None, name=name, short_name=short, kind=kind,
                                            partner_type=ptype, description=description)
        return orgs[short]

    org("Sekretariat Smart City Kota Mojokerto", "Sekretariat SC", OrgKind.secretariat,
        description="Sekretariat Smart City di Diskominfo, leading sector.")
    org("Dewan Smart City Kota Mojokerto", "Dewan SC", OrgKind.council)
    for name, short in OPDS:
        org(name, short, OrgKind.opd)
    for name, short, ptype in PARTNERS:
        org(name, short, OrgKind.partner, ptype)
    if admin.organisation is None:
        admin.organisation = orgs["Diskominfo"]

    offices = _areas(admin)

    printed: dict[Role, tuple[str, str, str]] = {}
    for email, name, roles, org_short, office_key in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(admin, name=name, email=email, roles=roles,
                                        organisation=orgs.get(org_short) if org_short else None,
                                        office=offices.get(office_key) if office_key else None,
                                        term_start=date(2024, 1, 1))
            user.password_hash = hash_password(DEMO_PASSWORD)
        if len(roles) == 1:
            printed.setdefault(next(iter(roles)), (next(iter(roles)).value, email, DEMO_PASSWORD))

    plan = masterplan.active_masterplan()
    if plan is None:
        plan = masterplan.create_masterplan(admin, name="Masterplan Smart City Kota Mojokerto", start_year=2023,
                                            end_year=2032, legal_basis="Perwali Kota Mojokerto No. 28 Tahun 2023")
        dims = {d.code: d for d in plan.dimensions}
        for code, years in ITEMS.items():
            for year, items in sorted(years.items()):
                for title, lead, realised in items:
                    item = masterplan.save_item(admin, None, dimension=dims[code], year=year, title=title,
                                                kind=ItemKind.programme, lead_organisation=orgs.get(lead))
                    if realised:
                        masterplan.mark_realised(admin, item, realised_on=date(year, 12, 15),
                                                 note="Laporan capaian kinerja OPD dan dokumentasi kegiatan.")
    for domain in DOMAINS:  # each domain may add its demo records: collab/<domain>/demo.py: seed(admin)
        module = _optional(f"collab.{domain}.demo")
        if module is not None:
            module.seed(admin)
    return [printed[r] for r in Role if r in printed]
