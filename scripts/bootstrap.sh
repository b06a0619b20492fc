#!/usr/bin/env bash
# Gets the toolchain (Node 24 + pnpm 10 from the npm registry, into .tools/) and the
# workspace's dependencies. Idempotent and quiet when nothing changed; safe to run often.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

need_tools=1
if [ -x .tools/node_modules/.bin/node ] && [ -x .tools/node_modules/.bin/pnpm ] \
  && [ .tools/node_modules/.package-lock.json -nt .tools/package-lock.json ]; then
  need_tools=0
fi
if [ "$need_tools" = 1 ]; then
  log "installing Node 24 and pnpm into .tools/ (npm ci)"
  npm ci --prefix .tools --no-audit --no-fund --loglevel=error >&2
fi

# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 24 ]; then
  log "expected Node 24 from .tools, got $(node --version)"; exit 1
fi

# Install only when the lockfile or a manifest changed since the last install.
stamp="node_modules/.rm-install-stamp"
fingerprint=$( (cat pnpm-lock.yaml; find . -name package.json -not -path '*/node_modules/*' -not -path './.tools/*' -not -path './.data/*' | sort | xargs cat) | sha1sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$fingerprint" ]; then
  log "pnpm install --frozen-lockfile"
  pnpm install --frozen-lockfile --reporter=append-only >&2
  echo "$fingerprint" > "$stamp"
fi
