"""Seed the database named by DATABASE_URL with N participants (each with a personal API token),
one facilitator and one live FGD room they are all invited to; write the tokens for
bench/fgd_load.py.

    export DATABASE_URL=sqlite:///$PWD/instance/bench.db
    .venv/bin/flask --app app db upgrade && .venv/bin/python bench/seed_room.py --n 1000
"""
from __future__ import annotations

import argparse
import json
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from collab import create_app
from collab.accounts.models import ApiToken, Role, User, UserRole
from collab.accounts.services import _sha
from collab.core.db import utcnow
from collab.extensions import db
from collab.fgd import services


def _user(name: str, email: str, role: Role) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(name=name, email=email)
        user.role_rows = [UserRole(role=role)]
        db.session.add(user)
    return user


def _token(user: User) -> str:
    raw = "rmb_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name="bench", prefix=raw[:10], token_hash=_sha(raw)))
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="participants")
    parser.add_argument("--out", default="bench/out/room.json")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        host = _user("Bench Facilitator", "bench.host@bench.rembuk.id", Role.admin)
        people = [_user(f"Peserta {i:04d}", f"bench.{i:04d}@bench.rembuk.id", Role.partner_rep)
                  for i in range(args.n)]
        db.session.flush()
        start = utcnow()
        fgd = services.save_session(host, None, topic=f"Bench room {start:%H:%M:%S}", starts_at=start,
                                    ends_at=start + timedelta(hours=3), online=True)
        services.invite(host, fgd, users=people)
        services.open_room(host, fgd)
        tokens = [_token(u) for u in people]
        db.session.commit()
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"session_id": fgd.id, "tokens": tokens}))
        print(f"room {fgd.id} with {len(tokens)} participants -> {out}")


if __name__ == "__main__":
    main()
