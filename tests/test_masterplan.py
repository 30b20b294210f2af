"""Realisation is computed from the items, never typed in."""
from datetime import date

import pytest

from collab.core.errors import Conflict, PermissionDenied, ValidationFailed
from collab.extensions import db
from collab.masterplan import services
from collab.masterplan.models import DimensionCode


def test_six_of_seven_is_85_71_percent(city):
    for i in range(7):
        city.item(year=2023, title=f"Item {i}", realised_on=date(2023, 12, 1) if i < 6 else None)
    table = services.realisation(city.plan)
    r = table[DimensionCode.environment][2023]
    assert (r.planned, r.realised, r.percent) == (7, 6, 85.71)


def test_marking_realised_changes_the_public_figure(client, city, login_as):
    item = city.item(year=2024)
    before = client.get("/api/v1/masterplan/realisation").json
    assert [row["percent"] for row in before if row["dimension"] == "environment" and row["year"] == 2024] == [0.0]
    login_as(city.admin)
    response = client.post(f"/masterplan/items/{item.id}/realise", data={"realised_on": "2024-11-01", "note": "Foto kegiatan"})
    assert response.status_code == 302
    after = client.get("/api/v1/masterplan/realisation").json
    assert [row["percent"] for row in after if row["dimension"] == "environment" and row["year"] == 2024] == [100.0]


def test_realising_twice_or_without_evidence_is_refused(city):
    item = city.item()
    with pytest.raises(ValidationFailed):
        services.mark_realised(city.admin, item, realised_on=date(2024, 1, 1), note="  ")
    services.mark_realised(city.admin, item, realised_on=date(2024, 1, 1), note="ok")
    with pytest.raises(Conflict):
        services.mark_realised(city.admin, item, realised_on=date(2024, 1, 1), note="again")


def test_only_admin_manages_the_masterplan(city):
    with pytest.raises(PermissionDenied):
        services.save_item(city.officer, None, dimension=city.dims[DimensionCode.economy], year=2024, title="X")


def test_year_outside_the_period_is_explained(client, city, login_as):
    login_as(city.admin)
    dim = city.dims[DimensionCode.economy]
    page = client.post("/masterplan/items/new", data={"dimension": dim.id, "year": 2040, "title": "Pasar", "kind": "programme",
                                                      "lead_organisation": 0}).get_data(as_text=True)
    assert "2023" in page and "2032" in page
    assert not dim.items


def test_api_conflict_is_json_with_reason(client, city, login_as):
    item = city.item(realised_on=date(2024, 1, 1))
    login_as(city.admin)
    response = client.post(f"/api/v1/masterplan/items/{item.id}/realise", json={"realised_on": "2024-02-01", "note": "x"})
    assert response.status_code == 409 and response.json["code"] == "conflict" and response.json["message"]
    db.session.refresh(item)
    assert item.realised_on == date(2024, 1, 1)


def test_api_validation_errors_name_the_fields(client, city, login_as):
    login_as(city.admin)
    response = client.post("/api/v1/masterplan/items", json={"dimension": "nope", "year": "x"})
    assert response.status_code == 422 and {"dimension", "year", "title"} <= set(response.json["errors"])
