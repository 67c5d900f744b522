'use strict'
// cluster_kit: shared helper for the self-hosted cluster scenarios
// (cluster_rf2.js, cluster_join.js, cluster_split.js).
//
// Starts N asd nodes on loopback as one mesh cluster (docs: notes/cluster-spec.md):
// each node has its own temp dir, config, log and four free ports (service,
// heartbeat, fabric, info), its own node-id and exactly one mesh seed (node i
// seeds node i+1, the last one seeds node 0; a node added later seeds the one
// given). Nodes can be killed with SIGKILL and restarted on the same ports and
// config (memory namespaces come back empty).
//
// Process hygiene, as in storage_kill9.js: every asd started is killed on every
// exit path (process 'exit' handler, SIGINT/SIGTERM/SIGHUP handlers, and a
// detached watchdog that kills the pids recorded under the temp dir if node
// itself dies by SIGKILL); the temp dir is removed unless COMPAT_KEEP_TMP=1.
//
// Info goes over a raw socket to each node's own service port (type-1 proto),
// so a node is asked directly, whatever the client's view of the cluster.
// rawGet() reads one record from one given node over the wire protocol
// (type-3 AS_MSG, by digest) to check that any node answers for any record;
// rawBatchGet() sends one batch of keys to one given node.
//
// Environment: ASD_BIN (default <repo>/build/bin/asd), COMPAT_KEEP_TMP=1,
// CLUSTER_OP_TIMEOUT_MS (client per-command total timeout, default 10000),
// CLUSTER_HB_INTERVAL / CLUSTER_HB_TIMEOUT (heartbeat interval ms and timeout
// in intervals, default 150 and 10 as in the spec; raise the timeout on a
// machine so loaded that nodes miss 1.5 s of heartbeats).

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const net = require('node:net')
const crypto = require('node:crypto')
const { spawn } = require('node:child_process')
const assert = require('node:assert/strict')

const kRepo = path.resolve(__dirname, '..', '..')
const kAsdBin = process.env.ASD_BIN || path.join(kRepo, 'build', 'bin', 'asd')
const kKeepTmp = process.env.COMPAT_KEEP_TMP === '1'
const kOpTimeoutMs = Number(process.env.CLUSTER_OP_TIMEOUT_MS || 10000)
const kStartTimeoutMs = 60000
const kCriticalRe = /GMT: critical|\[critical\]|CRITICAL/
const kLetters = 'ABCDEFGH'

let scenarioName = 'cluster'
let t0 = Date.now()
let tmpRoot = null
let finished = false
const nodes = [] // every node ever created, all clusters
let dumpOnFail = true

// ---------------------------------------------------------------- output

function elapsed () {
  return ((Date.now() - t0) / 1000).toFixed(1).padStart(6)
}

function log (msg) {
  console.log(`[${elapsed()} s] ${scenarioName}: ${msg}`)
}

// Runs one named step: prints it when it starts and when it is done; a
// failure gets the step name prefixed to its message.
async function step (name, fn) {
  console.log(`[${elapsed()} s] check: ${name} ...`)
  const start = Date.now()
  try {
    const r = await fn()
    console.log(`[${elapsed()} s] ok: ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`)
    return r
  } catch (e) {
    console.log(`[${elapsed()} s] FAILED: ${name}`)
    if (e && typeof e.message === 'string') e.message = `[${name}] ${e.message}`
    throw e
  }
}

function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function describeError (e) {
  if (e && typeof e.code === 'number') return `AerospikeError code=${e.code} message=${JSON.stringify(e.message)}`
  return String(e && e.message ? e.message : e)
}

function safeJson (v) {
  try {
    return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x))
  } catch (_) {
    return String(v)
  }
}

// Runs up to `limit` async jobs at a time; job(i) -> Promise.
async function parallel (count, limit, job) {
  let next = 0
  async function worker () {
    while (next < count) {
      const i = next++
      await job(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
}

// ---------------------------------------------------------------- exit paths

// Also runs from the 'exit' handler, where child 'exit' events no longer
// fire: drop the pid files here so the watchdog never kills a reused pid.
function killAllNow () {
  for (const n of nodes) {
    if (n.alive()) {
      try { process.kill(n.proc.pid, 'SIGKILL') } catch (_) {}
    }
    try { fs.unlinkSync(n.pidFile) } catch (_) {}
  }
}

function removeTmp () {
  if (!tmpRoot) return
  if (kKeepTmp) {
    console.log(`${scenarioName}: kept ${tmpRoot}`)
  } else {
    try { fs.rmSync(tmpRoot, { recursive: true, force: true }) } catch (_) {}
  }
  tmpRoot = null
}

function dumpLogs (lines = 60) {
  for (const n of nodes) {
    for (const l of n.logs) {
      let text = []
      try { text = fs.readFileSync(l, 'utf8').split('\n') } catch (_) {}
      console.error(`----- node ${n.name} (${n.id}) ${path.basename(l)}, last ${lines} lines -----`)
      console.error(text.slice(-(lines + 1)).join('\n'))
    }
  }
  if (nodes.length) console.error('----- end of asd logs -----')
}

function finish (code) {
  if (finished) return
  finished = true
  if (code !== 0 && dumpOnFail) dumpLogs()
  process.exit(code)
}

process.on('exit', () => {
  killAllNow()
  removeTmp()
})
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${scenarioName}: interrupted by ${sig}`)
    finish(130)
  })
}

// Kills every asd whose pid file is still under the temp root once this node
// process is gone (also when it was SIGKILLed), then removes the root.
function startWatchdog () {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
    for f in "${tmpRoot}"/*/asd.pid; do
      [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
    done
    ${kKeepTmp ? 'true' : `rm -rf "${tmpRoot}"`}`
  const w = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' })
  w.unref()
}

// Entry point: global timeout, PASS/FAIL line, logs on failure, exit status.
function run (name, main, timeoutS = 540) {
  scenarioName = name
  t0 = Date.now()
  const timer = setTimeout(() => {
    console.error(`\n${name}: TIMEOUT after ${timeoutS} s`)
    finish(2)
  }, timeoutS * 1000)
  timer.unref()
  main().then(() => {
    console.log(`[${elapsed()} s] ${name}: PASS`)
    finish(0)
  }, e => {
    console.error(`\n[${elapsed()} s] ${name}: FAIL: ${e && e.message}`)
    if (e && typeof e.code === 'number') console.error(`  (${describeError(e)})`)
    else if (e && e.stack) console.error(e.stack.split('\n').slice(1, 6).join('\n'))
    finish(1)
  })
}

// ---------------------------------------------------------------- ports

const usedPorts = new Set()

// `count` distinct free loopback ports never handed out before in this run.
async function freePorts (count) {
  const servers = []
  const ports = []
  while (ports.length < count) {
    const s = net.createServer()
    await new Promise((resolve, reject) => {
      s.once('error', reject)
      s.listen(0, '127.0.0.1', resolve)
    })
    servers.push(s)
    const p = s.address().port
    if (!usedPorts.has(p)) {
      usedPorts.add(p)
      ports.push(p)
    }
  }
  await Promise.all(servers.map(s => new Promise(resolve => s.close(resolve))))
  return ports
}

// ---------------------------------------------------------------- raw info / wire

function protoHeader (type, size) {
  const hdr = Buffer.alloc(8)
  hdr.writeBigUInt64BE((2n << 56n) | (BigInt(type) << 48n) | BigInt(size))
  return hdr
}

// One request on a fresh socket; resolves to the response body (Buffer).
function rawRequest (port, type, payload, ms, what) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    let got = Buffer.alloc(0)
    let done = false
    const fail = e => { if (!done) { done = true; sock.destroy(); reject(e) } }
    sock.setTimeout(ms, () => fail(new Error(`${what} on port ${port}: timeout after ${ms} ms`)))
    sock.on('connect', () => sock.write(Buffer.concat([protoHeader(type, payload.length), payload])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      if (got.length < 8) return
      const h = got.readBigUInt64BE(0)
      const version = Number(h >> 56n)
      const t = Number((h >> 48n) & 0xffn)
      const size = Number(h & 0xffffffffffffn)
      if (version !== 2 || t !== type) return fail(new Error(`${what} on port ${port}: bad proto header version=${version} type=${t}`))
      if (got.length >= 8 + size) {
        done = true
        sock.destroy()
        resolve(got.subarray(8, 8 + size))
      }
    })
    sock.on('error', e => fail(new Error(`${what} on port ${port}: ${e.code || e.message}`)))
    sock.on('close', () => fail(new Error(`${what} on port ${port}: connection closed early`)))
  })
}

// Sends info `cmd` to the node on `port`; resolves to the value text (what
// follows `cmd\t`, without the trailing newline).
async function rawInfo (port, cmd, ms = 3000) {
  const body = (await rawRequest(port, 1, Buffer.from(cmd + '\n', 'utf8'), ms, `info ${JSON.stringify(cmd)}`)).toString('utf8')
  const line = body.split('\n')[0]
  const tab = line.indexOf('\t')
  return tab >= 0 ? line.slice(tab + 1) : line
}

function parseKv (text) {
  const out = {}
  for (const kv of text.split(';')) {
    const i = kv.indexOf('=')
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1)
  }
  return out
}

// RIPEMD-160(set ‖ key type ‖ key bytes), the record digest.
function digestOf (set, key) {
  let typed
  if (typeof key === 'number' || typeof key === 'bigint') {
    typed = Buffer.alloc(9)
    typed[0] = 1
    typed.writeBigInt64BE(BigInt(key), 1)
  } else if (typeof key === 'string') {
    typed = Buffer.concat([Buffer.from([3]), Buffer.from(key, 'utf8')])
  } else {
    throw new TypeError(`digestOf: unsupported key ${key}`)
  }
  return crypto.createHash('ripemd160').update(Buffer.from(set || '', 'utf8')).update(typed).digest()
}

function partitionOf (digest) {
  return digest.readUInt16LE(0) & 0x0fff
}

// Parses a `replicas` answer (ns:regime,n,bitmap,...;...) into, for
// namespace `ns`, one Set of partition ids per column (0: master, 1.. replicas).
function parseReplicas (answer, ns) {
  for (const part of answer.split(';')) {
    const colon = part.indexOf(':')
    if (part.slice(0, colon) !== ns) continue
    const cols = part.slice(colon + 1).split(',')
    const n = Number(cols[1])
    const maps = cols.slice(2)
    if (maps.length !== n) throw new Error(`replicas answer for ${ns} has ${maps.length} bitmaps, says ${n}: ${part.slice(0, 80)}`)
    return maps.map(b64 => {
      const bits = Buffer.from(b64, 'base64')
      if (bits.length !== 512) throw new Error(`replicas bitmap of ${bits.length} bytes, want 512`)
      const set = new Set()
      for (let p = 0; p < 4096; p++) if (bits[p >> 3] & (0x80 >> (p & 7))) set.add(p)
      return set
    })
  }
  throw new Error(`no namespace ${ns} in replicas answer ${answer.slice(0, 120)}`)
}

function field (type, data) {
  const h = Buffer.alloc(5)
  h.writeUInt32BE(data.length + 1, 0)
  h[4] = type
  return Buffer.concat([h, data])
}

// Reads record (ns, set, key) from the node on `port` over the wire protocol
// (read all bins, by digest): resolves to { result, gen, ttl, bins } where
// result is the server's result code (0 ok, 2 not found); integer, float and
// string bins are decoded, others come back as Buffers.
async function rawGet (port, ns, set, key, ms = kOpTimeoutMs) {
  const msg = Buffer.alloc(22)
  msg[0] = 22
  msg[1] = 0x01 | 0x02 // READ | GET_ALL
  msg.writeUInt32BE(ms, 14) // transaction ttl
  msg.writeUInt16BE(3, 18) // n_fields
  msg.writeUInt16BE(0, 20) // n_ops
  const payload = Buffer.concat([msg, field(0, Buffer.from(ns)), field(1, Buffer.from(set)), field(4, digestOf(set, key))])
  const b = await rawRequest(port, 3, payload, ms + 1000, `get ${ns}/${set}/${key}`)
  return decodeMessage(b, 0).msg
}

// One AS_MSG at `at` in `b`: { msg: { result, gen, ttl, index, last, bins }, next }
// (index: the transaction_ttl slot, a batch row's index; last: info3 LAST).
function decodeMessage (b, at) {
  const msg = { result: b[at + 5], gen: b.readUInt32BE(at + 6), ttl: b.readUInt32BE(at + 10), index: b.readUInt32BE(at + 14), last: (b[at + 3] & 1) !== 0, bins: {} }
  const nFields = b.readUInt16BE(at + 18)
  const nOps = b.readUInt16BE(at + 20)
  let off = at + b[at]
  for (let i = 0; i < nFields; i++) off += 4 + b.readUInt32BE(off)
  for (let i = 0; i < nOps; i++) {
    const size = b.readUInt32BE(off)
    const ptype = b[off + 5]
    const nameLen = b[off + 7]
    const name = b.subarray(off + 8, off + 8 + nameLen).toString('utf8')
    const val = b.subarray(off + 8 + nameLen, off + 4 + size)
    if (ptype === 1) msg.bins[name] = Number(val.readBigInt64BE(0))
    else if (ptype === 2) msg.bins[name] = val.readDoubleBE(0)
    else if (ptype === 3) msg.bins[name] = val.toString('utf8')
    else msg.bins[name] = Buffer.from(val)
    off += 4 + size
  }
  return { msg, next: off }
}

// Sends one batch read of `keys` (ns, set; all bins) to the node on `port`,
// whatever partitions it serves, and resolves to one row per key, in key order:
// { result, gen, bins } as rawGet. Rows this node does not serve come back
// through the node that does (a proxied batch row).
function rawBatchGet (port, ns, set, keys, ms = kOpTimeoutMs) {
  const parts = [Buffer.alloc(5)]
  parts[0].writeUInt32BE(keys.length, 0)
  keys.forEach((k, i) => {
    const row = Buffer.alloc(4 + 20 + 1 + 3 + 4 + 4)
    row.writeUInt32BE(i, 0)
    digestOf(set, k).copy(row, 4)
    row[24] = 0x02 | 0x08 // has info, has ttl
    row[25] = 0x01 | 0x02 // READ | GET_ALL
    row.writeUInt16BE(2, 32) // n_fields
    row.writeUInt16BE(0, 34) // n_ops
    parts.push(row, field(0, Buffer.from(ns)), field(1, Buffer.from(set)))
  })
  const msg = Buffer.alloc(22)
  msg[0] = 22
  msg[1] = 0x01 | 0x02 | 0x08 // READ | GET_ALL | BATCH
  msg.writeUInt32BE(ms, 14)
  msg.writeUInt16BE(1, 18)
  const payload = Buffer.concat([msg, field(42, Buffer.concat(parts))])
  const what = `batch of ${keys.length} on port ${port}`
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    const rows = new Array(keys.length)
    let got = Buffer.alloc(0)
    let done = false
    const fail = e => { if (!done) { done = true; sock.destroy(); reject(e) } }
    sock.setTimeout(ms, () => fail(new Error(`${what}: timeout after ${ms} ms`)))
    sock.on('connect', () => sock.write(Buffer.concat([protoHeader(3, payload.length), payload])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      while (got.length >= 8) {
        const size = Number(got.readBigUInt64BE(0) & 0xffffffffffffn)
        if (got.length < 8 + size) return
        const body = got.subarray(8, 8 + size)
        got = got.subarray(8 + size)
        for (let at = 0; at < body.length;) {
          const { msg, next } = decodeMessage(body, at)
          at = next
          if (msg.last) {
            done = true
            sock.destroy()
            if (msg.result !== 0) return reject(new Error(`${what}: batch answered result ${msg.result}`))
            const missing = rows.findIndex(r => r === undefined)
            if (missing >= 0) return reject(new Error(`${what}: no answer for row ${missing}`))
            return resolve(rows)
          }
          if (msg.index < rows.length) rows[msg.index] = { result: msg.result, gen: msg.gen, bins: msg.bins }
        }
      }
    })
    sock.on('error', e => fail(new Error(`${what}: ${e.code || e.message}`)))
    sock.on('close', () => fail(new Error(`${what}: connection closed early`)))
  })
}

// ---------------------------------------------------------------- nodes

function readText (f) {
  try { return fs.readFileSync(f, 'utf8') } catch (_) { return '' }
}

class AsdNode {
  constructor (cluster, index, ports) {
    this.cluster = cluster
    this.index = index
    this.name = kLetters[index]
    this.id = `${this.name}${index + 1}` // configured node-id (hex)
    this.reportedId = null // what `node` answers
    this.ports = ports
    this.dir = path.join(tmpRoot, `node-${this.name}`)
    this.conf = path.join(this.dir, 'asd.conf')
    this.pidFile = path.join(this.dir, 'asd.pid')
    this.logs = []
    this.proc = null
    this.exit = null
    this.runs = 0
    this.expectDown = false // killed on purpose
    this.seed = null // the node this one seeds from
    fs.mkdirSync(this.dir, { recursive: true })
  }

  get port () { return this.ports.service }
  get label () { return `${this.name}(${this.reportedId || this.id}, :${this.ports.service})` }

  alive () {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null
  }

  describeExit () {
    const e = this.exit
    if (!e) return this.proc ? 'running' : 'never started'
    if (e.error) return `spawn error: ${e.error.message}`
    return e.signal ? `signal ${e.signal}` : `exit status ${e.code}`
  }

  writeConfig () {
    const o = this.cluster.opts
    const seed = this.seed
    const ns = o.namespaces.map(n => `namespace ${n.name} {
  replication-factor ${n.replicationFactor}
  memory-size ${n.memorySize || '512M'}
  conflict-resolution-policy ${n.conflictResolution || 'generation'}
  default-ttl 0
${n.extra ? n.extra.map(l => `  ${l}\n`).join('') : ''}  storage-engine memory
}
`).join('')
    fs.writeFileSync(this.conf, `service {
  cluster-name ${o.clusterName}
  node-id ${this.id}
  work-directory ${this.dir}
${(o.serviceExtra || []).map(l => `  ${l}\n`).join('')}}
logging {
  console {
    context any info
  }
}
network {
  service {
    address 127.0.0.1
    port ${this.ports.service}
  }
  heartbeat {
    mode mesh
    address 127.0.0.1
    port ${this.ports.heartbeat}
    mesh-seed-address-port 127.0.0.1 ${seed.ports.heartbeat}
    interval ${o.hbInterval}
    timeout ${o.hbTimeout}
  }
  fabric {
    address 127.0.0.1
    port ${this.ports.fabric}
  }
  info {
    port ${this.ports.info}
  }
}
${ns}`)
  }

  // Spawns asd (output to <dir>/asd-<run>.log); does not wait.
  spawn () {
    if (this.alive()) throw new Error(`node ${this.label} is already running`)
    this.runs++
    const logFile = path.join(this.dir, `asd-${this.runs}.log`)
    this.logs.push(logFile)
    const fd = fs.openSync(logFile, 'a')
    const child = spawn(kAsdBin, ['--config-file', this.conf, '--foreground'], { stdio: ['ignore', fd, fd] })
    fs.closeSync(fd)
    this.proc = child
    this.exit = null
    this.expectDown = false
    fs.writeFileSync(this.pidFile, String(child.pid))
    child.on('exit', (code, signal) => {
      if (this.proc === child) this.exit = { code, signal }
      try { if (readText(this.pidFile) === String(child.pid)) fs.unlinkSync(this.pidFile) } catch (_) {}
    })
    child.on('error', e => { if (this.proc === child) this.exit = { code: -1, signal: null, error: e } })
  }

  // Waits until the node answers info `status` with ok; learns its node id.
  async waitReady (ms = kStartTimeoutMs) {
    const end = Date.now() + ms
    let last = ''
    for (;;) {
      if (!this.alive()) throw new Error(`asd node ${this.label} exited during startup (${this.describeExit()})`)
      try {
        last = await rawInfo(this.port, 'status', 1000)
        if (last === 'ok') break
      } catch (e) { last = e.message }
      if (Date.now() > end) throw new Error(`asd node ${this.label} not ready within ${ms / 1000} s (last status answer: ${last})`)
      await sleep(100)
    }
    this.reportedId = (await rawInfo(this.port, 'node')).trim().toUpperCase()
  }

  async start () {
    this.spawn()
    await this.waitReady()
  }

  // SIGKILL; resolves when the process is gone.
  async kill9 () {
    if (!this.alive()) throw new Error(`node ${this.label} is not running (${this.describeExit()})`)
    const child = this.proc
    const gone = new Promise(resolve => child.once('exit', resolve))
    this.expectDown = true
    child.kill('SIGKILL')
    await gone
  }

  info (cmd, ms) { return rawInfo(this.port, cmd, ms) }
  async stats () { return parseKv(await this.info('statistics')) }
  async nsStats (ns) { return parseKv(await this.info(`namespace/${ns}`)) }
  rawGet (ns, set, key, ms) { return rawGet(this.port, ns, set, key, ms) }
  rawBatchGet (ns, set, keys, ms) { return rawBatchGet(this.port, ns, set, keys, ms) }

  // cluster-block-nodes: cut this node's links to `others` (AsdNode list);
  // an empty list clears the block.
  async block (others) {
    const ids = others.map(o => o.reportedId || o.id).join(',')
    const r = await this.info(`cluster-block-nodes:nodes=${ids}`)
    if (r.trim() !== 'ok') throw new Error(`node ${this.label}: cluster-block-nodes:nodes=${ids} answered ${JSON.stringify(r)}`)
  }

  criticalLines () {
    const out = []
    for (const l of this.logs) {
      for (const line of readText(l).split('\n')) if (kCriticalRe.test(line)) out.push(`${this.name}/${path.basename(l)}: ${line}`)
    }
    return out
  }
}

class Cluster {
  // opts: { clusterName, namespaces: [{ name, replicationFactor, memorySize,
  // conflictResolution, extra: [lines] }], hbInterval, hbTimeout, serviceExtra }
  constructor (opts) {
    this.opts = {
      clusterName: 'compat',
      hbInterval: Number(process.env.CLUSTER_HB_INTERVAL || 150),
      hbTimeout: Number(process.env.CLUSTER_HB_TIMEOUT || 10),
      namespaces: [{ name: 'test', replicationFactor: 2 }],
      ...opts
    }
    this.nodes = []
  }

  // Allocates a node with free ports, seeding from `seed` (an AsdNode) or,
  // when null, fixed up by the caller; writes no config yet.
  async allocNode () {
    if (!tmpRoot) {
      tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), `asd-${scenarioName}-`))
      startWatchdog()
    }
    const [service, heartbeat, fabric, info] = await freePorts(4)
    const n = new AsdNode(this, this.nodes.length, { service, heartbeat, fabric, info })
    this.nodes.push(n)
    nodes.push(n)
    return n
  }

  // Starts `count` nodes; node i seeds from node (i+1) % count (a ring: one
  // seed each, no node knows more than one other). Waits for each to answer.
  async start (count) {
    if (!fs.existsSync(kAsdBin)) throw new Error(`asd binary not found: ${kAsdBin} (set ASD_BIN)`)
    const fresh = []
    for (let i = 0; i < count; i++) fresh.push(await this.allocNode())
    fresh.forEach((n, i) => { n.seed = fresh[(i + 1) % count]; n.writeConfig() })
    for (const n of fresh) n.spawn()
    for (const n of fresh) await n.waitReady()
    return fresh
  }

  // Adds and starts one more node seeded with `seed`.
  async addNode (seed) {
    const n = await this.allocNode()
    n.seed = seed
    n.writeConfig()
    await n.start()
    return n
  }

  running () { return this.nodes.filter(n => n.alive()) }
  tmpRoot () { return tmpRoot }

  // Waits until every node in `group` reports statistics cluster_size == size
  // and all report the same cluster_key; returns the key.
  async waitClusterSize (group, size, ms, { poll = 100 } = {}) {
    const end = Date.now() + ms
    let seen = []
    for (;;) {
      seen = await Promise.all(group.map(async n => {
        if (!n.alive()) return { n, err: `not running (${n.describeExit()})` }
        try {
          const s = await n.stats()
          return { n, size: Number(s.cluster_size), key: s.cluster_key, integrity: s.cluster_integrity, principal: s.cluster_principal }
        } catch (e) { return { n, err: e.message } }
      }))
      const keys = new Set(seen.map(x => x.key))
      if (seen.every(x => !x.err && x.size === size && x.key && x.key !== '0') && keys.size === 1) return seen[0].key
      if (Date.now() > end) {
        throw new Error(`cluster of ${group.map(n => n.name).join(',')} did not reach size ${size} with one cluster_key within ${ms / 1000} s: ` +
          seen.map(x => x.err ? `${x.n.name}: ${x.err}` : `${x.n.name}: cluster_size=${x.size} cluster_key=${x.key} integrity=${x.integrity} principal=${x.principal}`).join('; '))
      }
      await sleep(poll)
    }
  }

  // Waits until every node in `group` answers `cluster-stable:size=N` with the
  // same key (no migrations left unless ignoreMigrations); returns the key.
  async waitStable (group, size, ms, { ignoreMigrations = false, namespace = null } = {}) {
    const end = Date.now() + ms
    let cmd = `cluster-stable:size=${size};ignore-migrations=${ignoreMigrations}`
    if (namespace) cmd += `;namespace=${namespace}`
    let seen = []
    let lastPrint = Date.now()
    for (;;) {
      seen = await Promise.all(group.map(async n => {
        if (!n.alive()) return { n, err: `not running (${n.describeExit()})` }
        try { return { n, answer: (await n.info(cmd)).trim() } } catch (e) { return { n, err: e.message } }
      }))
      const answers = new Set(seen.map(x => x.answer))
      if (seen.every(x => !x.err && x.answer && !x.answer.startsWith('ERROR')) && answers.size === 1) return seen[0].answer
      if (Date.now() > end || Date.now() - lastPrint > 15000) {
        const detail = await Promise.all(seen.map(async x => {
          if (x.err) return `${x.n.name}: ${x.err}`
          let extra = ''
          try {
            const s = await x.n.stats()
            extra = ` (cluster_size=${s.cluster_size} cluster_key=${s.cluster_key} migrate_partitions_remaining=${s.migrate_partitions_remaining})`
          } catch (e) { extra = ` (statistics: ${e.message})` }
          return `${x.n.name}: ${x.answer}${extra}`
        }))
        if (Date.now() > end) {
          throw new Error(`${group.map(n => n.name).join(',')}: \`${cmd}\` not answered with one key by all within ${ms / 1000} s: ${detail.join('; ')}`)
        }
        log(`waiting for ${cmd}: ${detail.join('; ')}`)
        lastPrint = Date.now()
      }
      await sleep(200)
    }
  }

  // Per-node partition/object counts for namespace `ns` (group: the nodes).
  async nsCounts (group, ns) {
    return Promise.all(group.map(async n => {
      const s = await n.nsStats(ns)
      const num = k => (s[k] === undefined ? NaN : Number(s[k]))
      return {
        node: n.name,
        master_partitions: num('master_partitions'),
        prole_partitions: num('prole_partitions'),
        master_objects: num('master_objects'),
        prole_objects: num('prole_objects'),
        objects: num('objects'),
        effective_replication_factor: num('effective_replication_factor'),
        ns_cluster_size: num('ns_cluster_size')
      }
    }))
  }

  // Checks master/prole partitions per node are within `tol` (fraction) of
  // an even share, and (when `records` is given) that the sums of
  // master_objects and prole_objects equal records and records*(rf-1).
  async checkBalance (group, ns, rf, { tol = 0.05, records = null } = {}) {
    const c = await this.nsCounts(group, ns)
    const table = c.map(x => `${x.node}: master_partitions=${x.master_partitions} prole_partitions=${x.prole_partitions} master_objects=${x.master_objects} prole_objects=${x.prole_objects}`).join('; ')
    log(`namespace ${ns}: ${table}`)
    const n = group.length
    const wantMaster = 4096 / n
    const wantProle = 4096 * (Math.min(rf, n) - 1) / n
    const bad = []
    for (const x of c) {
      if (!(Math.abs(x.master_partitions - wantMaster) <= wantMaster * tol)) bad.push(`${x.node} master_partitions=${x.master_partitions} not within ${tol * 100}% of ${wantMaster.toFixed(1)}`)
      if (!(Math.abs(x.prole_partitions - wantProle) <= wantProle * tol)) bad.push(`${x.node} prole_partitions=${x.prole_partitions} not within ${tol * 100}% of ${wantProle.toFixed(1)}`)
    }
    const sumMaster = c.reduce((a, x) => a + x.master_partitions, 0)
    const sumProle = c.reduce((a, x) => a + x.prole_partitions, 0)
    if (sumMaster !== 4096) bad.push(`sum of master_partitions=${sumMaster} != 4096`)
    if (sumProle !== 4096 * (Math.min(rf, n) - 1)) bad.push(`sum of prole_partitions=${sumProle} != ${4096 * (Math.min(rf, n) - 1)}`)
    if (records !== null) {
      const mo = c.reduce((a, x) => a + x.master_objects, 0)
      const po = c.reduce((a, x) => a + x.prole_objects, 0)
      if (mo !== records) bad.push(`sum of master_objects=${mo} != ${records} live records`)
      if (po !== records * (Math.min(rf, n) - 1)) bad.push(`sum of prole_objects=${po} != ${records * (Math.min(rf, n) - 1)}`)
    }
    if (bad.length) throw new Error(`${bad.join('; ')} [${table}]`)
    return c
  }

  // Who serves each partition of `ns`, as each node of `group` claims in its
  // `replicas` answer: owners[p] = ['A', 'C'] (column order: master first).
  async partitionOwners (group, ns) {
    const owners = Array.from({ length: 4096 }, () => [])
    for (const n of group) {
      const cols = parseReplicas(await n.info('replicas'), ns)
      cols.forEach((set, col) => { for (const p of set) owners[p][col] = (owners[p][col] ? owners[p][col] + '+' : '') + n.name })
    }
    return owners.map(o => Array.from(o, x => x || '-'))
  }

  // A position in every node's current log; eventsSince(mark) returns the
  // membership lines ("cluster changed ...") logged after it, per node.
  mark () {
    const m = new Map()
    for (const n of this.nodes) {
      const l = n.logs[n.logs.length - 1]
      if (l) m.set(l, readText(l).length)
    }
    return m
  }

  eventsSince (mark, re = /\(clustering\) cluster changed/) {
    const out = []
    for (const n of this.nodes) {
      for (const l of n.logs) {
        const text = readText(l).slice(mark.has(l) ? mark.get(l) : 0)
        for (const line of text.split('\n')) {
          if (re.test(line)) out.push(`${n.name}: ${line.replace(/^.*GMT: /, '').replace(/^info\s+/, '')} @${line.slice(12, 24)}`)
        }
      }
    }
    return out
  }

  // Nodes that died without being killed on purpose, and critical log lines.
  health () {
    const problems = []
    for (const n of this.nodes) {
      if (!n.expectDown && n.proc && !n.alive()) problems.push(`node ${n.label} died: ${n.describeExit()}`)
      problems.push(...n.criticalLines())
    }
    return problems
  }

  async checkHealthy () {
    const p = this.health()
    if (p.length) throw new Error(p.slice(0, 5).join(' | '))
  }
}

// ---------------------------------------------------------------- client

let Aerospike = null
function aerospike () {
  if (!Aerospike) Aerospike = require('aerospike')
  return Aerospike
}

// A per-command policy: explicit policies replace the client defaults in the
// Node binding (1 s timeouts otherwise), so every one goes through here.
function policy (extra = {}) {
  return { totalTimeout: kOpTimeoutMs, socketTimeout: 3000, maxRetries: 4, sleepBetweenRetries: 250, ...extra }
}

// Connects a client seeded with the given nodes only (it discovers the rest
// through `peers-clear-std`).
async function connect (seeds, extra = {}) {
  const A = aerospike()
  const p = policy()
  return A.connect({
    hosts: seeds.map(n => ({ addr: '127.0.0.1', port: n.port })),
    log: { level: A.log.OFF },
    maxConnsPerNode: 100,
    tendInterval: 250,
    policies: {
      read: p, write: p, operate: p, remove: p, batch: policy({ maxRetries: 2 }),
      info: { timeout: kOpTimeoutMs }
    },
    ...extra
  })
}

// Waits until the client knows exactly `count` nodes; returns their names.
// Runs a scan of (ns, set) through the official client; resolves to the
// records (each { key, bins, gen }).
function scanAll (client, ns, set, pol = policy({ maxRetries: 5 })) {
  return new Promise((resolve, reject) => {
    const out = []
    const stream = client.scan(ns, set).foreach(pol)
    stream.on('data', rec => out.push(rec))
    stream.on('error', reject)
    stream.on('end', () => resolve(out))
  })
}

async function waitClientNodes (client, count, ms) {
  const end = Date.now() + ms
  for (;;) {
    const ns = client.getNodes()
    if (ns.length === count) return ns.map(x => x.name)
    if (Date.now() > end) throw new Error(`client knows ${ns.length} nodes (${safeJson(ns)}) after ${ms / 1000} s, want ${count}`)
    await sleep(100)
  }
}

// Batch-reads keys (array of Key) 500 at a time, `par` batches in flight;
// resolves to one { status, record } per key, in order.
async function batchReadAll (client, keys, { chunk = 500, par = 4, pol = policy({ maxRetries: 2 }) } = {}) {
  const rows = new Array(keys.length)
  const chunks = Math.ceil(keys.length / chunk)
  await parallel(chunks, par, async c => {
    const part = keys.slice(c * chunk, (c + 1) * chunk)
    const got = await client.batchRead(part.map(key => ({ key, readAllBins: true })), pol)
    if (got.length !== part.length) throw new Error(`batchRead answered ${got.length} rows for ${part.length} keys`)
    got.forEach((r, j) => { rows[c * chunk + j] = r })
  })
  return rows
}

module.exports = {
  assert, log, step, sleep, run, parallel, describeError, safeJson, finish,
  rawInfo, rawGet, rawBatchGet, parseKv, parseReplicas, digestOf, partitionOf,
  Cluster, AsdNode, connect, policy, waitClientNodes, batchReadAll, scanAll, aerospike,
  dumpLogs, kAsdBin,
  setDumpOnFail (v) { dumpOnFail = v }
}
