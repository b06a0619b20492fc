#!/usr/bin/env bash
# `npm start`: the whole product locally with demo data — toolchain, PostgreSQL + Redis,
# migrations, demo seed, then web + relay + worker + provider simulator (Ctrl-C stops the apps;
# `npm run services:stop` stops the databases). The web app serves its production build, as in a
# deployment (built here first when apps/web/build is missing or anything it is made from changed:
# apps/web sources, packages/*/src, the lockfile; a content hash, a few ms when nothing changed), so
# pages cost one document request and never reload. Its Secure cookies work over http://localhost.
#
# `npm run dev` (this script with --dev): the same, but the web app runs the Vite dev server (HMR,
# modules served one by one) instead of the build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
# Assigned first: a failing services script must stop us (eval "$(…)" would hide it).
services_env=$(bash scripts/services.sh env)
eval "$services_env"
echo "[start] migrating and seeding the demo workspace" >&2
pnpm --silent --filter @rm/db run migrate >&2
pnpm --silent --filter @rm/demo run seed >&2
exec node scripts/start-apps.ts "$@"
