#!/bin/sh
# Compiles service workspaces to JavaScript (each one's tsconfig.build.json → dist/), so images run plain
# `node` with no TypeScript loader. TypeScript and @types/node come from TSC_HOME (a node_modules folder that
# has them: the replay passes the repository's), else from ./node_modules when installed, else the exact
# versions the root package.json pins are installed into /opt/tsc (image builds: production dependencies only).
# Usage: tools/images/compile.sh services/registry services/inference   (run in the repository root)
set -eu
if [ -n "${TSC_HOME:-}" ]; then
  tsc="$TSC_HOME/.bin/tsc"
  types="--typeRoots $TSC_HOME/@types"
elif [ -x node_modules/.bin/tsc ] && [ -d node_modules/@types/node ]; then
  tsc=node_modules/.bin/tsc
  types=""
else
  version() { node -p "require('./package.json').devDependencies['$1']"; }
  npm install --prefix /opt/tsc --no-audit --no-fund --no-save "typescript@$(version typescript)" "@types/node@$(version @types/node)" >/dev/null
  tsc=/opt/tsc/node_modules/.bin/tsc
  types="--typeRoots /opt/tsc/node_modules/@types"
fi
for workspace in "$@"; do
  # shellcheck disable=SC2086
  "$tsc" -p "$workspace/tsconfig.build.json" $types
done
