#!/usr/bin/env bash
# Installs the built signal-client runtime, connector SDK and Qualys plugin into DEST with production dependencies
# only, exactly as an install from a registry would: each publishable package is packed (its `files` only), then
# `npm install --omit=dev` installs the tarballs and their runtime dependencies. Nothing of the development
# toolchain (TypeScript, test tools, the pinned Node, the sandbox, the workbench) reaches DEST.
#
# Usage: scripts/install-production.sh DEST     (after `npm ci && npm run build` in the repository)
# The Dockerfile runs this same script; the production-install test in packages/workbench runs it too.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 DEST (an empty or new directory)" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mkdir -p "$1" && cd "$1" && pwd)
if [ ! -f "$root/packages/host-runtime/dist/index.js" ]; then
    echo "$0: the packages are not built; run 'npm ci && npm run build' in $root first" >&2
    exit 1
fi
packs="$dest/.packs"
mkdir -p "$packs"
for package in connector-sdk qualys-plugin host-runtime; do
    (cd "$root/packages/$package" && npm pack --silent --pack-destination "$packs" >/dev/null)
done
version=$(node -p "require('$root/packages/host-runtime/package.json').version")
cat >"$dest/package.json" <<JSON
{
  "name": "signal-client-service",
  "version": "$version",
  "private": true,
  "description": "signal-client with the Qualys connector, production dependencies only",
  "type": "module",
  "engines": { "node": ">=22.13" },
  "dependencies": {
    "@signal-connectors/connector-sdk": "file:.packs/signal-connectors-connector-sdk-$version.tgz",
    "@signal-connectors/qualys-plugin": "file:.packs/signal-connectors-qualys-plugin-$version.tgz",
    "@signal-connectors/host-runtime": "file:.packs/signal-connectors-host-runtime-$version.tgz"
  }
}
JSON
cd "$dest"
npm install --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error
echo "installed signal-client $version into $dest: run it with node $dest/node_modules/@signal-connectors/host-runtime/bin/signal-client.js"
