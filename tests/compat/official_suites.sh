#!/usr/bin/env bash
# Runs the official Node.js client's own mocha suites (aerospike@6.7.1, TypeScript, in
# node_modules/aerospike/test) against a real asd, and prints each suite's passing /
# failing / pending counts with the failing titles. Not part of ./scripts/test: mocha,
# chai and the TypeScript loader come from npm into a work directory outside the repo.
#
# Usage: tests/compat/official_suites.sh [SUITE.ts ...]   (default: the suites the README
#        lists). Environment: SUITES_DIR (default /tmp/aerospike-suites), ASD_BIN.
# asd is started and always stopped by run_scenario.sh (free ports, its own temp dir).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="${SUITES_DIR:-/tmp/aerospike-suites}"
bash "$here/install.sh" >&2
if [ ! -x "$work/node_modules/.bin/mocha" ]; then
  mkdir -p "$work"
  (cd "$work" && npm init -y >/dev/null &&
    npm install --no-audit --no-fund mocha chai@4 chai-as-promised@7 tsx typescript @types/node @types/mocha \
      @types/chai yargs semver tmp p-throttle >&2)
fi
# The suites import ../lib/aerospike.js and 'aerospike': both point at the installed client.
rm -rf "$work/test"
cp -r "$here/node_modules/aerospike/test" "$work/test"
ln -sfn "$here/node_modules/aerospike/lib" "$work/lib"
ln -sfn "$here/node_modules/aerospike" "$work/node_modules/aerospike"

export SUITES_DIR="$work" SUITES="${*:-get.ts operate.ts batch_read.ts query.ts scan.ts exp.ts exp_list.ts exp_map.ts exp_bit.ts exp_hll.ts hll.ts path_expressions.ts path_operations.ts bitwise.ts}"
export SCENARIO_TIMEOUT="${SCENARIO_TIMEOUT:-3600}"
exec bash "$here/run_scenario.sh" "$here/official_suites.js"
