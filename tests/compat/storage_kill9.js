'use strict'
// storage_kill9: every write acknowledged under `commit-to-device true`
// survives a kill -9 of asd, with its bins, generation and TTL.
//
// Self-hosted (run_scenario.sh renders a memory-only config and cannot restart
// asd): makes its own temp dir, picks free loopback ports, renders a config
// with a device namespace (one 256M file in the temp dir) and spawns $ASD_BIN.
//
//   1. start asd; write keys 0..N-1 (int bin + ~100-byte string bin, TTL by
//      key: namespace default, explicit never-expire, or 3600+k%1000 s) with
//      kInFlight commands in flight; every 7th key is written a second time
//      right after its first ack (generation 2, other bins, another TTL);
//   2. when kKillAfterAcks acks have arrived, SIGKILL asd while writes are in
//      flight; the rest fail (unacknowledged: not asserted);
//   3. restart asd on the same config, wait for its `cold start` line, and
//      batch-read every issued key:
//        - acked keys exist with the latest acked bins, generation and a TTL
//          consistent with the acked write (never-expire reads as -1);
//        - if a key's second write was unacknowledged, either version passes;
//        - unacknowledged first writes may be missing, but a record that is
//          there must be exactly the attempted version (no torn records);
//      and namespace `objects` equals the number of records found;
//   4. stop asd with SIGTERM (clean exit expected), restart once more and
//      check `objects` again.
//
// asd is always killed on exit (exit handler, signal handlers, and a detached
// watchdog in case node itself is SIGKILLed); the temp dir is removed unless
// COMPAT_KEEP_TMP=1. On failure the tails of asd's logs are printed. Any
// `critical` line in asd's logs fails the scenario.
//
// Environment: ASD_BIN (default <repo>/build/bin/asd), COMPAT_KEEP_TMP=1,
// KILL9_KEYS (default 200000), KILL9_KILL_AFTER (acks, default KILL9_KEYS/2),
// KILL9_INFLIGHT (default 96), KILL9_TIMEOUT_S (default 540).

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const net = require('node:net')
const { spawn } = require('node:child_process')

const kName = 'storage_kill9'
const kRepo = path.resolve(__dirname, '..', '..')
const kAsdBin = process.env.ASD_BIN || path.join(kRepo, 'build', 'bin', 'asd')
const kKeepTmp = process.env.COMPAT_KEEP_TMP === '1'
const kKeys = Number(process.env.KILL9_KEYS || 200000)
const kKillAfterAcks = Number(process.env.KILL9_KILL_AFTER || Math.floor(kKeys / 2))
const kInFlight = Number(process.env.KILL9_INFLIGHT || 96)
const kTimeoutS = Number(process.env.KILL9_TIMEOUT_S || 540)
const kRewriteEvery = 7
const kStringBytes = 100
const kNs = 'test'
const kSet = 'kill9'
const kStartTimeoutMs = 120000
const kCriticalRe = /GMT: critical|\[critical\]|CRITICAL/

// ---------------------------------------------------------------- process state

let tmp = null // temp dir
let asd = null // the running asd ChildProcess, or null
let asdExit = null // { code, signal } of the last asd that exited
const logs = [] // every asd log file, in start order
let finished = false

function asdAlive () {
  return asd !== null && asd.exitCode === null && asd.signalCode === null
}

function killAsdNow () {
  if (asdAlive()) {
    try { process.kill(asd.pid, 'SIGKILL') } catch (_) {}
  }
}

function removeTmp () {
  if (!tmp) return
  if (kKeepTmp) {
    console.log(`${kName}: kept ${tmp}`)
  } else {
    try { fs.rmSync(tmp, { recursive: true, force: true }) } catch (_) {}
  }
  tmp = null
}

function dumpLogs () {
  for (const log of logs) {
    let lines = []
    try { lines = fs.readFileSync(log, 'utf8').split('\n') } catch (_) {}
    console.error(`----- ${path.basename(log)}, last 80 lines -----`)
    console.error(lines.slice(-81).join('\n'))
    console.error(`----- end of ${path.basename(log)} -----`)
  }
}

// Single exit path: a failure dumps the logs; the 'exit' handler kills asd.
function finish (code) {
  if (finished) return
  finished = true
  if (code !== 0) dumpLogs()
  process.exit(code)
}

process.on('exit', () => {
  killAsdNow()
  removeTmp()
})
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${kName}: interrupted by ${sig}`)
    finish(130)
  })
}

// ---------------------------------------------------------------- helpers

// Four distinct free loopback ports: service, heartbeat, fabric, info.
async function freePorts () {
  const servers = []
  const ports = []
  for (let i = 0; i < 4; i++) {
    const s = net.createServer()
    await new Promise((resolve, reject) => {
      s.once('error', reject)
      s.listen(0, '127.0.0.1', resolve)
    })
    servers.push(s)
    ports.push(s.address().port)
  }
  await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))))
  return ports
}

function renderConfig (p) {
  return `service {
  cluster-name compat
  work-directory ${tmp}
}
logging {
  console {
    context any info
  }
}
network {
  service {
    address 127.0.0.1
    port ${p.service}
  }
  heartbeat {
    mode mesh
    port ${p.heartbeat}
  }
  fabric {
    port ${p.fabric}
  }
  info {
    port ${p.info}
  }
}
namespace ${kNs} {
  replication-factor 1
  memory-size 1G
  default-ttl 0
  nsup-period 10
  allow-ttl-without-nsup true
  storage-engine device {
    file ${path.join(tmp, 'test.dat')}
    filesize 256M
    write-block-size 1M
    data-in-memory false
    commit-to-device true
    flush-max-ms 1000
  }
}
`
}

function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

// Starts asd with its output in <tmp>/asd-<run>.log; records the pid in
// <tmp>/asd.pid for the watchdog while it runs.
function startAsd (run) {
  const log = path.join(tmp, `asd-${run}.log`)
  logs.push(log)
  const fd = fs.openSync(log, 'a')
  const pidFile = path.join(tmp, 'asd.pid')
  const child = spawn(kAsdBin, ['--config-file', path.join(tmp, 'asd.conf'), '--foreground'],
    { stdio: ['ignore', fd, fd] })
  fs.closeSync(fd)
  asd = child
  asdExit = null
  fs.writeFileSync(pidFile, String(child.pid))
  child.on('exit', (code, signal) => {
    asdExit = { code, signal }
    try { fs.unlinkSync(pidFile) } catch (_) {}
  })
  child.on('error', e => { asdExit = { code: -1, signal: null, error: e } })
  return { child, log }
}

// Kills asd (and removes the temp dir) if node dies without its exit handler
// (e.g. SIGKILL from the test runner). Detached, so a process-group kill of
// node does not take it along before it has done its job.
function startWatchdog () {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
    if [ -f "${tmp}/asd.pid" ]; then kill -KILL "$(cat "${tmp}/asd.pid")" 2>/dev/null; fi
    ${kKeepTmp ? 'true' : `rm -rf "${tmp}"`}`
  const w = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' })
  w.unref()
}

function describeExit (e) {
  if (!e) return 'running'
  if (e.error) return `spawn error: ${e.error.message}`
  return e.signal ? `signal ${e.signal}` : `exit status ${e.code}`
}

function readLog (log) {
  try { return fs.readFileSync(log, 'utf8') } catch (_) { return '' }
}

// Waits until asd answers info `status` with ok and, when `coldStartRe` is
// given, its log has a matching line; returns that match.
async function waitReady (C, started, coldStartRe) {
  let end = Date.now() + kStartTimeoutMs
  let answered = false
  for (;;) {
    if (!asdAlive()) throw new Error(`asd exited during startup (${describeExit(asdExit)})`)
    let ok = false
    try {
      ok = (await C.rawInfo('status\n', 1000)).includes('status\tok')
    } catch (_) {}
    const m = coldStartRe ? readLog(started.log).match(coldStartRe) : true
    if (ok && m) return m
    if (ok && !answered) {
      // Serving already: the cold start line is overdue, don't wait minutes.
      answered = true
      end = Math.min(end, Date.now() + 10000)
    }
    if (Date.now() > end) {
      throw new Error(`asd not ready within ${kStartTimeoutMs / 1000} s (status ok: ${ok}, cold start line: ${Boolean(m)})`)
    }
    await sleep(200)
  }
}

// SIGTERM, then wait up to 20 s; returns true if asd exited cleanly.
async function stopAsd () {
  if (!asdAlive()) return false
  const child = asd
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  const clean = await Promise.race([exited.then(() => true), sleep(20000).then(() => false)])
  if (!clean) {
    killAsdNow()
    await exited
    return false
  }
  return asdExit.code === 0 || asdExit.signal === 'SIGTERM'
}

async function nsStats (C) {
  const body = await C.rawInfo(`namespace/${kNs}\n`)
  const stats = {}
  for (const kv of body.replace(/^[^\t]*\t/, '').trim().split(';')) {
    const i = kv.indexOf('=')
    if (i > 0) stats[kv.slice(0, i)] = kv.slice(i + 1)
  }
  return stats
}

// ---------------------------------------------------------------- the data

// TTL sent with each write: 0 = namespace default (default-ttl 0: never
// expires), -1 = never expire, N = seconds.
function ttlFor (k, pass) {
  if (pass === 1) return [0, 3600 + (k % 1000), -1][k % 3]
  return [7200 + (k % 500), -1, 5000 + (k % 100)][k % 3]
}

function neverExpires (ttl) {
  return ttl === 0 || ttl === -1
}

function intFor (k, pass) {
  return k * 10 + pass
}

function strFor (k, pass) {
  const unit = `p${pass}k${k}-`
  return unit.repeat(Math.ceil(kStringBytes / unit.length)).slice(0, kStringBytes)
}

// ---------------------------------------------------------------- main

async function main () {
  if (!fs.existsSync(kAsdBin)) throw new Error(`asd binary not found: ${kAsdBin} (set ASD_BIN)`)
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asd-compat-kill9-'))
  startWatchdog()
  const [service, heartbeat, fabric, info] = await freePorts()
  fs.writeFileSync(path.join(tmp, 'asd.conf'), renderConfig({ service, heartbeat, fabric, info }))
  process.env.ASD_HOST = '127.0.0.1'
  process.env.ASD_PORT = String(service)
  process.env.ASD_INFO_PORT = String(info)
  const C = require('./common') // reads ASD_HOST / ASD_PORT when loaded
  const { Aerospike, assert, check } = C
  const { Key } = Aerospike
  const op = Aerospike.operations
  const keyOf = k => new Key(kNs, kSet, k)
  console.log(`${kName}: ${kKeys} keys, kill -9 after ${kKillAfterAcks} acks, ${kInFlight} in flight; tmp ${tmp}; asd ${kAsdBin} on 127.0.0.1:${service}`)

  // ---- 1. first start and the load
  let started = startAsd(1)
  await check('asd starts with an empty device namespace and answers status', async () => {
    await waitReady(C, started, null)
  })

  const acked = new Array(kKeys) // k -> latest acknowledged version
  const unacked = new Array(kKeys) // k -> newest version whose write failed
  const preKillErrors = []
  const genMismatches = []
  let next = 0
  let acks = 0
  let failedAfterKill = 0
  let killed = false
  let killAt = 0
  const loadStart = Date.now()

  // The client's own logging would fill the output with connection errors
  // once asd is gone; failures are reported per command instead.
  const client = await C.connect({ log: { level: Aerospike.log.OFF } })
  const writePolicy = C.policy({ maxRetries: 0 })

  async function write (k, pass) {
    const v = { pass, ttl: ttlFor(k, pass), sent: Date.now() }
    const ops = [op.write('i', intFor(k, pass)), op.write('s', strFor(k, pass))]
    try {
      const rec = await client.operate(keyOf(k), ops, { ttl: v.ttl }, writePolicy)
      v.ackAt = Date.now()
      // Every ack counts, also one that arrives after the kill: asd sent it.
      acked[k] = v
      if (unacked[k] && unacked[k].pass <= pass) unacked[k] = undefined
      if (rec.gen !== pass) genMismatches.push(`key ${k}: write #${pass} acked with gen ${rec.gen}`)
      acks++
      if (!killed && acks >= kKillAfterAcks) {
        killed = true
        killAt = Date.now()
        killAsdNow()
      }
      return true
    } catch (e) {
      unacked[k] = v
      if (killed) failedAfterKill++
      else preKillErrors.push(`key ${k} write #${pass}: ${C.describeError(e)}`)
      return false
    }
  }

  async function worker () {
    while (!killed && next < kKeys) {
      const k = next++
      if ((await write(k, 1)) && k % kRewriteEvery === 0 && !killed) await write(k, 2)
    }
  }

  await Promise.all(Array.from({ length: kInFlight }, worker))
  const loadMs = (killAt || Date.now()) - loadStart
  const issued = next
  console.log(`${kName}: load: kill -9 after ${(loadMs / 1000).toFixed(1)} s (${Math.round(kKillAfterAcks / (loadMs / 1000))} acks/s); ` +
              `${acks} acks in all, ${issued} keys issued, ${failedAfterKill} writes failed after the kill`)
  try { await client.close() } catch (_) {}

  await check('no write failed before the kill', async () => {
    assert.ok(preKillErrors.length === 0,
      `${preKillErrors.length} writes failed before the kill; first: ${preKillErrors.slice(0, 3).join(' | ')}`)
  })
  await check('every acked write reported generation = its write count', async () => {
    assert.ok(genMismatches.length === 0, `${genMismatches.length} mismatches; first: ${genMismatches.slice(0, 3).join(' | ')}`)
  })
  await check(`asd was killed with SIGKILL after ${kKillAfterAcks} acks, mid-load`, async () => {
    assert.ok(killed, `the load ended with only ${acks} acks (asd ${describeExit(asdExit)})`)
    while (asdAlive()) await sleep(20)
    assert.equal(asdExit.signal, 'SIGKILL', `asd ended with ${describeExit(asdExit)}`)
    assert.ok(issued < kKeys, `all ${kKeys} keys were issued before the kill`)
  })
  if (failedAfterKill === 0) {
    // The client had already received every in-flight answer when the kill
    // ran (JS callbacks lag the client's I/O thread); still a mid-load kill.
    console.log(`${kName}: note: no write failed after the kill (${acks - kKillAfterAcks} answers were already on their way)`)
  }

  // ---- 2. restart: cold start from the file
  const coldRe = new RegExp(`cold start ns=${kNs} records=(\\d+) bytes=(\\d+) ms=(\\d+) skipped=(\\d+)`)
  started = startAsd(2)
  const restartAt = Date.now()
  const cold = await check('asd restarts on the same file and logs its cold start', async () => {
    const m = await waitReady(C, started, coldRe)
    return { records: Number(m[1]), bytes: Number(m[2]), ms: Number(m[3]), skipped: Number(m[4]) }
  })
  console.log(`${kName}: cold start: records=${cold.records} bytes=${cold.bytes} ms=${cold.ms} skipped=${cold.skipped}; ready after ${Date.now() - restartAt} ms`)

  // ---- 3. verify every issued key
  const reader = await C.connect()
  const counts = { acked: 0, ackedGen2: 0, v2Unacked: 0, v2UnackedGotV1: 0, v2UnackedGotV2: 0, v1Unacked: 0, v1UnackedPresent: 0, found: 0 }
  const problems = []
  const kinds = { lost: 0, wrong: 0, torn: 0, ghost: 0 }

  // Compares one read record with version v of key k; returns '' or what differs.
  function mismatch (k, rec, v, readStart, readEnd) {
    const want = { i: intFor(k, v.pass), s: strFor(k, v.pass) }
    const bins = rec.bins || {}
    if (bins.i !== want.i || bins.s !== want.s || Object.keys(bins).length !== 2) {
      return `bins ${C.safeJson(bins).slice(0, 80)} != write #${v.pass}`
    }
    if (rec.gen !== v.pass) return `gen ${rec.gen} != ${v.pass}`
    if (neverExpires(v.ttl)) {
      if (rec.ttl !== -1) return `ttl ${rec.ttl} != -1 (never expires; write #${v.pass} sent ttl ${v.ttl})`
      return ''
    }
    // Written at some time in [sent, ackAt] (unacked: [sent, killAt]); read
    // in [readStart, readEnd]; 2 s slack for whole-second void times.
    const writtenBy = v.ackAt || killAt
    const lo = v.ttl - Math.ceil((readEnd - v.sent) / 1000) - 2
    const hi = v.ttl - Math.floor((readStart - writtenBy) / 1000) + 2
    if (!(rec.ttl >= lo && rec.ttl <= hi)) return `ttl ${rec.ttl} not in [${lo}, ${hi}] (write #${v.pass} sent ttl ${v.ttl})`
    return ''
  }

  function verifyOne (k, row, readStart, readEnd) {
    const a = acked[k]
    const u = unacked[k]
    const found = row.status === Aerospike.status.OK
    if (found) counts.found++
    if (a) {
      counts.acked++
      if (a.pass === 2) counts.ackedGen2++
      if (!found) {
        kinds.lost++
        return problems.push(`key ${k}: acked write #${a.pass} lost (status ${row.status})`)
      }
      const bad = mismatch(k, row.record, a, readStart, readEnd)
      if (u && u.pass > a.pass) {
        counts.v2Unacked++
        if (!bad) { counts.v2UnackedGotV1++; return }
        const bad2 = mismatch(k, row.record, u, readStart, readEnd)
        if (!bad2) { counts.v2UnackedGotV2++; return }
        kinds.wrong++
        return problems.push(`key ${k}: matches neither acked write #${a.pass} (${bad}) nor unacked write #${u.pass} (${bad2})`)
      }
      if (bad) {
        kinds.wrong++
        problems.push(`key ${k}: acked write #${a.pass}: ${bad}`)
      }
      return
    }
    if (u) {
      counts.v1Unacked++
      if (!found) return
      counts.v1UnackedPresent++
      const bad = mismatch(k, row.record, u, readStart, readEnd)
      if (bad) {
        kinds.torn++
        problems.push(`key ${k}: unacked write #${u.pass} present but torn/different: ${bad}`)
      }
      return
    }
    if (found) {
      kinds.ghost++
      problems.push(`key ${k}: never written, yet present`)
    }
  }

  await check(`every acked write is there with its bins, generation and TTL (batch reads over ${issued} keys)`, async () => {
    const kBatch = 500
    const chunks = Math.ceil(issued / kBatch)
    const batchPolicy = C.policy({ maxRetries: 2 })
    await C.parallel(chunks, 4, async c => {
      const first = c * kBatch
      const keys = []
      for (let k = first; k < Math.min(first + kBatch, issued); k++) keys.push({ key: keyOf(k), readAllBins: true })
      const readStart = Date.now()
      const rows = await reader.batchRead(keys, batchPolicy)
      const readEnd = Date.now()
      assert.equal(rows.length, keys.length, 'batch answer size')
      rows.forEach((row, j) => verifyOne(first + j, row, readStart, readEnd))
    })
    console.log(`\n${kName}: acked keys ${counts.acked} (gen 2: ${counts.ackedGen2}); ` +
                `second write unacked: ${counts.v2Unacked} (kept #1: ${counts.v2UnackedGotV1}, got #2: ${counts.v2UnackedGotV2}); ` +
                `first write unacked: ${counts.v1Unacked} (present: ${counts.v1UnackedPresent}); problems: ${problems.length} ` +
                `(acked lost ${kinds.lost}, acked but other content/gen/ttl ${kinds.wrong}, unacked torn ${kinds.torn}, never written ${kinds.ghost})`)
    assert.ok(problems.length === 0, `${problems.length} problems; first: ${problems.slice(0, 5).join(' | ')}`)
  })

  await check('namespace objects = records found; cold_start_* stats match the log line', async () => {
    const s = await nsStats(C)
    assert.equal(Number(s.objects), counts.found, `objects=${s.objects}, found ${counts.found}`)
    for (const f of ['records', 'bytes', 'ms', 'skipped']) {
      assert.equal(Number(s[`cold_start_${f}`]), cold[f], `cold_start_${f}=${s[`cold_start_${f}`]}, log says ${cold[f]}`)
    }
    assert.ok(cold.records >= counts.found, `cold start records=${cold.records} < ${counts.found} found`)
    console.log(`\n${kName}: objects=${s.objects} device_used_bytes=${s.device_used_bytes} device_total_bytes=${s.device_total_bytes} device_free_pct=${s.device_free_pct}`)
  })
  try { await reader.close() } catch (_) {}

  // ---- 4. clean stop, second restart
  await check('asd stops cleanly on SIGTERM', async () => {
    assert.ok(await stopAsd(), `asd: ${describeExit(asdExit)}`)
  })
  started = startAsd(3)
  await check('after a clean restart, objects is unchanged', async () => {
    await waitReady(C, started, coldRe)
    const s = await nsStats(C)
    assert.equal(Number(s.objects), counts.found, `objects=${s.objects}, expected ${counts.found}`)
  })
  await check('asd stops cleanly on SIGTERM again', async () => {
    assert.ok(await stopAsd(), `asd: ${describeExit(asdExit)}`)
  })

  await check('asd logged no critical line', async () => {
    for (const log of logs) {
      const bad = readLog(log).split('\n').filter(l => kCriticalRe.test(l))
      assert.ok(bad.length === 0, `${path.basename(log)}: ${bad.slice(0, 3).join(' | ')}`)
    }
  })
}

const timer = setTimeout(() => {
  console.error(`\n${kName}: TIMEOUT after ${kTimeoutS} s`)
  finish(2)
}, kTimeoutS * 1000)
timer.unref()

main().then(() => {
  console.log(`${kName}: PASS`)
  finish(0)
}, e => {
  console.error(`\n${kName}: FAIL: ${e && e.message}`)
  if (e && e.stack && typeof e.code !== 'number') console.error(e.stack)
  finish(1)
})
