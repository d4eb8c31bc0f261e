"""Alembic, driven from code: ``wirewatch migrate``, the compose migration service and
``wirewatch up`` all call ``upgrade_to_head``. Scripts live in infra/migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from worker.settings import sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "infra" / "migrations"
# concurrent `migrate` runs (several services starting at once) queue on this lock
MIGRATION_LOCK_ID = 0x77697265


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(database_url).replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")
