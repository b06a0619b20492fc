#!/usr/bin/env bash
# Runs a command with the project toolchain and local services' environment:
#   bash scripts/run.sh pnpm --filter @rm/db run migrate
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
# Assigned first: a failing services script must stop us (eval "$(…)" would hide it).
services_env=$(bash "$ROOT/scripts/services.sh" env)
eval "$services_env"
cd "$ROOT"
exec "$@"
