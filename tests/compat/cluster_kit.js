'use strict'
// cluster_kit: shared helper for the self-hosted cluster scenarios
// (cluster_rf2.js, cluster_join.js, cluster_split.js, xdr_cluster.js).
//
// Starts N asd nodes on loopback as one mesh cluster (docs: notes/cluster-spec.md):
// each node has its own temp dir, config, log and four free ports (service,
// heartbeat, fabric, info), its own node-id and exactly one mesh seed (node i
// seeds node i+1, the last one seeds node 0; a node added later seeds the one
// given). Nodes can be killed with SIGKILL and restarted on the same ports and
// config (memory namespaces come back empty). Several clusters can run in one
// scenario: each gets its own cluster-name, and a node name prefix and a
// node-id prefix keep their nodes apart.
//
// XDR (docs/xdr-design.md §10): a cluster made with an `xdr` option renders an
// xdr { } stanza into every node's config (src-id; digest log, named pipe and
// a fifth free port as xdr-info-port, all in the node's dir; one `datacenter`
// per remote cluster, pointing at that cluster's node 0 service port) and, when
// xdr.run is true, runs `xdr --config <same file>` on every node once the
// cluster answers cluster-stable:size=N on each node (as
// tests/support/cluster_dc.cpp does). kill9() kills a node's asd and xdr at once.
//
// Process hygiene, as in storage_kill9.js: every asd and xdr started is killed
// on every exit path (process 'exit' handler, SIGINT/SIGTERM/SIGHUP handlers,
// and a detached watchdog that kills the pids recorded under the temp dir if
// node itself dies by SIGKILL); the temp dir is removed unless
// COMPAT_KEEP_TMP=1; on failure the tail of every asd and xdr log is printed.
//
// Info and single-node reads go over raw sockets (cluster_wire.js, re-exported).
//
// Environment: ASD_BIN (default <repo>/build/bin/asd), XDR_BIN (default: xdr
// next to asd), COMPAT_KEEP_TMP=1,
// CLUSTER_OP_TIMEOUT_MS (client per-command total timeout, default 10000),
// CLUSTER_HB_INTERVAL / CLUSTER_HB_TIMEOUT (heartbeat interval ms and timeout
// in intervals, default 150 and 10 as in the spec; raise the timeout on a
// machine so loaded that nodes miss 1.5 s of heartbeats).

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const net = require('node:net')
const { spawn } = require('node:child_process')
const assert = require('node:assert/strict')
const { setRawLogin, rawInfo, rawGet, rawBatchGet, parseKv, parseReplicas, digestOf, partitionOf } = require('./cluster_wire')

const kRepo = path.resolve(__dirname, '..', '..')
const kAsdBin = process.env.ASD_BIN || path.join(kRepo, 'build', 'bin', 'asd')
const kXdrBin = process.env.XDR_BIN || path.join(path.dirname(kAsdBin), 'xdr')
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
    for (const d of [n.xdrProc, n.asdProc]) d.killNow()
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
    for (const l of n.asdProc.logs.concat(n.xdrProc.logs)) {
      let text = []
      try { text = fs.readFileSync(l, 'utf8').split('\n') } catch (_) {}
      console.error(`----- node ${n.name} (${n.id}) ${path.basename(l)}, last ${lines} lines -----`)
      console.error(text.slice(-(lines + 1)).join('\n'))
    }
  }
  if (nodes.length) console.error('----- end of node logs -----')
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

// Kills every asd and xdr whose pid file (asd.pid, xdr.pid) is still under the
// temp root once this node process is gone (also when it was SIGKILLed), then
// removes the root.
function startWatchdog () {
  const script = `
    while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
    for f in "${tmpRoot}"/*/*.pid; do
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
    else if (e && e.stack) console.error(e.stack.split('\n').filter(l => /^\s+at /.test(l)).slice(0, 5).join('\n'))
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

// ---------------------------------------------------------------- nodes

function readText (f) {
  try { return fs.readFileSync(f, 'utf8') } catch (_) { return '' }
}

// A namespace's XDR lines: `enable-xdr` and one `xdr-remote-datacenter` per
// remote DC, only when the namespace sets enableXdr or xdrRemoteDcs.
function xdrNamespaceLines (n) {
  if (n.enableXdr === undefined && !n.xdrRemoteDcs) return ''
  const dcs = n.xdrRemoteDcs || []
  const enable = n.enableXdr === undefined ? dcs.length > 0 : n.enableXdr
  return `  enable-xdr ${enable}\n` + dcs.map(d => `  xdr-remote-datacenter ${d}\n`).join('')
}

// One daemon process of a node (its asd or its xdr): spawn with output to
// <dir>/<what>-<run>.log, a pid file while it runs, SIGKILL.
class Proc {
  constructor (dir, what) {
    this.what = what
    this.dir = dir
    this.pidFile = path.join(dir, `${what}.pid`)
    this.logs = []
    this.proc = null
    this.exit = null
    this.runs = 0
    this.expectDown = false // killed on purpose
  }

  alive () {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null
  }

  describeExit () {
    const e = this.exit
    if (!e) return this.proc ? 'running' : 'never started'
    if (e.error) return `spawn error: ${e.error.message}`
    return e.signal ? `signal ${e.signal}` : `exit status ${e.code}`
  }

  // Does not wait for the process to be ready.
  spawn (bin, args) {
    this.runs++
    const logFile = path.join(this.dir, `${this.what}-${this.runs}.log`)
    this.logs.push(logFile)
    const fd = fs.openSync(logFile, 'a')
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd] })
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

  // Sends SIGKILL; resolves when the process is gone.
  kill9 () {
    const child = this.proc
    const gone = new Promise(resolve => child.once('exit', resolve))
    this.expectDown = true
    child.kill('SIGKILL')
    return gone
  }

  // Synchronous SIGKILL and pid file removal (exit paths).
  killNow () {
    if (this.alive()) {
      try { process.kill(this.proc.pid, 'SIGKILL') } catch (_) {}
    }
    try { fs.unlinkSync(this.pidFile) } catch (_) {}
  }

  diedUnexpectedly () { return !this.expectDown && this.proc !== null && !this.alive() }
}

class AsdNode {
  constructor (cluster, index, ports) {
    const o = cluster.opts
    this.cluster = cluster
    this.index = index
    this.name = `${o.namePrefix}${kLetters[index]}`
    this.id = `${o.idPrefix}${kLetters[index]}${index + 1}` // configured node-id (hex)
    this.reportedId = null // what `node` answers
    this.ports = ports // service, heartbeat, fabric, info (+ xdr with an xdr stanza)
    this.dir = path.join(tmpRoot, `node-${this.name}`)
    this.conf = path.join(this.dir, 'asd.conf')
    this.seed = null // the node this one seeds from
    fs.mkdirSync(this.dir, { recursive: true })
    this.asdProc = new Proc(this.dir, 'asd')
    this.xdrProc = new Proc(this.dir, 'xdr')
  }

  get port () { return this.ports.service }
  get xdrPort () { return this.ports.xdr }
  get label () { return `${this.name}(${this.reportedId || this.id}, :${this.ports.service})` }
  // asd's process, for callers that predate xdr.
  get proc () { return this.asdProc.proc }
  get logs () { return this.asdProc.logs }
  get pidFile () { return this.asdProc.pidFile }

  alive () { return this.asdProc.alive() }
  describeExit () { return this.asdProc.describeExit() }
  xdrAlive () { return this.xdrProc.alive() }

  writeConfig () {
    const o = this.cluster.opts
    const seed = this.seed
    const ns = o.namespaces.map(n => `namespace ${n.name} {
  replication-factor ${n.replicationFactor}
  memory-size ${n.memorySize || '512M'}
  conflict-resolution-policy ${n.conflictResolution || 'generation'}
  default-ttl 0
${xdrNamespaceLines(n)}${n.extra ? n.extra.map(l => `  ${l}\n`).join('') : ''}  storage-engine memory
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
${this.tlsServiceLines()}  }
${this.tlsStanza()}  heartbeat {
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
${ns}${o.xdr ? this.xdrStanza() : ''}${o.security ? `security {\n${o.security.map(l => `  ${l}\n`).join('')}}\n` : ''}`)
  }

  // With opts.tls: the service's TLS listener and its `tls NAME { }` stanza.
  tlsServiceLines () {
    const t = this.cluster.opts.tls
    if (!t) return ''
    const auth = t.authenticateClient === undefined ? [] : [].concat(t.authenticateClient)
    return `    tls-port ${this.ports.tls}
    tls-name ${t.name}
${auth.map(a => `    tls-authenticate-client ${a}\n`).join('')}`
  }

  tlsStanza () {
    const t = this.cluster.opts.tls
    if (!t) return ''
    return `  tls ${t.name} {
    cert-file ${t.certFile}
    key-file ${t.keyFile}
${t.caFile ? `    ca-file ${t.caFile}\n` : ''}${t.protocols ? `    protocols ${t.protocols}\n` : ''}  }
`
  }

  // xdr { } (docs/xdr-design.md §2): this node's digest log, pipe and info
  // port; one datacenter per remote cluster, seeded with its node 0.
  xdrStanza () {
    const x = this.cluster.opts.xdr
    const dcs = (x.datacenters || []).map(d => {
      const seed = d.cluster.nodes[0]
      if (!seed) throw new Error(`datacenter ${d.name}: its cluster has no node yet (start it first)`)
      return `  datacenter ${d.name} {
    dc-node-address-port 127.0.0.1 ${seed.port}
  }
`
    }).join('')
    return `xdr {
  enable-xdr ${x.run !== false}
  src-id ${x.srcId}
  xdr-digestlog-path ${path.join(this.dir, 'digestlog')} ${x.dlogSize || '64M'}
  xdr-namedpipe-path ${path.join(this.dir, 'xdr_pipe')}
  xdr-info-port ${this.ports.xdr}
${(x.extra || []).map(l => `  ${l}\n`).join('')}${dcs}}
`
  }

  // Spawns asd (output to <dir>/asd-<run>.log); does not wait.
  spawn () {
    if (this.alive()) throw new Error(`node ${this.label} is already running`)
    this.asdProc.spawn(kAsdBin, ['--config-file', this.conf, '--foreground'])
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

  // Starts asd only (a node with an xdr stanza: see startXdr).
  async start () {
    this.spawn()
    await this.waitReady()
  }

  // Starts `xdr --config <this node's config>` (output to <dir>/xdr-<run>.log)
  // and waits until its xdr-info-port answers `status` with ok.
  async startXdr (ms = kStartTimeoutMs) {
    if (!this.cluster.opts.xdr) throw new Error(`node ${this.label} has no xdr stanza`)
    if (this.xdrAlive()) throw new Error(`xdr of node ${this.label} is already running`)
    this.xdrProc.spawn(kXdrBin, ['--config', this.conf])
    const end = Date.now() + ms
    let last = ''
    for (;;) {
      if (!this.xdrAlive()) throw new Error(`xdr of node ${this.label} exited during startup (${this.xdrProc.describeExit()})`)
      try {
        last = await rawInfo(this.xdrPort, 'status', 1000)
        if (last === 'ok') return
      } catch (e) { last = e.message }
      if (Date.now() > end) throw new Error(`xdr of node ${this.label} not ready on :${this.xdrPort} within ${ms / 1000} s (last status answer: ${last})`)
      await sleep(100)
    }
  }

  // SIGKILL of asd and, when it runs, xdr, both at once (a node failure);
  // resolves when both are gone.
  async kill9 () {
    if (!this.alive()) throw new Error(`node ${this.label} is not running (${this.describeExit()})`)
    await Promise.all([this.asdProc, this.xdrProc].filter(d => d.alive()).map(d => d.kill9()))
  }

  // SIGKILL of xdr alone; resolves when it is gone.
  async kill9Xdr () {
    if (!this.xdrAlive()) throw new Error(`xdr of node ${this.label} is not running (${this.xdrProc.describeExit()})`)
    await this.xdrProc.kill9()
  }

  info (cmd, ms) { return rawInfo(this.port, cmd, ms) }
  xdrInfo (cmd, ms) { return rawInfo(this.xdrPort, cmd, ms) }
  // get-stats:context=xdr;dc=DC[;namespace=NS] of this node's xdr, parsed.
  async xdrStats (dc, ns = null) { return parseKv(await this.xdrInfo(`get-stats:context=xdr;dc=${dc}${ns ? `;namespace=${ns}` : ''}`)) }
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

  // Critical lines of every asd and xdr log of this node.
  criticalLines () {
    const out = []
    for (const l of this.asdProc.logs.concat(this.xdrProc.logs)) {
      for (const line of readText(l).split('\n')) if (kCriticalRe.test(line)) out.push(`${this.name}/${path.basename(l)}: ${line}`)
    }
    return out
  }
}

class Cluster {
  // opts: { clusterName, namespaces: [{ name, replicationFactor, memorySize,
  // conflictResolution, enableXdr, xdrRemoteDcs: [dc names], extra: [lines] }],
  // hbInterval, hbTimeout, serviceExtra,
  // tls: null, or { name, certFile, keyFile, caFile, protocols, authenticateClient
  // ('any', 'false' or [names]) }: each node also listens for TLS on ports.tls,
  // namePrefix (node names: prefix + A, B, ...; default ''),
  // idPrefix (hex digits before each node-id; default ''),
  // security: null, or the lines of a `security { }` stanza (access control on; raw
  // info then needs setRawLogin()),
  // xdr: null, or { srcId, run (default true: start xdr on each node),
  // dlogSize (default '64M'), datacenters: [{ name, cluster }], extra: [lines] } }
  constructor (opts) {
    this.opts = {
      clusterName: 'compat',
      hbInterval: Number(process.env.CLUSTER_HB_INTERVAL || 150),
      hbTimeout: Number(process.env.CLUSTER_HB_TIMEOUT || 10),
      namespaces: [{ name: 'test', replicationFactor: 2 }],
      namePrefix: '',
      idPrefix: '',
      xdr: null,
      ...opts
    }
    this.nodes = []
  }

  get name () { return this.opts.clusterName }
  runsXdr () { return Boolean(this.opts.xdr) && this.opts.xdr.run !== false }

  // Allocates a node with free ports, seeding from `seed` (an AsdNode) or,
  // when null, fixed up by the caller; writes no config yet.
  async allocNode () {
    if (!tmpRoot) {
      tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), `asd-${scenarioName}-`))
      startWatchdog()
    }
    const [service, heartbeat, fabric, info, xdr, tls] = await freePorts(6)
    const ports = { service, heartbeat, fabric, info }
    if (this.opts.tls) ports.tls = tls
    if (this.opts.xdr) ports.xdr = xdr
    const n = new AsdNode(this, this.nodes.length, ports)
    this.nodes.push(n)
    nodes.push(n)
    return n
  }

  // Starts `count` nodes; node i seeds from node (i+1) % count (a ring: one
  // seed each, no node knows more than one other). Waits for each to answer.
  // With xdr running: then waits for cluster-stable:size=count on every node
  // and starts every node's xdr (each answers `status` on its info port).
  async start (count) {
    if (!fs.existsSync(kAsdBin)) throw new Error(`asd binary not found: ${kAsdBin} (set ASD_BIN)`)
    if (this.runsXdr() && !fs.existsSync(kXdrBin)) throw new Error(`xdr binary not found: ${kXdrBin} (set XDR_BIN)`)
    const fresh = []
    for (let i = 0; i < count; i++) fresh.push(await this.allocNode())
    fresh.forEach((n, i) => { n.seed = fresh[(i + 1) % count]; n.writeConfig() })
    for (const n of fresh) n.spawn()
    for (const n of fresh) await n.waitReady()
    if (this.runsXdr()) {
      await this.waitStable(fresh, count, kStartTimeoutMs)
      for (const n of fresh) await n.startXdr()
    }
    return fresh
  }

  // Adds and starts one more node seeded with `seed` (and its xdr, if any).
  async addNode (seed) {
    const n = await this.allocNode()
    n.seed = seed
    n.writeConfig()
    await n.start()
    if (this.runsXdr()) await n.startXdr()
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

  // Daemons (asd, xdr) that died without being killed on purpose, and
  // critical log lines.
  health () {
    const problems = []
    for (const n of this.nodes) {
      if (n.asdProc.diedUnexpectedly()) problems.push(`node ${n.label} died: ${n.describeExit()}`)
      if (n.xdrProc.diedUnexpectedly()) problems.push(`xdr of node ${n.label} died: ${n.xdrProc.describeExit()}`)
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

// Waits until the client knows exactly `count` nodes; returns their names.
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
  setRawLogin, rawInfo, rawGet, rawBatchGet, parseKv, parseReplicas, digestOf, partitionOf,
  Cluster, AsdNode, connect, policy, waitClientNodes, batchReadAll, scanAll, aerospike,
  dumpLogs, kAsdBin, kXdrBin,
  setDumpOnFail (v) { dumpOnFail = v }
}
