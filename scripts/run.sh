#!/usr/bin/env bash
# Runs a command with the project toolchain and local services' environment:
#   bash scripts/run.sh pnpm --filter @rm/db run migrate
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
eval "$(bash "$ROOT/scripts/services.sh" env)"
cd "$ROOT"
exec "$@"
