"""`flask verify-votes`: recompute the council's vote record and name the first broken link."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("verify-votes")
@with_appcontext
def verify_votes_command():
    """Recompute the hash chain of council ballots and results; exit 1 on the first broken link."""
    from collab.council.chain import verify

    report = verify()
    if report.ok:
        click.echo(f"vote record intact: {report.events} events verified")
        return
    where = f"event #{report.broken_seq}" if report.broken_seq is not None else "a row outside the chain"
    click.echo(f"vote record BROKEN at {where}: {report.problem} {report.details or ''}".rstrip(), err=True)
    raise SystemExit(1)
