"""The area tree: CSV import, all or nothing, with line numbers."""
from io import BytesIO

from sqlalchemy import func, select

from collab.areas.models import Area
from collab.extensions import db

GOOD = """code,name,level,parent_code
3576.02,Magersari,kecamatan,3576
3576.02.1001,Wates,kelurahan,3576.02
3576.02.1001.01,001,rw,3576.02.1001
3576.02.1001.01.001,001,rt,3576.02.1001.01
"""


def _post(client, text):
    return client.post("/areas/import", data={"file": (BytesIO(text.encode()), "areas.csv")})


def test_import_builds_the_tree(client, city, login_as):
    login_as(city.admin)
    assert _post(client, GOOD).status_code == 302
    rt = db.session.scalar(select(Area).where(Area.code == "3576.02.1001.01.001"))
    assert rt.parent.parent.name == "Wates" and rt.path.startswith(city.kota.path)
    assert "Wates" in client.get(f"/areas/{rt.parent.parent.id}").get_data(as_text=True)


def test_bad_rows_are_listed_and_nothing_is_imported(client, city, login_as):
    login_as(city.admin)
    before = db.session.scalar(select(func.count(Area.id)))
    bad = GOOD + "3576.02.1001.01.001,dup,rt,3576.02.1001.01\n3576.02.1009,X,kelurahan,3576.77\n3576.02.1010,Y,desa-x,3576.02\n3576.02.1001.01.005,Z,rt,3576.02\n"
    page = _post(client, bad).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Area.id))) == before
    for line in ("<td>6</td>", "<td>7</td>", "<td>8</td>", "<td>9</td>"):
        assert line in page
    assert "3576.77" in page


def test_missing_column_is_explained(client, city, login_as):
    login_as(city.admin)
    page = _post(client, "code,name\n1,a\n").get_data(as_text=True)
    assert "level" in page and "parent_code" in page


def test_api_import_reports_rows_as_json(client, city, login_as):
    login_as(city.admin)
    response = client.post("/api/v1/areas/import", data={"file": (BytesIO(b"code,name,level,parent_code\nX,Y,rt,NOPE\n"), "a.csv")})
    assert response.status_code == 422
    assert response.json["errors"]["rows"][0]["line"] == 2
