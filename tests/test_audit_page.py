"""The admin's audit log reads as sentences in the admin's language, links to the objects, and
filters by part of the platform; the action codes stay visible for API users."""
import ast
from pathlib import Path

from collab.accounts import services as accounts
from collab.accounts.models import Role, TokenPurpose
from collab.core.audit import ACTION_LABELS, AuditLog
from collab.extensions import db
from collab.proposals.services import TRANSITIONS
from tests.fixtures.proposals import S, make_proposal


def _audit_page(client, query=""):
    response = client.get("/admin/audit" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_admin_reads_a_submitted_proposal_in_indonesian_with_a_link_and_details(client, city, login_as):
    proposal = make_proposal(city, S.submitted, title="Bank sampah <b>digital</b> RT 001")
    login_as(city.admin)
    page = _audit_page(client)
    assert "Usulan diajukan" in page and "<code>proposal.submit</code>" in page
    assert "Usulan dibuat" in page
    assert f'<a href="/proposals/{proposal.id}">Usulan #{proposal.id}</a>' in page
    assert city.rt_head.name in page
    assert "Status sebelum: draft" in page and "Status sesudah: submitted" in page
    # the title is the author's text: shown escaped, never as markup
    assert "Judul: Bank sampah &lt;b&gt;digital&lt;/b&gt; RT 001" in page
    assert "<b>digital</b>" not in page
    assert '"from_state"' not in page  # no raw JSON any more


def test_labels_follow_the_admins_language(client, city, login_as):
    make_proposal(city, S.submitted)
    city.admin.locale = "en"
    db.session.commit()
    login_as(city.admin)
    page = _audit_page(client)
    assert "Proposal submitted" in page and "Status before: draft" in page


def test_filter_by_part_of_the_platform(client, city, login_as):
    make_proposal(city, S.submitted)
    accounts.create_user(city.admin, name="Warga Baru", email="baru@example.org", roles={Role.council_member})
    db.session.commit()
    login_as(city.admin)

    proposals = _audit_page(client, "?domain=proposal")
    assert "Usulan diajukan" in proposals and "Akun dibuat" not in proposals
    assert '<option value="proposal" selected>Usulan</option>' in proposals

    users = _audit_page(client, "?domain=user")
    assert "Akun dibuat" in users and "Usulan diajukan" not in users

    # the old prefix links keep working, and the search box also finds words of the name
    assert "Akun dibuat" not in _audit_page(client, "?action=proposal.")
    by_name = _audit_page(client, "?action=diajukan")
    assert "Usulan diajukan" in by_name and "Usulan dibuat" not in by_name
    assert "Tidak ada catatan" in _audit_page(client, "?domain=council")


def test_unknown_codes_show_as_themselves(client, city, login_as):
    db.session.add(AuditLog(actor_id=city.admin.id, action="legacy.thing", object_type="widget", object_id=3,
                            data={"colour_name": "<i>red</i>"}))
    db.session.commit()
    login_as(city.admin)
    page = _audit_page(client)
    assert "legacy.thing" in page and "widget #3" in page and "colour name: &lt;i&gt;red&lt;/i&gt;" in page


def test_audit_page_query_count_does_not_grow_with_the_rows(client, city, login_as, count_queries):
    make_proposal(city, S.submitted)
    login_as(city.admin)
    with count_queries() as q:
        _audit_page(client)
    few = q.count
    for i in range(6):
        make_proposal(city, S.in_review, author=city.rt_head2, title=f"Usulan nomor {i}")
    with count_queries() as q:
        _audit_page(client)
    assert q.count == few


def test_every_action_the_services_write_has_a_name():
    """Codes are literal strings in record(...) calls, except the proposal transitions and the
    one-time links, which are built from their lists."""
    written = {f"proposal.{action}" for action in TRANSITIONS}
    written |= {f"user.{p.value}{suffix}" for p in TokenPurpose for suffix in ("", "_link")}
    for path in (Path(__file__).parent.parent / "collab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and len(node.args) > 1:
                code = node.args[1]
                for branch in (code.body, code.orelse) if isinstance(code, ast.IfExp) else (code,):
                    if isinstance(branch, ast.Constant):
                        written.add(branch.value)
    assert len(written) > 90
    assert sorted(written - set(ACTION_LABELS)) == []
