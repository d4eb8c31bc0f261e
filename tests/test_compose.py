"""docker-compose.yml, checked without a Docker engine: it parses, every service's command is a
real wirewatch subcommand, every variable it sets is a setting, and the topology is sound."""

from __future__ import annotations

import argparse
import re

from tests.services import compose
from worker.cli import build_parser
from worker.settings import Settings

APP_SERVICES = {"migrate", "worker", "watcher", "api", "flower"}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_services_and_volumes() -> None:
    spec = compose()
    assert {"postgres", "redis", *APP_SERVICES} <= set(spec["services"])
    assert {"pgdata", "redisdata"} <= set(spec["volumes"])
    for name, service in spec["services"].items():
        assert "container_name" not in service, f"{name}: a fixed name prevents --scale"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in spec["volumes"], f"{name}: undeclared volume {source}"
    inbox = [v for v in spec["services"]["watcher"]["volumes"] if v.startswith("./seeds:")]
    assert inbox, "the watch folder is bind-mounted"


def test_every_command_is_a_wirewatch_subcommand_that_parses() -> None:
    subcommands = _subcommands()
    parser = build_parser()
    for name in APP_SERVICES:
        command = compose()["services"][name]["command"]
        assert command[0] == "wirewatch", name
        assert command[1] in subcommands, f"{name}: no subcommand {command[1]}"
        parser.parse_args(command[1:])  # exits on an unknown option


def test_every_environment_variable_is_a_setting() -> None:
    fields = set(Settings.model_fields)
    for name in APP_SERVICES:
        env = compose()["services"][name]["environment"]
        for var in env:
            if var in ("DATABASE_URL", "REDIS_URL"):
                continue
            match = re.fullmatch(r"WIREWATCH_(\w+)", var)
            assert match and match.group(1).lower() in fields, f"{name}: {var} is not a setting"
        settings = Settings(**{k.removeprefix("WIREWATCH_").lower(): v for k, v in env.items() if "URL" not in k})
        assert settings.watch_dir.as_posix() == "/data/inbox"
    assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")


def test_startup_order_and_health_checks() -> None:
    services = compose()["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    for name in ("worker", "watcher", "api"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "worker", "watcher", "api", "flower"):
        assert services[name]["healthcheck"]["test"], name
    assert "8000:8000" in services["api"]["ports"]
