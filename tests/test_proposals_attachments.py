"""Attachments: type by content, size limit, stored outside static/, served by the policy."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from collab.core.errors import PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.proposals import services
from collab.proposals.models import Attachment
from tests.fixtures.proposals import S, make_proposal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_photo_is_stored_outside_static_and_served_to_who_may_see(city, client, login_as, app):
    p = make_proposal(city)
    login_as(city.rt_head)
    response = client.post(f"/proposals/{p.id}/attachments", data={"file": (io.BytesIO(PNG), "../../foto sungai.png")})
    assert response.status_code == 302
    a = db.session.query(Attachment).one()
    assert a.content_type == "image/png" and a.filename == "foto sungai.png"
    stored = Path(app.config["UPLOAD_FOLDER"]) / "proposals" / a.stored_name
    assert stored.read_bytes() == PNG and "static" not in stored.parts
    assert client.get(f"/proposals/attachments/{a.id}").data == PNG
    client.post("/logout")
    with client.session_transaction() as s:
        s.clear()
    assert client.get(f"/proposals/attachments/{a.id}").status_code == 404  # draft: not public
    services.submit_proposal(city.rt_head, p)
    db.session.commit()
    assert client.get(f"/proposals/attachments/{a.id}").status_code == 200


def test_pdf_downloads_as_attachment(city, client):
    p = make_proposal(city)
    a = services.add_attachment(city.rt_head, p, "rab.pdf", PDF)
    services.submit_proposal(city.rt_head, p)
    db.session.commit()
    response = client.get(f"/proposals/attachments/{a.id}")
    assert response.mimetype == "application/pdf" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name,data", [
    ("foto.png", b"<html><script>alert(1)</script></html>"),  # lies about its type
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    ("kosong.jpg", b""),
])
def test_files_that_lie_or_are_empty_are_refused(city, name, data):
    p = make_proposal(city)
    with pytest.raises(ValidationFailed):
        services.add_attachment(city.rt_head, p, name, data)
    assert p.attachments == []


def test_too_large_is_refused(city, app):
    p = make_proposal(city)
    big = PNG + b"\x00" * app.config["UPLOAD_MAX_BYTES"]
    with pytest.raises(ValidationFailed):
        services.add_attachment(city.rt_head, p, "besar.png", big)


def test_only_the_office_attaches_while_editable(city):
    p = make_proposal(city)
    with pytest.raises(PermissionDenied):
        services.add_attachment(city.rt_head2, p, "foto.png", PNG)
    submitted = make_proposal(city, S.submitted)
    with pytest.raises(PermissionDenied):
        services.add_attachment(city.rt_head, submitted, "foto.png", PNG)


def test_removing_deletes_the_file_after_commit(city, app):
    p = make_proposal(city)
    a = services.add_attachment(city.rt_head, p, "foto.png", PNG)
    db.session.commit()
    path = services.upload_dir() / a.stored_name
    services.delete_attachment(city.rt_head, a)
    assert path.exists()
    db.session.commit()
    assert not path.exists()


def test_api_upload(city, client, login_as):
    p = make_proposal(city)
    login_as(city.rt_head)
    response = client.post(f"/api/v1/proposals/{p.id}/attachments", data={"file": (io.BytesIO(PDF), "rab.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["content_type"] == "application/pdf"
    response = client.post(f"/api/v1/proposals/{p.id}/attachments", data={"file": (io.BytesIO(b"hello"), "x.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["message"]
