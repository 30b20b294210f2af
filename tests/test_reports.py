"""Dashboard, evaluation report and open data: numbers equal an independent recount."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from collab.extensions import db
from collab.masterplan.models import DimensionCode
from collab.orgs.models import OrgKind
from collab.programmes import services
from collab.programmes.models import CommitmentKind, MemberRole, MemberStatus, ProgrammeState
from collab.reports import services as reports
from tests.fixtures.programmes import create_programme

TODAY = date.today()


def _world(city, partners):
    """Three programmes: two OPDs + two partners; single OPD; a draft with an invited (not accepted) partner."""
    items = [city.item(DimensionCode.environment, 2024, f"Item {i}") for i in range(3)]
    city.item(DimensionCode.environment, 2023, "Lama", realised_on=date(2023, 12, 1))
    a = create_programme(city, name="Keroyokan A", items=[items[0]])
    member = services.invite_member(city.officer, a, partners.csr, MemberRole.partner)
    services.respond_to_invitation(partners.csr_rep, member, accept=True)
    services.add_commitment(city.partner_rep, a, kind=CommitmentKind.funds, amount=150_000_000)
    c2 = services.add_commitment(partners.csr_rep, a, kind=CommitmentKind.funds, amount=40_000_000)
    services.add_commitment(partners.csr_rep, a, kind=CommitmentKind.in_kind, description="Timbangan")
    services.fulfil_commitment(partners.csr_rep, c2, fulfilled_on=TODAY, amount=25_000_000, evidence_note="Kuitansi")
    b = create_programme(city, name="Sendiri B", items=[items[1]], members=False)
    for m in b.milestones:
        services.complete_milestone(city.officer, m, evidence_url="https://dlh.example/bukti")
    services.realise_linked_items(city.officer, b)
    d = create_programme(city, name="Draf C", items=[], members=False, start=False)
    services.invite_member(city.officer, d, city.partner, MemberRole.partner)
    db.session.commit()
    return a, b, d, items


def _recount(programmes):
    """The same figures counted in Python from the objects, not by the report queries."""
    def accepted(p, kind):
        return [m for m in p.members if m.status == MemberStatus.accepted and m.organisation.kind == kind]
    commitments = [c for p in programmes for c in p.commitments]
    return {
        "by_state": {s.value: sum(p.state == s for p in programmes) for s in ProgrammeState},
        "multi_opd": sum(len(accepted(p, OrgKind.opd)) >= 2 for p in programmes),
        "with_partners": sum(len(accepted(p, OrgKind.partner)) >= 1 for p in programmes),
        "pledged": sum((c.amount or 0) for c in commitments),
        "fulfilled": sum((c.fulfilled_amount or 0) for c in commitments),
        "count": len(commitments), "fulfilled_count": sum(c.fulfilled for c in commitments),
    }


def test_dashboard_figures_equal_an_independent_recount(city, partners, client):
    programmes = _world(city, partners)[:3]
    expected = _recount(programmes)
    assert reports.programmes_by_state() == expected["by_state"] == {"draft": 1, "active": 1, "completed": 1}
    assert reports.collaboration() == {"programmes": 3, "multi_opd": expected["multi_opd"],
                                       "with_partners": expected["with_partners"]} == {
        "programmes": 3, "multi_opd": 1, "with_partners": 1}
    summary = reports.commitments_summary()
    assert summary == {"pledged": Decimal(expected["pledged"]), "fulfilled": Decimal(expected["fulfilled"]),
                       "count": expected["count"], "fulfilled_count": expected["fulfilled_count"]}
    assert summary["pledged"] == Decimal("190000000")

    page = client.get("/dashboard").get_data(as_text=True)
    assert "Dasbor smart city" in page and 'data-chart="' in page and "chart.umd.min.js" in page
    assert '<tr data-state="completed"><th scope="row">Selesai</th><td>1</td></tr>' in page
    assert '<tr data-key="multi_opd"><th scope="row">Diampu dua OPD atau lebih</th><td>1</td></tr>' in page
    api = client.get("/api/v1/reports/summary").json
    assert api["collaboration"]["with_partners"] == 1 and Decimal(api["commitments"]["fulfilled"]) == 25_000_000


def test_realisation_open_data_counts_items(city, partners, client):
    _world(city, partners)
    rows = {(r["dimension"], r["year"]): r for r in client.get("/api/v1/reports/realisation").json}
    assert rows[("environment", 2024)] == {"dimension": "environment", "label": "Smart Environment", "year": 2024,
                                           "planned": 3, "realised": 1, "percent": 33.33}
    assert rows[("environment", 2023)]["percent"] == 100.0
    response = client.get("/api/v1/reports/realisation.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {"dimension": "environment", "year": "2024", "planned": "3", "realised": "1"}.items() <= \
        next(r for r in lines if r["dimension"] == "environment" and r["year"] == "2024").items()


def test_evaluation_lists_what_is_missing(city, partners, client):
    a, b, _d, items = _world(city, partners)
    rows = {r.item.id: r for r in reports.evaluation(city.plan, DimensionCode.environment, 2024)}
    assert rows[items[1].id].missing == [] and rows[items[1].id].progress == 100.0
    assert rows[items[0].id].missing == ["not_realised", "no_evidence"]
    assert rows[items[2].id].missing == ["no_programme", "not_realised", "no_evidence"]
    page = client.get("/evaluation?dimension=environment&year=2024").get_data(as_text=True)
    assert "2 dari 3 butir" in page and "belum ada program yang menjalankan butir ini" in page
    api = client.get("/api/v1/reports/evaluation?dimension=environment&year=2024").json
    assert [r["missing"] for r in api if r["item_id"] == items[2].id] == [["no_programme", "not_realised", "no_evidence"]]


def test_xlsx_reads_back(city, partners, client):
    _a, _b, _d, items = _world(city, partners)
    response = client.get("/evaluation.xlsx?dimension=environment")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("Laporan evaluasi smart city")
    assert rows[1][:3] == ("Dimensi", "Tahun", "Butir masterplan")
    by_title = {r[2]: r for r in rows[2:]}
    assert set(by_title) == {"Item 0", "Item 1", "Item 2", "Lama"}
    assert by_title["Item 1"][3] == "Sendiri B" and by_title["Item 1"][4] == 100
    assert "belum ada program" in by_title["Item 2"][7]


def test_pdf_and_csv_read_back(city, partners, client):
    _world(city, partners)
    pdf = client.get("/evaluation.pdf?dimension=environment")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and b"Keroyokan A" in pdf.data and b"Sendiri B" in pdf.data
    response = client.get("/evaluation.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Dimensi" and any(r[2] == "Item 1" and r[3] == "Sendiri B" for r in rows)
    assert client.get("/evaluation.doc").status_code == 404


def test_evaluation_query_count_is_bounded(city, partners, client, count_queries):
    _world(city, partners)
    with count_queries() as q:
        assert client.get("/evaluation").status_code == 200
    assert q.count <= 12, q.statements


def _kelurahan_of(area):
    while area.level.value != "kelurahan":
        area = area.parent
    return area


def test_proposals_by_kelurahan_equal_an_independent_recount(city, client):
    from collections import Counter

    from tests.fixtures.proposals import S, make_proposal

    made = [make_proposal(city, S.submitted, title="Lampu jalan tenaga surya"),
            make_proposal(city, S.in_review, author=city.rw_head, title="Posyandu digital RW 001"),
            make_proposal(city, S.withdrawn, title="Taman baca"),
            make_proposal(city, S.draft, title="Masih draf"),
            make_proposal(city, S.in_review, author=city.rt_head2, title="Drainase Blooto")]
    expected = Counter((_kelurahan_of(p.office).name, p.state.value) for p in made if p.state != S.draft)
    states, rows = reports.proposals_by_kelurahan()
    assert {(r["kelurahan"], s): n for r in rows for s, n in r["counts"].items()} == dict(expected)
    assert expected == {("Kauman", "submitted"): 1, ("Kauman", "in_review"): 1, ("Kauman", "withdrawn"): 1,
                        ("Blooto", "in_review"): 1}
    page = client.get("/dashboard").get_data(as_text=True)
    table = page[page.index('id="proposals-by-kelurahan"'):]
    row = table[table.index(f'data-kelurahan="{city.kel.id}"'):]
    assert '<td data-state="in_review">1</td>' in row[:600] and '<td data-state="total">3</td>' in row[:600]
    assert "Usulan per kelurahan" in page
    api = client.get("/api/v1/reports/proposals-by-kelurahan").json
    assert {(r["kelurahan"], s): n for r in api for s, n in r["counts"].items()} == dict(expected)
    lines = list(csv.DictReader(io.StringIO(client.get("/api/v1/reports/proposals-by-kelurahan.csv").get_data(as_text=True))))
    assert {(r["kelurahan"], r["state"]): int(r["count"]) for r in lines} == dict(expected)


def test_partner_network_equals_an_independent_recount(city, partners, client):
    import re
    from collections import Counter
    from itertools import combinations

    a, b, d, _items = _world(city, partners)
    e = create_programme(city, name="Keroyokan E")
    expected = Counter()
    for p in (a, b, d, e):
        if p.state == ProgrammeState.draft:
            continue
        orgs = sorted(m.organisation.short_name for m in p.members if m.status == MemberStatus.accepted)
        expected.update(combinations(orgs, 2))
    nodes, edges = reports.partner_network()
    names = {n["id"]: n["short_name"] for n in nodes}
    assert Counter({tuple(sorted((names[x["source"]], names[x["target"]]))): x["programmes"] for x in edges}) == expected
    assert expected[("BAZNAS", "DLH")] == 2 and expected[("DLH", "Forum CSR")] == 1
    assert "BAZNAS" not in {n["short_name"] for n in nodes if n["programmes"] == 0}
    page = client.get("/dashboard").get_data(as_text=True)
    shown = {tuple(sorted(pair.split("|"))): int(n) for pair, n in
             re.findall(r'<tr data-pair="([^"]+)"><td>[^<]*</td><td>[^<]*</td><td>(\d+)</td></tr>', page)}
    assert shown == dict(expected)
    lines = list(csv.DictReader(io.StringIO(client.get("/api/v1/reports/partner-network.csv").get_data(as_text=True))))
    assert {tuple(sorted((r["organisation_a"], r["organisation_b"]))): int(r["programmes"]) for r in lines} == dict(expected)
    assert len(client.get("/api/v1/reports/partner-network").json["edges"]) == len(expected)
    assert page.count('<line ') == len(expected) and "<svg" in page and "Jejaring mitra" in page


def test_dashboard_query_count_does_not_grow_with_the_data(city, partners, client, count_queries):
    from tests.fixtures.proposals import S, make_proposal

    def dashboard_queries():
        with count_queries() as q:
            assert client.get("/dashboard").status_code == 200
        return q.count

    _world(city, partners)
    make_proposal(city, S.submitted)
    before = dashboard_queries()
    for i in range(4):
        create_programme(city, name=f"Tambahan {i}", items=[])
        make_proposal(city, S.submitted, author=city.rt_head2, title=f"Usulan tambahan {i}")
    assert dashboard_queries() == before <= 15


def test_public_view_and_open_data_are_reachable_from_any_page(city, client, login_as):
    login_as(city.rt_head)
    page = client.get("/proposals/").get_data(as_text=True)
    assert 'href="/public"' in page and 'href="/dashboard#open-data"' in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'id="open-data"' in dashboard and 'href="/api/v1/reports/commitments.csv"' in dashboard
    assert client.get("/public").status_code == 200
