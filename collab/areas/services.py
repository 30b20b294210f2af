"""Area tree operations (admin only)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from collab import permissions as policy
from collab.areas.models import Area, AreaLevel
from collab.core.audit import record
from collab.core.csvfile import read_csv
from collab.core.errors import ValidationFailed
from collab.core.text import squash
from collab.extensions import db

AREA_CSV_COLUMNS = ["code", "name", "level", "parent_code"]
LEVEL_ALIASES = {"kota": AreaLevel.kota, "kabupaten": AreaLevel.kota, "kecamatan": AreaLevel.kecamatan,
                 "kelurahan": AreaLevel.kelurahan, "desa": AreaLevel.kelurahan, "rw": AreaLevel.rw, "rt": AreaLevel.rt}


def _place(area: Area, parent: Area | None) -> None:
    area.parent = parent
    db.session.add(area)
    db.session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"


def _check_parent(level: AreaLevel, parent: Area | None):
    if level == AreaLevel.kota:
        return None if parent is None else _l("A city has no parent area.")
    if parent is None:
        return _l("A %(level)s needs a parent area.", level=level.label)
    if parent.level != level.parent_level:
        return _l("The parent of a %(level)s must be a %(parent)s, not a %(given)s.",
                  level=level.label, parent=level.parent_level.label, given=parent.level.label)
    return None


def create_area(actor, *, code: str, name: str, level: AreaLevel, parent: Area | None) -> Area:
    policy.require(policy.can_manage_areas(actor))
    code, name = squash(code), squash(name)
    errors: dict[str, list] = {}
    if not code:
        errors["code"] = [_l("Enter the code.")]
    elif db.session.scalar(select(Area.id).where(Area.code == code)):
        errors["code"] = [_l("The code %(code)s is already used.", code=code)]
    if not name:
        errors["name"] = [_l("Enter the name.")]
    problem = _check_parent(level, parent)
    if problem:
        errors["parent"] = [problem]
    if errors:
        raise ValidationFailed(_l("The area could not be saved."), errors=errors)
    area = Area(code=code, name=name, level=level)
    _place(area, parent)
    record(actor, "area.create", area, code=code)
    return area


def rename_area(actor, area: Area, name: str) -> None:
    policy.require(policy.can_manage_areas(actor))
    name = squash(name)
    if not name:
        raise ValidationFailed(_l("Enter the name."), errors={"name": [_l("Enter the name.")]})
    record(actor, "area.rename", area, before=area.name, after=name)
    area.name = name


def import_areas_csv(actor, data: bytes) -> int:
    """Import the tree from CSV (code, name, level, parent_code), parents before children or
    already in the database. All or nothing; returns the number of areas created."""
    policy.require(policy.can_manage_areas(actor))
    sheet = read_csv(data, AREA_CSV_COLUMNS, max_bytes=current_app.config["CSV_MAX_BYTES"])
    existing = {a.code: a for a in db.session.scalars(select(Area))}
    planned: dict[str, tuple[int, AreaLevel]] = {}
    for line, row in sheet.rows:
        code, name, parent_code = row.get("code", ""), row.get("name", ""), row.get("parent_code", "")
        level = LEVEL_ALIASES.get(row.get("level", "").lower())
        if not code or not name:
            sheet.error(line, _l("Code and name are required."))
            continue
        if level is None:
            sheet.error(line, _l("Unknown level \"%(v)s\"; use kota, kecamatan, kelurahan, rw or rt.", v=row.get("level", "")))
            continue
        if code in existing or code in planned:
            sheet.error(line, _l("Duplicate code %(code)s.", code=code))
            continue
        parent_level = None
        if parent_code:
            if parent_code in planned:
                parent_level = planned[parent_code][1]
            elif parent_code in existing:
                parent_level = existing[parent_code].level
            else:
                sheet.error(line, _l("Unknown parent area %(code)s.", code=parent_code))
                continue
        if level == AreaLevel.kota and parent_code:
            sheet.error(line, _l("A city has no parent area."))
            continue
        if level != AreaLevel.kota and (parent_level is None or parent_level != level.parent_level):
            sheet.error(line, _l("The parent of a %(level)s must be a %(parent)s.", level=level.label,
                                 parent=level.parent_level.label))
            continue
        planned[code] = (line, level)
    sheet.raise_if_errors()
    by_code = dict(existing)
    for _line, row in sheet.rows:
        level = LEVEL_ALIASES[row["level"].lower()]
        area = Area(code=row["code"], name=squash(row["name"]), level=level)
        _place(area, by_code.get(row.get("parent_code") or ""))
        by_code[area.code] = area
    record(actor, "area.import", None, count=len(planned))
    return len(planned)


def counts_by_level() -> dict[AreaLevel, int]:
    return dict(db.session.execute(select(Area.level, func.count(Area.id)).group_by(Area.level)).all())


def subtree_filter(area: Area):
    """A WHERE clause for `area` and everything below it."""
    return Area.path.startswith(area.path)
