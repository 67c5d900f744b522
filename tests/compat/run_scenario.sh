#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup functions run from traps
# Runs one compat scenario (a node program) against a real asd process.
#
#   run_scenario.sh SCENARIO.js
#
# Starts $ASD_BIN (default <repo>/build/bin/asd) on free loopback ports with
# its own temp dir and rendered config, waits until it answers the info
# command `status`, runs `node SCENARIO.js` with ASD_HOST/ASD_PORT set, always
# stops asd afterwards (also on failure, timeout or signal), prints asd's log
# when anything failed, and exits with node's status.
#
# Environment: ASD_BIN, ASD_ARGS (extra asd arguments), SCENARIO_TIMEOUT
# (seconds, default 240), ASD_START_TIMEOUT (seconds, default 30),
# COMPAT_KEEP_TMP=1 keeps the temp dir.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scenario="${1:?usage: run_scenario.sh SCENARIO.js}"
[ -f "$scenario" ] || scenario="$here/$scenario"
name="$(basename "$scenario" .js)"
asd_bin="${ASD_BIN:-$repo/build/bin/asd}"

say() { echo "run_scenario[$name]: $*"; }

if [ ! -f "$scenario" ]; then
  say "no such scenario: $scenario"
  exit 1
fi
if [ ! -x "$asd_bin" ]; then
  say "asd binary not found or not executable: $asd_bin (set ASD_BIN)"
  exit 1
fi
if [ ! -d "$here/node_modules/aerospike" ]; then
  say "aerospike client missing: run $here/install.sh first"
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/asd-compat-$name.XXXXXX")"
log="$tmp/asd.log"
asd_pid=""
node_pid=""
status=1

dump_log() {
  echo "----- asd log ($log), last 200 lines -----"
  tail -n 200 "$log" 2>/dev/null || true
  echo "----- end of asd log -----"
}

stop_asd() {
  [ -n "$asd_pid" ] || return 0
  if kill -0 "$asd_pid" 2>/dev/null; then
    kill -TERM "$asd_pid" 2>/dev/null
    for _ in $(seq 50); do
      kill -0 "$asd_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$asd_pid" 2>/dev/null; then
      say "asd (pid $asd_pid) ignored SIGTERM for 5 s; sending SIGKILL"
      kill -KILL "$asd_pid" 2>/dev/null
    fi
  fi
  wait "$asd_pid" 2>/dev/null
  asd_pid=""
}

cleanup() {
  if [ -n "$node_pid" ]; then
    kill -TERM "$node_pid" 2>/dev/null
    wait "$node_pid" 2>/dev/null
  fi
  stop_asd
  if [ "$status" -ne 0 ]; then
    dump_log
  fi
  if [ "${COMPAT_KEEP_TMP:-0}" = 1 ]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'say "interrupted"; status=130; exit 130' INT TERM HUP

# Four distinct free loopback ports: service, heartbeat, fabric, info.
read -r port hb_port fabric_port info_port < <(node -e '
  const net = require("net")
  const servers = []
  const ports = []
  function next () {
    if (ports.length === 4) {
      servers.forEach(s => s.close())
      console.log(ports.join(" "))
      return
    }
    const s = net.createServer()
    s.listen(0, "127.0.0.1", () => { servers.push(s); ports.push(s.address().port); next() })
  }
  next()')
if [ -z "${info_port:-}" ]; then
  say "could not pick free ports"
  exit 1
fi

cat >"$tmp/asd.conf" <<EOF
service {
  cluster-name compat
  work-directory $tmp
}
logging {
  console {
    context any info
  }
}
network {
  service {
    address 127.0.0.1
    port $port
  }
  heartbeat {
    mode mesh
    port $hb_port
  }
  fabric {
    port $fabric_port
  }
  info {
    port $info_port
  }
}
namespace test {
  replication-factor 1
  memory-size 1G
  default-ttl 0
  nsup-period 10
  allow-ttl-without-nsup true
  storage-engine memory
}
namespace bar {
  replication-factor 1
  memory-size 256M
  storage-engine memory
}
EOF

say "starting $asd_bin on 127.0.0.1:$port (tmp $tmp)"
# shellcheck disable=SC2086  # ASD_ARGS is a word list on purpose
"$asd_bin" --config-file "$tmp/asd.conf" --foreground ${ASD_ARGS:-} >"$log" 2>&1 &
asd_pid=$!

# Ready = the service port answers the info command `status` with `ok`.
ready_js='
  const net = require("net")
  const body = Buffer.from("status\n")
  const hdr = Buffer.alloc(8)
  hdr.writeBigUInt64BE((2n << 56n) | (1n << 48n) | BigInt(body.length))
  const s = net.connect(Number(process.argv[1]), "127.0.0.1")
  let got = Buffer.alloc(0)
  s.setTimeout(1000, () => process.exit(1))
  s.on("connect", () => s.write(Buffer.concat([hdr, body])))
  s.on("data", d => {
    got = Buffer.concat([got, d])
    if (got.toString("latin1").includes("status\tok")) process.exit(0)
  })
  s.on("error", () => process.exit(1))
  s.on("close", () => process.exit(1))'
deadline=$((SECONDS + ${ASD_START_TIMEOUT:-30}))
until node -e "$ready_js" "$port" 2>/dev/null; do
  if ! kill -0 "$asd_pid" 2>/dev/null; then
    wait "$asd_pid"
    say "asd exited during startup (status $?)"
    asd_pid=""
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "asd did not answer info 'status' on port $port within ${ASD_START_TIMEOUT:-30} s"
    exit 1
  fi
  sleep 0.2
done
say "asd ready (pid $asd_pid); running $scenario"

# In the background + wait, so a signal to this script runs the traps at once.
ASD_HOST=127.0.0.1 ASD_PORT="$port" ASD_INFO_PORT="$info_port" \
  timeout --kill-after=5 "${SCENARIO_TIMEOUT:-240}" node "$scenario" &
node_pid=$!
wait "$node_pid"
status=$?
node_pid=""
if [ "$status" -eq 124 ]; then
  say "scenario timed out after ${SCENARIO_TIMEOUT:-240} s"
fi

# asd's spdlog pattern prints the level as "GMT: critical"; style.md: any
# critical line fails the test.
critical_re='GMT: critical|\[critical\]|CRITICAL'
if ! kill -0 "$asd_pid" 2>/dev/null; then
  wait "$asd_pid"
  say "asd died during the scenario (exit status $?)"
  asd_pid=""
  [ "$status" -ne 0 ] || status=1
elif grep -Eq "$critical_re" "$log"; then
  say "asd logged a critical line:"
  grep -E "$critical_re" "$log" | head -5
  [ "$status" -ne 0 ] || status=1
fi

say "exit status $status"
exit "$status"
