from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from autoclaim.claims.db import make_engine
from autoclaim.claims.migrate import upgrade
from autoclaim.config import REPO_ROOT


def test_alembic_ini_upgrades_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "autoclaim/claims/migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    assert "claims" in inspect(engine).get_table_names()
    command.downgrade(config, "base")
    assert "claims" not in inspect(engine).get_table_names()


def test_upgrade_on_start_is_idempotent(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.sqlite3'}")
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0002"


def test_0002_backfills_the_amount_of_estimated_claims(engine: Engine) -> None:
    """Claims estimated under 0001 get their newest estimate's total as `amount`."""
    upgrade(engine, "0001")
    with engine.begin() as conn:
        for claim_id in ("estimated", "bare"):
            conn.execute(
                text(
                    "INSERT INTO claims (id, version, status, tracking_token, created_at, "
                    "updated_at, policy_number, plate, accident_at, place, cause, description, "
                    "injury, third_parties, reporter, payee, region, flag_count) VALUES (:id, 1, "
                    "'assessed', :id, :at, :at, 'P', '沪A12345', :at, 'here', 'collision', '', "
                    "false, '[]', '{}', '{}', 'shanghai', 0)"
                ),
                {"id": claim_id, "at": "2026-11-20 08:00:00"},
            )
        for total, at in ((100.0, "2026-11-20 09:00:00"), (250.5, "2026-11-20 10:00:00")):
            conn.execute(
                text(
                    "INSERT INTO estimates (id, claim_id, created_at, body, total, fast_track, "
                    "flag_count) VALUES (:id, 'estimated', :at, '{}', :total, NULL, 0)"
                ),
                {"id": f"e{int(total)}", "at": at, "total": total},
            )
    upgrade(engine)
    with engine.connect() as conn:
        amounts = dict(conn.execute(text("SELECT id, amount FROM claims")).tuples().all())
    assert amounts["estimated"] == Decimal("250.50") and amounts["bare"] is None
    assert "field_corrections" in inspect(engine).get_table_names()
