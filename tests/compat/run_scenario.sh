#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup functions run from traps
# Runs one compat scenario (a node program) against a real asd process.
#
#   run_scenario.sh SCENARIO.js
#
# Starts $ASD_BIN (default <repo>/build/bin/asd) on free loopback ports with
# its own temp dir and rendered config, waits until it answers the info
# command `status`, runs `node SCENARIO.js` with ASD_HOST/ASD_PORT/ASD_PID set, always
# stops asd afterwards (also on failure, timeout or signal; a watchdog kills
# it even if this script is SIGKILLed), prints asd's log when anything failed,
# and exits with node's status. It also fails when asd died, logged a
# critical line, or did not stop cleanly on SIGTERM.
#
# Environment: ASD_BIN, ASD_ARGS (extra asd arguments), SCENARIO_TIMEOUT
# (seconds, default 240), ASD_START_TIMEOUT (seconds, default 30),
# COMPAT_KEEP_TMP=1 keeps the temp dir.
#
# Everything runs inside main(), called on the last line together with exit,
# so bash has parsed the whole script before running it: editing this file
# while tests run cannot derail them.
set -uo pipefail

say() { echo "run_scenario[$name]: $*"; }

dump_log() {
  echo "----- asd log ($log), last 200 lines -----"
  tail -n 200 "$log" 2>/dev/null || true
  echo "----- end of asd log -----"
}

# Stops asd (SIGTERM, then SIGKILL after 5 s); sets asd_stop to "clean",
# "killed" or "exit <status>".
stop_asd() {
  [ -n "$asd_pid" ] || return 0
  asd_stop="clean"
  if kill -0 "$asd_pid" 2>/dev/null; then
    kill -TERM "$asd_pid" 2>/dev/null
    for _ in $(seq 50); do
      kill -0 "$asd_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$asd_pid" 2>/dev/null; then
      say "asd (pid $asd_pid) ignored SIGTERM for 5 s; sending SIGKILL"
      kill -KILL "$asd_pid" 2>/dev/null
      asd_stop="killed"
    fi
  fi
  wait "$asd_pid" 2>/dev/null
  local rc=$?
  if [ "$asd_stop" = clean ] && [ "$rc" -ne 0 ] && [ "$rc" -ne 143 ]; then
    asd_stop="exit $rc"
  fi
  asd_pid=""
}

cleanup() {
  if [ -n "$node_pid" ]; then
    kill -TERM "$node_pid" 2>/dev/null
    wait "$node_pid" 2>/dev/null
  fi
  stop_asd
  if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null
    wait "$watchdog_pid" 2>/dev/null
  fi
  if [ "$status" -ne 0 ]; then
    dump_log
  fi
  if [ "${COMPAT_KEEP_TMP:-0}" = 1 ]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}

# Prints four distinct free loopback ports: service, heartbeat, fabric, info.
free_ports() {
  node -e '
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
    next()'
}

render_config() {
  cat <<EOF
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
namespace touch {
  replication-factor 1
  memory-size 64M
  nsup-period 10
  allow-ttl-without-nsup true
  default-read-touch-ttl-pct 80
  storage-engine memory
}
namespace disk {
  replication-factor 1
  memory-size 256M
  storage-engine device {
    file $tmp/disk.dat
    filesize 64M
    write-block-size 128K
    data-in-memory false
  }
}
EOF
}

# Succeeds once the service port answers the info command `status` with `ok`.
answers_status() {
  node -e '
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
    s.on("close", () => process.exit(1))' "$port" 2>/dev/null
}

main() {
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  local repo
  repo="$(cd "$here/../.." && pwd)"
  scenario="${1:?usage: run_scenario.sh SCENARIO.js}"
  [ -f "$scenario" ] || scenario="$here/$scenario"
  name="$(basename "$scenario" .js)"
  local asd_bin="${ASD_BIN:-$repo/build/bin/asd}"
  asd_pid="" node_pid="" watchdog_pid="" asd_stop="" status=1 tmp="" log=""

  if [ ! -f "$scenario" ]; then
    say "no such scenario: $scenario"
    return 1
  fi
  if [ ! -x "$asd_bin" ]; then
    say "asd binary not found or not executable: $asd_bin (set ASD_BIN)"
    return 1
  fi
  if [ ! -d "$here/node_modules/aerospike" ]; then
    say "aerospike client missing: run $here/install.sh first"
    return 1
  fi

  tmp="$(mktemp -d "${TMPDIR:-/tmp}/asd-compat-$name.XXXXXX")"
  log="$tmp/asd.log"
  trap cleanup EXIT
  trap 'say "interrupted"; status=130; exit 130' INT TERM HUP

  read -r port hb_port fabric_port info_port < <(free_ports)
  if [ -z "${info_port:-}" ]; then
    say "could not pick free ports"
    return 1
  fi
  render_config >"$tmp/asd.conf"

  say "starting $asd_bin on 127.0.0.1:$port (tmp $tmp)"
  # shellcheck disable=SC2086  # ASD_ARGS is a word list on purpose
  "$asd_bin" --config-file "$tmp/asd.conf" --foreground ${ASD_ARGS:-} >"$log" 2>&1 &
  asd_pid=$!
  # Watchdog: if this script dies without running its traps (SIGKILL from a
  # test runner), kill asd and the scenario rather than leave them orphaned.
  local me=$$
  (
    trap - EXIT INT TERM HUP
    while kill -0 "$me" 2>/dev/null && kill -0 "$asd_pid" 2>/dev/null; do sleep 1; done
    kill -0 "$me" 2>/dev/null && exit 0
    kill -KILL "$asd_pid" 2>/dev/null
    [ -f "$tmp/node.pid" ] && kill -TERM "$(cat "$tmp/node.pid")" 2>/dev/null
    [ "${COMPAT_KEEP_TMP:-0}" = 1 ] || rm -rf "$tmp"
  ) </dev/null >/dev/null 2>&1 &
  watchdog_pid=$!

  local deadline=$((SECONDS + ${ASD_START_TIMEOUT:-30}))
  until answers_status; do
    if ! kill -0 "$asd_pid" 2>/dev/null; then
      wait "$asd_pid"
      say "asd exited during startup (status $?)"
      asd_pid=""
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "asd did not answer info 'status' on port $port within ${ASD_START_TIMEOUT:-30} s"
      return 1
    fi
    sleep 0.2
  done
  say "asd ready (pid $asd_pid); running $scenario"

  # In the background + wait, so a signal to this script runs the traps at once.
  ASD_HOST=127.0.0.1 ASD_PORT="$port" ASD_INFO_PORT="$info_port" ASD_PID="$asd_pid" \
    timeout --kill-after=5 "${SCENARIO_TIMEOUT:-240}" node "$scenario" &
  node_pid=$!
  echo "$node_pid" >"$tmp/node.pid"
  wait "$node_pid"
  status=$?
  node_pid=""
  if [ "$status" -eq 124 ]; then
    say "scenario timed out after ${SCENARIO_TIMEOUT:-240} s"
  fi

  # asd's spdlog pattern prints the level as "GMT: critical"; style.md: any
  # critical line fails the test.
  local critical_re='GMT: critical|\[critical\]|CRITICAL'
  if ! kill -0 "$asd_pid" 2>/dev/null; then
    wait "$asd_pid"
    say "asd died during the scenario (exit status $?)"
    asd_pid=""
    [ "$status" -ne 0 ] || status=1
  elif grep -Eq "$critical_re" "$log"; then
    say "asd logged a critical line:"
    grep -E "$critical_re" "$log" | head -5
    [ "$status" -ne 0 ] || status=1
  else
    # A clean shutdown on SIGTERM is part of the contract (exit 0, or 143).
    stop_asd
    if [ "$asd_stop" != clean ]; then
      say "asd did not stop cleanly on SIGTERM ($asd_stop)"
      [ "$status" -ne 0 ] || status=1
    fi
  fi

  say "exit status $status"
  return "$status"
}

main "$@"; exit $?
