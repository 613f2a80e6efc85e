#!/bin/sh
# Compiles service workspaces to JavaScript (each one's tsconfig.build.json → dist/), so images run plain
# `node` with no TypeScript loader. Emit only (`--noCheck`): `npm test` type-checks the same sources, and the
# image's production install has no type packages. TypeScript comes from TSC_HOME (a node_modules folder that
# has it: the replay passes the repository's), else ./node_modules, else the exact version the root package.json
# pins is installed into /opt/tsc (image builds: production dependencies only).
# Usage: tools/images/compile.sh packages/contracts services/registry services/inference   (in the repository root)
set -eu
if [ -n "${TSC_HOME:-}" ]; then
  tsc="$TSC_HOME/.bin/tsc"
elif [ -x node_modules/.bin/tsc ]; then
  tsc=node_modules/.bin/tsc
else
  version=$(node -p "require('./package.json').devDependencies.typescript")
  npm install --prefix /opt/tsc --no-audit --no-fund --no-save "typescript@$version" >/dev/null
  tsc=/opt/tsc/node_modules/.bin/tsc
fi
for workspace in "$@"; do
  "$tsc" -p "$workspace/tsconfig.build.json" --noCheck
done
