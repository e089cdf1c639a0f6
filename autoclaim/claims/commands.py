"""`autoclaim keys create --role ...` and `autoclaim db upgrade`: admin tasks on the store."""

from __future__ import annotations

import json

import typer

from autoclaim.claims.db import make_engine
from autoclaim.claims.migrate import upgrade
from autoclaim.claims.principals import Role
from autoclaim.claims.store import ClaimStore
from autoclaim.config import get_settings


def _store() -> ClaimStore:
    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    return ClaimStore(engine)


def register(app: typer.Typer) -> None:
    """Add the `keys` and `db` command groups to the `autoclaim` CLI."""
    keys = typer.Typer(help="API keys (stored hashed; a key is shown once, when created).")
    db = typer.Typer(help="The claim database.")
    app.add_typer(keys, name="keys")
    app.add_typer(db, name="db")

    @keys.command("create")
    def create(
        role: str = typer.Option(..., help="claimant, adjuster or admin"),
        name: str = typer.Option("", help="Who or what uses the key"),
    ) -> None:
        """Create an API key and print it (as JSON) once."""
        try:
            chosen = Role(role)
        except ValueError:
            typer.echo(f"unknown role {role!r}; choose claimant, adjuster or admin", err=True)
            raise typer.Exit(2) from None
        if chosen == Role.SYSTEM:
            typer.echo("role 'system' cannot have a key", err=True)
            raise typer.Exit(2)
        key_id, key = _store().create_api_key(chosen, name)
        typer.echo(json.dumps({"id": key_id, "role": chosen.value, "key": key}))

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Apply schema migrations (the service also does this on start)."""
        _store()
        typer.echo("database at the newest schema")
