'use strict'
// xdr_cluster: XDR between multi-node DCs survives the kill -9 of a node
// (docs/xdr-design.md §10), driven by the official client; the compat twin of
// tests/integration/xdr_cluster_test.cpp ("kill -9 of a DC1 node under writes").
//
// Self-hosted (cluster_kit.js): DC2 = 2 asd nodes (XDR off: a pure
// destination), then DC1 = 3 nodes with replication-factor 2, each running asd
// and xdr, namespace `test` shipping to DC2 (datacenter DC2 = DC2's node 0).
//   1. both clusters form and are stable; every DC1 xdr answers `status`
//      (each xdr's view of its peers, `peers=` of its statistics, is printed
//      here and before the kill);
//   2. a client seeded with all three DC1 nodes runs XDRC_WRITERS async writers:
//      each inserts fresh keys of its own (bins of every particle type, key
//      stored), every 3rd op rewrites a key it wrote 20 inserts earlier, every
//      7th op durably deletes one it wrote 50 earlier. Per key the scenario
//      keeps the last acknowledged state; a failed op makes the key uncertain
//      (its possible states: the acknowledged one and every failed op's since);
//   3. after XDRC_BEFORE_KILL_S (10 s) of writes, kill -9 DC1 node B (asd and
//      xdr at once); writes go on XDRC_AFTER_KILL_S (5 s) more and until A and
//      C answer cluster-stable:size=2; then they stop;
//   4. DC1 holds every acknowledged state (batch reads); a remove that found
//      nothing where the key's insert was acknowledged counts as a lost write;
//   5. a second client on DC2: polled with batch reads, every acknowledged
//      write is in DC2 with its acknowledged bins and every acknowledged delete
//      is absent, within XDRC_CONVERGE_S (90 s) of the writes' end;
//   6. scans of DC1 and DC2 (official client) match record by record: same
//      digests, same stored keys, same bins;
//   7. the survivors' xdr (raw info on their xdr-info-ports,
//      get-stats:context=xdr;dc=DC2) took over at least once (takeovers=;
//      takeover_records and whether from the log or by a scan are printed, as
//      are any "peer xdr down" lines of their logs);
//   8. no daemon died unexpectedly, no critical log line.
// On a failure in 4-6 it prints, per wrong key, what was acknowledged, what
// DC1 and DC2 hold, the key's partition and its DC1 owners before the kill,
// and the DC1 xdr log lines about takeovers and peers.
//
// Environment: ASD_BIN, XDR_BIN, COMPAT_KEEP_TMP=1, XDRC_WRITERS (default 8),
// XDRC_PAUSE_MS (per-writer pause between ops, default 1), XDRC_BEFORE_KILL_S
// (10), XDRC_AFTER_KILL_S (5), XDRC_CONVERGE_S (90), XDRC_TIMEOUT_S (540).

const fs = require('node:fs')
const K = require('./cluster_kit')
const { assert, log, step } = K

const kName = 'xdr_cluster'
const kWriters = Number(process.env.XDRC_WRITERS || 8)
const kPauseMs = Number(process.env.XDRC_PAUSE_MS || 1)
const kBeforeKillMs = Number(process.env.XDRC_BEFORE_KILL_S || 10) * 1000
const kAfterKillMs = Number(process.env.XDRC_AFTER_KILL_S || 5) * 1000
const kConvergeMs = Number(process.env.XDRC_CONVERGE_S || 90) * 1000
const kTimeoutS = Number(process.env.XDRC_TIMEOUT_S || 540)
const kNs = 'test'
const kSet = 'xdrc'
const kDc2 = 'DC2'
const kFormMs = 30000
const kStableMs = 120000
const kUpdateEvery = 3 // every n-th op of a writer rewrites ...
const kUpdateBack = 20 // ... the key it inserted this many inserts earlier
const kDeleteEvery = 7
const kDeleteBack = 50
const kAbsent = 0 // a key state: 0 absent, v > 0 version v present

// ---------------------------------------------------------------- records

function blobOf (k, v) {
  const b = Buffer.alloc(1 + (k % 64))
  let x = (k * 2654435761 + v * 40503) >>> 0
  for (let i = 0; i < b.length; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + i) >>> 0
    b[i] = x >>> 24
  }
  return b
}

// Version v of key k: one bin of each particle type.
function binsOf (k, v) {
  return {
    k,
    v,
    s: `rec-${k}-v${v}-` + 'abcdefghijklmnopqrstuvwxyz'[k % 26].repeat(k % 50),
    b: blobOf(k, v),
    d: k + 0.5 + v / 1000,
    l: [k % 100, v],
    m: { k, w: `w${v}` }
  }
}

// Order-independent text of a bin value (Buffers as hex, map keys sorted).
function canon (x) {
  if (Buffer.isBuffer(x)) return `hex:${x.toString('hex')}`
  if (Array.isArray(x)) return `[${x.map(canon).join(',')}]`
  if (x instanceof Map) return canon(Object.fromEntries(x))
  if (x && typeof x === 'object') return `{${Object.keys(x).sort().map(key => `${JSON.stringify(key)}:${canon(x[key])}`).join(',')}}`
  return JSON.stringify(typeof x === 'bigint' ? x.toString() : x)
}

function short (text, n = 160) { return text.length > n ? `${text.slice(0, n)}...` : text }

function stateText (s) { return s === kAbsent ? 'absent' : `v${s}` }

// ---------------------------------------------------------------- workload

// Concurrent writers, each owning keys k = w, w + W, w + 2W, ... (so one key's
// ops are issued in order by one writer), recording what was acknowledged.
class AckedWriters {
  constructor (A, client, writers) {
    this.A = A
    this.client = client
    this.writers = writers
    this.keys = new Map() // k -> { acked: state, maybe: [states of failed ops since] }
    this.stopping = false
    this.counts = { put: 0, update: 0, remove: 0, acked: 0, failed: 0, removeNotFound: 0 }
    this.errors = new Map() // error text -> count
    this.lostByRemove = [] // keys whose acknowledged insert a remove did not find
    this.putPol = K.policy({ key: A.policy.key.SEND, exists: A.policy.exists.CREATE_OR_REPLACE })
    // No client retry for removes: a NOT_FOUND answer then means the record
    // was not there when the first and only attempt ran.
    this.removePol = K.policy({ maxRetries: 0, durableDelete: true })
    this.runs = null
  }

  keyOf (k) { return new this.A.Key(kNs, kSet, k) }

  record (k, state, ok, e) {
    let s = this.keys.get(k)
    if (!s) { s = { acked: kAbsent, maybe: [] }; this.keys.set(k, s) }
    if (ok) {
      s.acked = state
      s.maybe = []
      this.counts.acked++
    } else {
      s.maybe.push(state)
      this.counts.failed++
      const text = K.describeError(e)
      this.errors.set(text, (this.errors.get(text) || 0) + 1)
    }
  }

  async put (k, v, kind) {
    this.counts[kind]++
    try {
      await this.client.put(this.keyOf(k), binsOf(k, v), {}, this.putPol)
      this.record(k, v, true)
    } catch (e) {
      this.record(k, v, false, e)
    }
  }

  async remove (k) {
    this.counts.remove++
    const before = this.keys.get(k)
    try {
      await this.client.remove(this.keyOf(k), this.removePol)
      this.record(k, kAbsent, true)
    } catch (e) {
      if (e && e.code === this.A.status.ERR_RECORD_NOT_FOUND) {
        this.counts.removeNotFound++
        if (before && before.acked !== kAbsent && before.maybe.length === 0) {
          this.lostByRemove.push(`key ${k}: acknowledged ${stateText(before.acked)}, remove (one attempt) answered not found`)
        }
      }
      this.record(k, kAbsent, false, e)
    }
  }

  async writer (w) {
    const versions = new Map()
    const next = k => { const v = (versions.get(k) || 0) + 1; versions.set(k, v); return v }
    for (let j = 0, op = 0; !this.stopping; j++) {
      const k = w + j * this.writers
      op++
      if (op % kDeleteEvery === 0 && j >= kDeleteBack) {
        const old = k - kDeleteBack * this.writers
        await this.remove(old)
      } else if (op % kUpdateEvery === 0 && j >= kUpdateBack) {
        const old = k - kUpdateBack * this.writers
        await this.put(old, next(old), 'update')
      }
      await this.put(k, next(k), 'put')
      if (kPauseMs > 0) await K.sleep(kPauseMs)
    }
  }

  start () {
    this.runs = Promise.all(Array.from({ length: this.writers }, (_, w) => this.writer(w)))
  }

  async stop () {
    this.stopping = true
    await this.runs
  }

  summary () {
    const c = this.counts
    let certain = 0
    let uncertain = 0
    let deleted = 0
    for (const s of this.keys.values()) {
      if (s.maybe.length) uncertain++
      else certain++
      if (!s.maybe.length && s.acked === kAbsent) deleted++
    }
    return `${this.keys.size} keys (${certain} certain, ${deleted} of them acknowledged deletes; ${uncertain} uncertain); ` +
      `ops: ${c.put} inserts, ${c.update} updates, ${c.remove} durable deletes; ${c.acked} acknowledged, ${c.failed} failed` +
      (c.removeNotFound ? ` (${c.removeNotFound} removes answered not found)` : '')
  }

  topErrors () {
    return [...this.errors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([t, n]) => `${n}x ${t}`).join(' | ')
  }
}

// ---------------------------------------------------------------- checks

// What `client` holds for every key: k -> { state, bins } (state kAbsent, a
// version, or null with `error` when the read failed or the bins are not
// version `v`'s).
async function holdings (A, client, ks) {
  const rows = await K.batchReadAll(client, ks.map(k => new A.Key(kNs, kSet, k)), { chunk: 1000, par: 4 })
  const out = new Map()
  ks.forEach((k, i) => {
    const r = rows[i]
    if (r.status === A.status.ERR_RECORD_NOT_FOUND) return out.set(k, { state: kAbsent })
    if (r.status !== A.status.OK) return out.set(k, { state: null, error: `read status ${r.status}` })
    const bins = r.record.bins
    const v = bins.v
    if (!(Number.isInteger(v) && v > 0) || canon(bins) !== canon(binsOf(k, v))) {
      return out.set(k, { state: null, error: `bins ${short(canon(bins))} are no version's`, bins })
    }
    out.set(k, { state: v })
  })
  return out
}

// Keys whose holding is none of their possible states: [{ k, s: state, h: holding }].
function wrongKeys (w, held) {
  const bad = []
  for (const [k, s] of w.keys) {
    const h = held.get(k)
    const ok = h.state !== null && (h.state === s.acked || s.maybe.includes(h.state))
    if (!ok) bad.push({ k, s, h })
  }
  return bad
}

function describeHeld (h) {
  if (!h) return 'not read'
  return h.state === null ? h.error : stateText(h.state)
}

// A scan of (kNs, kSet): digest hex -> { key, bins }.
async function snapshot (client) {
  const recs = await K.scanAll(client, kNs, kSet, K.policy({ maxRetries: 5, totalTimeout: 60000, socketTimeout: 20000 }))
  const out = new Map()
  for (const r of recs) out.set(r.key.digest.toString('hex'), { key: r.key.key, bins: canon(r.bins) })
  return out
}

function compareSnapshots (s1, s2) {
  const d = { dc1: s1.size, dc2: s2.size, onlyDc1: [], onlyDc2: [], different: [] }
  for (const [digest, r1] of s1) {
    const r2 = s2.get(digest)
    if (!r2) d.onlyDc1.push(`${digest} key=${r1.key} ${short(r1.bins)}`)
    else if (r1.bins !== r2.bins || String(r1.key) !== String(r2.key)) {
      d.different.push(`${digest}: DC1 key=${r1.key} ${short(r1.bins)} / DC2 key=${r2.key} ${short(r2.bins)}`)
    }
  }
  for (const [digest, r2] of s2) if (!s1.has(digest)) d.onlyDc2.push(`${digest} key=${r2.key} ${short(r2.bins)}`)
  d.equal = !d.onlyDc1.length && !d.onlyDc2.length && !d.different.length
  d.text = `DC1 ${d.dc1} records, DC2 ${d.dc2}; only in DC1 ${d.onlyDc1.length}, only in DC2 ${d.onlyDc2.length}, different ${d.different.length}`
  return d
}

// ---------------------------------------------------------------- scenario

async function main () {
  const A = K.aerospike()
  log(`asd ${K.kAsdBin}; xdr ${K.kXdrBin}; ${kWriters} writers, pause ${kPauseMs} ms; kill after ${kBeforeKillMs / 1000} s, writes ${kAfterKillMs / 1000} s more`)

  const dc2 = new K.Cluster({
    clusterName: 'xdrc-dc2',
    namePrefix: 'DC2-',
    idPrefix: 'D2',
    namespaces: [{ name: kNs, replicationFactor: 2, enableXdr: false }],
    xdr: { srcId: 2, run: false }
  })
  const dc1 = new K.Cluster({
    clusterName: 'xdrc-dc1',
    namePrefix: 'DC1-',
    idPrefix: 'D1',
    namespaces: [{ name: kNs, replicationFactor: 2, xdrRemoteDcs: [kDc2] }],
    xdr: { srcId: 1, datacenters: [{ name: kDc2, cluster: dc2 }] }
  })

  // ---- 1. both DCs
  const dc2Nodes = await step('DC2: start 2 asd nodes (XDR off)', () => dc2.start(2))
  await step(`DC2: cluster-stable:size=2 within ${kFormMs / 1000} s`, () => dc2.waitStable(dc2Nodes, 2, kFormMs))
  const dc1Nodes = await step('DC1: start 3 asd nodes (RF2), cluster-stable:size=3, then an xdr on each shipping test to DC2', () => dc1.start(3))
  const [nA, nB, nC] = dc1Nodes
  log(`tmp ${dc1.tmpRoot()}`)
  log(`DC1: ${dc1Nodes.map(n => `${n.label} xdr :${n.xdrPort}`).join(', ')}; DC2: ${dc2Nodes.map(n => n.label).join(', ')}`)
  for (const n of dc1Nodes) log(`${n.name} xdr ${kDc2}: ${short(await n.xdrInfo(`get-stats:context=xdr;dc=${kDc2}`), 200)}`)
  // Each xdr's view of its peers' xdr (id:up|down|unknown:ms since last answer).
  async function logPeers (when) {
    const st = await Promise.all(dc1Nodes.filter(n => n.xdrAlive()).map(async n =>
      `${n.name} ${(await n.xdrInfo('statistics').catch(e => e.message)).match(/peers=[^;]*/) || 'no peers='}`))
    log(`xdr peers ${when}: ${st.join('; ')}`)
  }
  await logPeers('at start')

  const c1 = await step('client 1 seeded with all DC1 nodes sees 3 nodes', async () => {
    const c = await K.connect(dc1Nodes)
    await K.waitClientNodes(c, 3, kFormMs)
    return c
  })
  // Who owned each partition before the kill, for failure reports.
  const ownersBefore = await dc1.partitionOwners(dc1Nodes, kNs)

  // ---- 2./3. writes, kill -9, writes
  const w = new AckedWriters(A, c1, kWriters)
  let killAt = 0
  let atKill = null
  await step(`${kWriters} writers for ${kBeforeKillMs / 1000} s`, async () => {
    w.start()
    await K.sleep(kBeforeKillMs)
    atKill = { ...w.counts }
    log(`before the kill: ${w.summary()}`)
    await logPeers('before the kill')
  })
  await step(`kill -9 DC1 node ${nB.name} (asd and xdr)`, async () => {
    await nB.kill9()
    killAt = Date.now()
  })
  await step(`writes go on ${kAfterKillMs / 1000} s; then ${nA.name} and ${nC.name} reach cluster-stable:size=2 within ${kStableMs / 1000} s; writes stop`, async () => {
    await K.sleep(kAfterKillMs)
    try {
      const key = await dc1.waitStable([nA, nC], 2, kStableMs)
      log(`stable at 2 after ${((Date.now() - killAt) / 1000).toFixed(1)} s (cluster_key ${key})`)
    } finally {
      await w.stop()
    }
    log(`writes: ${w.summary()}`)
    if (w.counts.failed) log(`failed ops by error: ${w.topErrors()}`)
  })
  await step('the workload did what it should: acknowledged inserts, updates and deletes, also after the kill', () => {
    const afterKill = w.counts.acked - atKill.acked
    log(`acknowledged after the kill: ${afterKill}`)
    let certainPresent = 0
    let certainDeleted = 0
    for (const s of w.keys.values()) {
      if (s.maybe.length) continue
      if (s.acked === kAbsent) certainDeleted++
      else certainPresent++
    }
    assert.ok(certainPresent > 1000, `only ${certainPresent} keys certainly present`)
    assert.ok(certainDeleted > 50, `only ${certainDeleted} keys certainly deleted`)
    assert.ok(afterKill > 100, `only ${afterKill} ops acknowledged after the kill`)
  })

  const survivors = [nA, nC]
  const c2 = await step('client 2 seeded with both DC2 nodes sees 2 nodes', async () => {
    const c = await K.connect(dc2Nodes)
    await K.waitClientNodes(c, 2, kFormMs)
    return c
  })
  const ks = [...w.keys.keys()]

  // Per wrong key: acknowledged/possible states, DC1's and DC2's holdings,
  // partition and DC1 owners before the kill; then the takeover log lines.
  async function evidence (bad, limit = 20) {
    const some = bad.slice(0, limit)
    const [h1, h2] = await Promise.all([c1, c2].map(c => holdings(A, c, some.map(x => x.k)).catch(() => new Map())))
    const lines = some.map(({ k, s }) => {
      const p = K.partitionOf(K.digestOf(kSet, k))
      return `  key ${k}: acknowledged ${stateText(s.acked)}${s.maybe.length ? ` (failed since: ${s.maybe.map(stateText).join(',')})` : ''}; ` +
        `DC1 holds ${describeHeld(h1.get(k))}, DC2 holds ${describeHeld(h2.get(k))}; partition ${p}, DC1 owners before the kill ${ownersBefore[p].join(',')}`
    })
    const parts = new Map()
    for (const { k } of bad) {
      const owner = ownersBefore[K.partitionOf(K.digestOf(kSet, k))][0]
      parts.set(owner, (parts.get(owner) || 0) + 1)
    }
    lines.push(`  wrong keys by DC1 master before the kill: ${[...parts.entries()].map(([n, c]) => `${n}=${c}`).join(' ')}`)
    for (const n of dc1Nodes) {
      for (const l of n.xdrProc.logs) {
        const hits = fs.readFileSync(l, 'utf8').split('\n').filter(x => /takeover|member left|peer xdr/i.test(x))
        lines.push(`  ${n.name} ${l.split('/').pop()}: ${hits.length} takeover lines${hits.length ? ':\n    ' + hits.slice(-15).join('\n    ') : ''}`)
      }
    }
    return lines.join('\n')
  }

  // ---- 4. DC1
  await step(`DC1 holds every acknowledged state (${ks.length} keys, batch reads)`, async () => {
    const bad = wrongKeys(w, await holdings(A, c1, ks))
    log(`DC1: ${bad.length} keys wrong`)
    assert.ok(bad.length === 0, `${bad.length} keys in DC1 are not in an acknowledged state (or unreadable):\n${await evidence(bad)}`)
    assert.ok(w.lostByRemove.length === 0, `${w.lostByRemove.length} removes did not find an acknowledged insert: ${w.lostByRemove.slice(0, 10).join(' | ')}`)
  })

  // ---- 5. DC2, acknowledged states
  const convergeStart = Date.now()
  await step(`DC2 holds every acknowledged write with its bins and no acknowledged delete within ${kConvergeMs / 1000} s`, async () => {
    let lastPrint = Date.now()
    for (let round = 1; ; round++) {
      const bad = wrongKeys(w, await holdings(A, c2, ks))
      if (bad.length === 0) {
        log(`DC2 right after ${((Date.now() - convergeStart) / 1000).toFixed(1)} s (${round} rounds)`)
        return
      }
      if (Date.now() - convergeStart > kConvergeMs) {
        throw new Error(`after ${kConvergeMs / 1000} s, ${bad.length} of ${ks.length} keys in DC2 are not in an acknowledged state:\n${await evidence(bad)}`)
      }
      if (Date.now() - lastPrint > 10000) {
        const st = await Promise.all(survivors.map(async n => `${n.name}: ${short(await n.xdrInfo(`get-stats:context=xdr;dc=${kDc2}`).catch(e => e.message), 300)}`))
        log(`DC2: ${bad.length} keys not yet right; xdr ${st.join(' | ')}`)
        lastPrint = Date.now()
      }
      await K.sleep(1000)
    }
  })

  // ---- 6. DC2 = DC1 record by record
  await step('scans: DC2 equals DC1 record by record (digests, stored keys, bins)', async () => {
    const end = Math.max(convergeStart + kConvergeMs, Date.now() + 15000)
    for (;;) {
      const [s1, s2] = await Promise.all([snapshot(c1), snapshot(c2)])
      const d = compareSnapshots(s1, s2)
      if (d.equal) {
        log(`scans: ${d.text}`)
        assert.ok(s1.size > 1000, `DC1 scan returned only ${s1.size} records`)
        return
      }
      if (Date.now() > end) {
        throw new Error(`${d.text}; first: ${d.onlyDc1.slice(0, 5).concat(d.onlyDc2.slice(0, 5), d.different.slice(0, 5)).join(' | ')}`)
      }
      log(`scans: ${d.text}; again in 2 s`)
      await K.sleep(2000)
    }
  })

  // ---- 7. takeovers
  await step(`the survivors' xdr took over node ${nB.name}'s shipping (get-stats takeovers >= 1)`, async () => {
    let takeovers = 0
    for (const n of survivors) {
      const s = await n.xdrStats(kDc2)
      takeovers += Number(s.takeovers || 0)
      log(`${n.name} xdr ${kDc2}: takeovers=${s.takeovers} takeover_records=${s.takeover_records} from_log=${s.takeovers_from_log} by_scan=${s.takeovers_by_scan} pending=${s.takeovers_pending} success=${s.success} abandoned=${s.abandoned} lost_conflict=${s.lost_conflict} lag=${s.lag}`)
      assert.ok(s.takeovers !== undefined && s.takeover_records !== undefined, `${n.name}: get-stats has no takeovers= or takeover_records=`)
    }
    for (const n of survivors) {
      const down = fs.readFileSync(n.xdrProc.logs[0], 'utf8').split('\n').filter(x => /peer xdr down/.test(x))
      if (down.length) log(`${n.name} xdr log: ${down.length} "peer xdr down" lines: ${down.slice(0, 3).join(' | ')}`)
    }
    assert.ok(takeovers >= 1, `no takeover on ${survivors.map(n => n.name).join(', ')}`)
  })

  // ---- 8. health
  await step('no daemon died unexpectedly; no critical log line (DC1 asd + xdr, DC2 asd)', async () => {
    await dc1.checkHealthy()
    await dc2.checkHealthy()
  })
  for (const c of [c1, c2]) { try { await c.close() } catch (_) {} }
}

K.run(kName, main, kTimeoutS)
