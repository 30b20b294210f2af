"""Command-line tools: `flask seed-demo`, `flask create-admin`."""
from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from collab.extensions import db


def init_app(app) -> None:
    @app.cli.group("i18n")
    def i18n():
        """Translation catalogues (one per domain)."""

    @i18n.command("update")
    @click.argument("names", nargs=-1)
    def i18n_update(names):
        """Extract strings and merge them into each catalogue's Indonesian .po file."""
        import subprocess
        import sys
        import tempfile

        from collab.i18n_catalogues import ROOT, catalogues

        for name, cat in catalogues().items():
            if names and name not in names:
                continue
            with tempfile.NamedTemporaryFile(suffix=".pot") as pot:
                sources = [str(s.relative_to(ROOT)) for s in cat["sources"] if s.exists()]
                subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                                "-k", "_l", "--no-location", "--sort-output", "-o", pot.name, *sources], check=True, cwd=ROOT)
                po = cat["dir"] / "id" / "LC_MESSAGES" / "messages.po"
                action = "update" if po.exists() else "init"
                extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if action == "update" else []
                subprocess.run([sys.executable, "-m", "babel.messages.frontend", action, "-i", pot.name,
                                "-d", str(cat["dir"]), "-l", "id", *extra], check=True, cwd=ROOT)
            click.echo(f"{name}: {po.relative_to(ROOT)}")

    @i18n.command("compile")
    def i18n_compile():
        """Compile every catalogue (.po -> .mo)."""
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        from collab.i18n_catalogues import catalogues

        for cat in catalogues().values():
            for po in cat["dir"].glob("*/LC_MESSAGES/messages.po"):
                with po.open("rb") as f:
                    catalog = read_po(f)
                with po.with_suffix(".mo").open("wb") as f:
                    write_mo(f, catalog)
        click.echo("catalogues compiled")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo city (idempotent) and print one account per role."""
        from collab.demo import seed_demo

        accounts = seed_demo()
        db.session.commit()
        click.echo(f"Demo city ready: {current_app.config['CITY_NAME']}. Accounts (one per role):")
        for role, login, password in accounts:
            click.echo(f"  {role:<15} {login:<28} password: {password}")

    @app.cli.command("create-admin")
    @click.option("--name", prompt=True)
    @click.option("--email", prompt=True)
    @click.password_option()
    def create_admin_command(name, email, password):
        """Create a secretariat admin account (the first one needs no other admin)."""
        from collab.accounts.models import Role, User, UserRole
        from collab.accounts.passwords import hash_password
        from collab.accounts.services import check_password_strength, normalise_email
        from collab.core.audit import record
        from collab.core.errors import ValidationFailed

        email = normalise_email(email)
        if db.session.scalar(select(User).where(User.email == email)):
            raise click.ClickException("An account with this e-mail already exists.")
        try:
            check_password_strength(password)
        except ValidationFailed as exc:
            raise click.ClickException(str(exc.message)) from None
        user = User(name=name.strip(), email=email, password_hash=hash_password(password))
        user.role_rows = [UserRole(role=Role.admin)]
        db.session.add(user)
        db.session.flush()
        record(None, "user.create_admin", user)
        db.session.commit()
        click.echo(f"Admin {email} created.")
