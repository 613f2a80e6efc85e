#!/bin/sh
# The production install of one service workspace, exactly as its image runs it (the Dockerfiles call this
# script, and tools/images/replay.ts replays it on a machine without Docker to measure the result):
#   - `npm ci --omit=dev` of that workspace only, from the root lockfile (every workspace manifest must be present);
#   - onnxruntime-node pruned to this OS and architecture (the package ships every platform's binaries);
#   - the per-workspace node_modules folders created, so the image's COPY steps never miss a path.
# Usage: tools/images/install-production.sh services/inference   (run in the repository root)
set -eu
workspace="$1"
npm ci --omit=dev --workspace "$workspace" --no-audit --no-fund
for folder in $(node -p 'require("./package.json").workspaces.join(" ")'); do mkdir -p "$folder/node_modules"; done
ort=node_modules/onnxruntime-node/bin/napi-v6
if [ -d "$ort" ]; then
  platform=$(node -p 'process.platform')
  arch=$(node -p 'process.arch')
  find "$ort" -mindepth 1 -maxdepth 1 ! -name "$platform" -exec rm -rf {} +
  find "$ort/$platform" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +
fi
