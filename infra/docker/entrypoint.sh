#!/usr/bin/env bash
# Entrypoint of every wirewatch container: run the compose `command` as PID 1's replacement,
# so signals (docker stop) reach it directly.
set -euo pipefail
exec "$@"
