#!/usr/bin/env bash
# Installs the official Aerospike Node.js client (aerospike@6.7.1) and Apache Arrow's JS
# library (apache-arrow@21.1.0, to read asexport's streams) into tests/compat/node_modules.
# Idempotent, and safe to run from parallel tests (an flock serialises installs). The prebuilt binding for Node ABI 115 ships
# inside the npm package, so install scripts are skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

if ! command -v node >/dev/null 2>&1; then
  echo "install.sh: node not found: Node.js >= 20 needed for aerospike@6.7.1's prebuilt binding; Debian's nodejs is too old" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ -z "$major" ] || [ "$major" -lt 20 ]; then
  echo "install.sh: found node $(node --version): Node.js >= 20 needed for aerospike@6.7.1's prebuilt binding; Debian's nodejs is too old" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm not found (needed to install aerospike@6.7.1)" >&2
  exit 1
fi

installed() {
  node -e '
    const v = require("./node_modules/aerospike/package.json").version
    if (v !== "6.7.1") process.exit(1)
    require("aerospike")
    // apache-arrow (asexport tests) exports no package.json; read it as a file.
    const arrow = JSON.parse(require("fs").readFileSync("./node_modules/apache-arrow/package.json", "utf8"))
    if (arrow.version !== "21.1.0") process.exit(1)
    require("apache-arrow")' >/dev/null 2>&1
}

exec 9>"$here/.install.lock"  # ignored by tests/compat/.gitignore
flock 9
if installed; then
  echo "install.sh: aerospike@6.7.1 and apache-arrow@21.1.0 already installed"
  exit 0
fi
echo "install.sh: npm install aerospike@6.7.1 apache-arrow@21.1.0 into $here/node_modules"
npm install --no-audit --no-fund --ignore-scripts --loglevel=error
if ! installed; then
  echo "install.sh: aerospike installed but require('aerospike') fails:" >&2
  node -e 'require("aerospike")' || true
  exit 1
fi
echo "install.sh: ok"
