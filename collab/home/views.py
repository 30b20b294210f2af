"""The front page: public figures for visitors, a role home for people who are logged in."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from collab import DOMAINS, _optional
from collab.accounts.models import Role, User
from collab.areas.models import Area
from collab.extensions import db
from collab.masterplan.services import active_masterplan, realisation
from collab.orgs.models import Organisation

bp = Blueprint("home", __name__)


def _public_context() -> dict:
    plan = active_masterplan()
    return {"plan": plan, "table": realisation(plan) if plan else None}


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/public.html", **_public_context())
    ctx = _public_context()
    roles = current_user.roles
    if Role.admin in roles:
        ctx["counts"] = {
            "users": db.session.scalar(select(func.count(User.id))),
            "organisations": db.session.scalar(select(func.count(Organisation.id))),
            "areas": db.session.scalar(select(func.count(Area.id))),
        }
    sections = []
    for domain in DOMAINS:  # a domain adds its part of the home page: collab/<domain>/home.py
        module = _optional(f"collab.{domain}.home")
        if module is not None:
            part = module.home_context(current_user)
            if part is not None:
                sections.append((f"{domain}/_home.html", part))
    return render_template("home/home.html", roles=roles, sections=sections, **ctx)


@bp.get("/public")
def public():
    return render_template("home/public.html", **_public_context())

