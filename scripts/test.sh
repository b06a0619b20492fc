#!/usr/bin/env bash
# `npm test`: bootstrap the toolchain, start local PostgreSQL + Redis, then typecheck, lint,
# migration check and every test (vitest across the workspace). The last line printed is
# `N passed, N failed, N skipped`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - $1 ))s; }

bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
export TZ=UTC

# Browser tests drive the real UI in Debian's Chromium; under CI a missing browser is a failure.
if [ -z "${CHROMIUM_PATH:-}" ]; then
  if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "[test] installing chromium with apt-get" >&2
      [ -f /tmp/.rm-apt-updated ] || { apt-get update -qq >&2 && touch /tmp/.rm-apt-updated; }
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    elif [ "${CI:-}" = "true" ]; then
      echo "[test] chromium is missing (apt-get install -y chromium)" >&2; exit 1
    fi
  fi
  command -v chromium >/dev/null && export CHROMIUM_PATH="$(command -v chromium)"
fi

# Assigned first: a failing services script must stop us (eval "$(…)" would hide it).
services_env=$(bash scripts/services.sh env)
eval "$services_env"
echo "[test] setup $(elapsed "$t0")"

t1=$(date +%s)
turbo run typecheck lint --concurrency=2 --output-logs=errors-only
echo "[test] typecheck + lint $(elapsed "$t1")"

t2=$(date +%s)
pnpm --silent --filter @rm/db run migration:check
echo "[test] migration check $(elapsed "$t2")"

t3=$(date +%s)
set +e
vitest run --config vitest.config.ts "$@"
code=$?
set -e
# The reporter prints the suite time and then the summary, which stays the last line.
exit $code
