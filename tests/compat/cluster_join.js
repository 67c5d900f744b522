'use strict'
// cluster_join: a 4th node joins a loaded 3-node RF2 cluster; no
// acknowledged write is lost and the partitions rebalance over 4 nodes.
//
// Self-hosted (cluster_kit.js starts the asd nodes, one mesh seed each):
//   1. 3 nodes form one cluster; 20,000 records (bins k, v = 1) are written;
//   2. a continuous write load starts: JOIN_WRITERS writers pick random keys in
//      [0, 25,000) (so new records are created too), one write per key at a
//      time, bins k and v = the key's next version; every acknowledged write
//      is recorded as the key's latest value, every failed one is counted;
//      JOIN_FRESH_WRITERS more writers create new keys (from 25,000 up), each
//      written once, so a write that fails on its replica is never repaired
//      by a later write of the same key;
//   3. node D starts seeded with node A; the 4 nodes must reach size 4 within
//      10 s and cluster-stable:size=4 (migrations finished) within 120 s while
//      the load goes on; the load then runs 2 s more and stops;
//   4. every key is read: a key with an acknowledged write has its latest
//      acknowledged value, or the value of a newer write that failed (a
//      failed write may or may not have been applied); a key never written is
//      absent; the failed writes are listed with their error codes;
//   5. per node master/prole partitions within 5% of 1024; then (a separate
//      check) the sums of master_objects and prole_objects each equal the
//      number of records found (every record has its two copies); for every
//      key a write of which failed, its two copies (read at each owner)
//      have the same generation and value; no node died, no critical log line.
//
// Environment: ASD_BIN, COMPAT_KEEP_TMP=1, JOIN_KEYS (20000),
// JOIN_KEY_SPACE (25000), JOIN_WRITERS (16), JOIN_FRESH_WRITERS (4),
// JOIN_TIMEOUT_S (540).

const K = require('./cluster_kit')
const { assert, log, step } = K

const kName = 'cluster_join'
const kKeys = Number(process.env.JOIN_KEYS || 20000)
const kKeySpace = Number(process.env.JOIN_KEY_SPACE || 25000)
const kWriters = Math.min(64, Number(process.env.JOIN_WRITERS || 16))
const kFreshWriters = Math.min(16, Number(process.env.JOIN_FRESH_WRITERS || 4))
const kTimeoutS = Number(process.env.JOIN_TIMEOUT_S || 540)
const kNs = 'test'
const kSet = 'join'
const kFormMs = 10000
const kMigrateMs = 120000
const kEmptyStableMs = 30000

async function main () {
  const A = K.aerospike()
  const op = A.operations
  const keyOf = k => new A.Key(kNs, kSet, k)

  // Per key: version of the latest acknowledged write (0: none), the next
  // version to send, and the versions whose write failed after that ack.
  const acked = new Int32Array(kKeySpace)
  const issued = new Int32Array(kKeySpace)
  const failedSince = new Map() // k -> [versions failed after acked[k]]
  const failedEver = new Map() // k -> [every version whose write failed]
  const busy = new Uint8Array(kKeySpace)
  const ackAt = new Float64Array(kKeySpace) // when the latest ack arrived
  const sentAt = new Float64Array(kKeySpace) // when that write was sent
  let joinAt = 0 // when node D was spawned
  let owners3 = null // partition -> [master, replica] before the join
  let joinMark = null // log positions when D was started
  const failures = new Map() // error description -> count
  let acks = 0
  let fails = 0
  // Fresh keys: kKeySpace + n, written once each (bins k, v = 1).
  let freshNext = 0
  const freshAcked = new Set()
  const freshFailed = new Set()

  const cluster = new K.Cluster({ clusterName: 'join', namespaces: [{ name: kNs, replicationFactor: 2 }] })
  log(`asd ${K.kAsdBin}; ${kKeys} records, key space ${kKeySpace}, ${kWriters} writers`)

  const [nA, nB, nC] = await step('start 3 asd nodes (one mesh seed each)', () => cluster.start(3))
  const three = [nA, nB, nC]
  await step(`one cluster of size 3 within ${kFormMs / 1000} s`, () => cluster.waitClusterSize(three, 3, kFormMs))
  await step('cluster-stable:size=3 within 30 s (empty: nothing to migrate)', () => cluster.waitStable(three, 3, kEmptyStableMs))
  const client = await step('client seeded with node A discovers 3 nodes', async () => {
    const c = await K.connect([nA])
    await K.waitClientNodes(c, 3, kFormMs)
    return c
  })

  const wpol = K.policy()
  async function write (k) {
    const v = ++issued[k]
    busy[k] = 1
    const sent = Date.now()
    try {
      await client.operate(keyOf(k), [op.write('k', k), op.write('v', v)], {}, wpol)
      acked[k] = v
      ackAt[k] = Date.now()
      sentAt[k] = sent
      failedSince.delete(k)
      acks++
      return null
    } catch (e) {
      fails++
      const d = K.describeError(e)
      failures.set(d, (failures.get(d) || 0) + 1)
      if (!failedSince.has(k)) failedSince.set(k, [])
      failedSince.get(k).push(v)
      if (!failedEver.has(k)) failedEver.set(k, [])
      failedEver.get(k).push(v)
      return `key ${k} v${v}: ${d}`
    } finally {
      busy[k] = 0
    }
  }

  await step(`write ${kKeys} records`, async () => {
    const errors = []
    await K.parallel(kKeys, 64, async k => { const e = await write(k); if (e) errors.push(e) })
    assert.ok(errors.length === 0, `${errors.length} writes failed; first: ${errors.slice(0, 5).join(' | ')}`)
  })

  // ---- the load
  let stop = false
  const loadStart = Date.now()
  async function writer () {
    while (!stop) {
      let k = Math.floor(Math.random() * kKeySpace)
      while (busy[k]) k = (k + 1) % kKeySpace
      await write(k)
    }
  }
  async function freshWriter () {
    while (!stop) {
      const k = kKeySpace + freshNext++
      try {
        await client.operate(keyOf(k), [op.write('k', k), op.write('v', 1)], {}, wpol)
        freshAcked.add(k)
        acks++
      } catch (e) {
        fails++
        const d = K.describeError(e)
        failures.set(d, (failures.get(d) || 0) + 1)
        freshFailed.add(k)
      }
    }
  }
  const writers = [...Array.from({ length: kWriters }, writer), ...Array.from({ length: kFreshWriters }, freshWriter)]
  let lastReport = { t: Date.now(), acks, fails }
  const reporter = setInterval(() => {
    const now = Date.now()
    log(`load: ${Math.round((acks - lastReport.acks) / ((now - lastReport.t) / 1000))} acks/s, ${fails - lastReport.fails} failed in the last ${((now - lastReport.t) / 1000).toFixed(0)} s (${acks} acks, ${fails} failures in all)`)
    lastReport = { t: now, acks, fails }
  }, 5000)
  await K.sleep(2000)
  log(`load running (${acks - kKeys} acks so far)`)

  let nD
  try {
    owners3 = await cluster.partitionOwners(three, kNs)
    joinMark = cluster.mark()
    joinAt = Date.now()
    nD = await step('node D starts, seeded with node A', () => cluster.addNode(nA))
    const four = [nA, nB, nC, nD]
    await step(`A, B, C, D form a cluster of size 4 within ${kFormMs / 1000} s`, () => cluster.waitClusterSize(four, 4, kFormMs))
    log(`size 4 after ${((Date.now() - joinAt) / 1000).toFixed(1)} s`)
    await step(`cluster-stable:size=4 (migrations finished) within ${kMigrateMs / 1000} s under load`, () => cluster.waitStable(four, 4, kMigrateMs))
    log(`stable after ${((Date.now() - joinAt) / 1000).toFixed(1)} s`)
    await K.sleep(2000)
  } finally {
    stop = true
    await Promise.all(writers)
    clearInterval(reporter)
  }
  log(`membership changes logged during the join: ${cluster.eventsSince(joinMark).join(' | ')}`)
  const loadS = (Date.now() - loadStart) / 1000
  log(`load stopped: ${acks - kKeys} acked writes and ${fails} failed writes in ${loadS.toFixed(1)} s`)
  if (fails) log(`failed writes by error: ${[...failures].map(([d, n]) => `${n} x ${d}`).join('; ')}`)
  const four = [nA, nB, nC, nD]

  await step('client knows 4 nodes', () => K.waitClientNodes(client, 4, kFormMs))
  await step('cluster still stable at size 4 after the load', () => cluster.waitStable(four, 4, kMigrateMs))

  let found = 0
  let stats = null
  await step(`every acknowledged write is readable at its latest value (${kKeySpace} keys)`, async () => {
    const keys = Array.from({ length: kKeySpace }, (_, k) => k)
    const rows = await K.batchReadAll(client, keys.map(keyOf))
    const problems = []
    const c = { acked: 0, unackedRechecked: 0, unackedGotNew: 0, unackedGotOld: 0, neverAckedPresent: 0, lateFailed: 0 }
    stats = c
    for (let k = 0; k < kKeySpace; k++) {
      let row = rows[k]
      if (row.status !== A.status.OK && row.status !== A.status.ERR_RECORD_NOT_FOUND) {
        try {
          row = { status: A.status.OK, record: await client.get(keyOf(k), K.policy()) }
        } catch (e) {
          if (e.code === A.status.ERR_RECORD_NOT_FOUND) row = { status: e.code }
          else { problems.push(`key ${k}: unreadable: batch status ${rows[k].status}, get ${K.describeError(e)}`); continue }
        }
      }
      const got = row.status === A.status.OK ? row.record.bins : null
      if (got) found++
      if (got && got.k !== k) { problems.push(`key ${k}: bin k=${got.k}`); continue }
      const failed = failedSince.get(k) || []
      if (failed.length) c.unackedRechecked++
      if (acked[k]) c.acked++
      const ok = []
      if (acked[k]) ok.push(acked[k])
      ok.push(...failed)
      if (got === null) {
        if (acked[k]) problems.push(`key ${k}: acknowledged write v${acked[k]} lost (record not found)`)
        continue
      }
      if (!acked[k] && !failed.length) { problems.push(`key ${k}: never written, yet present: ${K.safeJson(got)}`); continue }
      if (!ok.includes(got.v)) {
        // A write that failed (timed out) before the acked one, landing after
        // it, still loses the acked write; name it apart from a plain loss.
        const late = (failedEver.get(k) || []).includes(got.v) ? ` (v${got.v} is an earlier write that failed at the client: applied after the later acked write)` : ''
        if (late) c.lateFailed++
        problems.push(`key ${k}: v${got.v}, want v${acked[k]}${failed.length ? ` or a failed write's v${failed.join('/v')}` : ''}${late}`)
        continue
      }
      if (!acked[k]) c.neverAckedPresent++
      else if (failed.length) { if (got.v === acked[k]) c.unackedGotOld++; else c.unackedGotNew++ }
    }
    // For the first wrong keys: partition, when the lost write was acked
    // relative to D's start, and what each node answers for the key.
    const owners4 = problems.length ? await cluster.partitionOwners(four, kNs) : null
    for (const p of problems.slice(0, 5)) {
      const k = Number(p.match(/^key (\d+)/)[1])
      const pid = K.partitionOf(K.digestOf(kSet, k))
      const answers = await Promise.all(four.map(async n => {
        try { const r = await n.rawGet(kNs, kSet, k); return `${n.name}: ${r.result === 0 ? `v${r.bins.v} gen ${r.gen}` : `result ${r.result}`}` } catch (e) { return `${n.name}: ${e.message}` }
      }))
      log(`  ${p}: partition ${pid}; latest ack sent ${((sentAt[k] - joinAt) / 1000).toFixed(3)} s, acked ${((ackAt[k] - joinAt) / 1000).toFixed(3)} s after D started; owners (master,replica) before ${owners3[pid].join(',')}, after ${owners4[pid].join(',')}; direct reads: ${answers.join(', ')}`)
    }
    if (problems.length) {
      let moved = 0
      let toD = 0
      for (const p of problems) {
        const pid = K.partitionOf(K.digestOf(kSet, Number(p.match(/^key (\d+)/)[1])))
        if (owners3[pid][0] !== owners4[pid][0]) moved++
        if (owners4[pid].includes('D')) toD++
      }
      log(`  of ${problems.length} wrong keys: ${moved} in partitions whose master changed with the join, ${toD} in partitions D now serves`)
    }
    log(`verified: ${c.acked} keys with acknowledged writes, ${found} records found; keys whose last write failed: ${c.unackedRechecked} ` +
        `(kept the acked value ${c.unackedGotOld}, got the failed write's value ${c.unackedGotNew}, no ack but present ${c.neverAckedPresent}); problems ${problems.length}` +
        ` (of which ${c.lateFailed} hold an earlier failed write's value)`)
    assert.ok(problems.length === 0, `${problems.length} problems; first: ${problems.slice(0, 5).join(' | ')}`)
  })

  await step(`every fresh key written during the join (${freshNext}) is present if acknowledged, absent if never written`, async () => {
    const keys = Array.from({ length: freshNext + 100 }, (_, n) => kKeySpace + n)
    const rows = await K.batchReadAll(client, keys.map(keyOf))
    const problems = []
    let failedPresent = 0
    rows.forEach((row, j) => {
      const k = keys[j]
      const got = row.status === A.status.OK ? row.record.bins : null
      if (row.status !== A.status.OK && row.status !== A.status.ERR_RECORD_NOT_FOUND) problems.push(`key ${k}: batch status ${row.status}`)
      else if (got && (got.k !== k || got.v !== 1)) problems.push(`key ${k}: bins ${K.safeJson(got)}`)
      else if (!got && freshAcked.has(k)) problems.push(`key ${k}: acknowledged create lost`)
      else if (got && !freshAcked.has(k) && !freshFailed.has(k)) problems.push(`key ${k}: never written, yet present`)
      if (got) found++
      if (got && freshFailed.has(k)) failedPresent++
    })
    log(`fresh keys: ${freshAcked.size} acked, ${freshFailed.size} failed (${failedPresent} of them present anyway)`)
    assert.ok(problems.length === 0, `${problems.length} problems; first: ${problems.slice(0, 5).join(' | ')}`)
  })

  await step('partitions balanced over 4 nodes (5% of 1024 masters and 1024 replicas each)', () =>
    cluster.checkBalance(four, kNs, 2))
  await step(`every record has its 2 copies: master_objects and prole_objects each sum to the ${found} records found`, async () => {
    const cs = await cluster.nsCounts(four, kNs)
    const mo = cs.reduce((a, x) => a + x.master_objects, 0)
    const po = cs.reduce((a, x) => a + x.prole_objects, 0)
    assert.ok(mo === found && po === found,
      `sum of master_objects=${mo}, sum of prole_objects=${po}, records found=${found}; ` +
      `${stats.unackedGotNew} keys hold the value of a write that failed at the client, ${stats.neverAckedPresent} exist though no write of theirs was acked ` +
      '(a failed write applied on the master but not on its replica would leave prole_objects short)')
  })
  await step('both copies of every key a write of which failed agree (generation and value, read at each owner)', async () => {
    const owners = await cluster.partitionOwners(four, kNs)
    const byName = new Map(four.map(n => [n.name, n]))
    const keys = [...failedEver.keys(), ...freshFailed]
    const problems = []
    await K.parallel(keys.length, 16, async j => {
      const k = keys[j]
      const pid = K.partitionOf(K.digestOf(kSet, k))
      const copies = await Promise.all(owners[pid].map(async name => {
        const r = await byName.get(name).rawGet(kNs, kSet, k)
        return r.result === 0 ? `gen ${r.gen} v${r.bins.v}` : `result ${r.result}`
      }))
      if (copies.length !== 2 || copies[0] !== copies[1]) problems.push(`key ${k} (partition ${pid}): ${owners[pid].map((n, i) => `${n}: ${copies[i]}`).join(', ')}`)
    })
    log(`copies compared for ${keys.length} keys with a failed write: ${problems.length} differ`)
    assert.ok(problems.length === 0, `${problems.length} keys whose copies differ; first: ${problems.slice(0, 5).join(' | ')}`)
  })
  const ms = await Promise.all(four.map(async n => {
    const s = await n.stats()
    return `${n.name}: tx=${s.migrate_records_transmitted} rx=${s.migrate_records_received}; replica writes refused ${s.replica_writes_refused}, timed out ${s.replica_write_timeouts}, retried ${s.replica_write_retries}; repairs done ${s.re_repl_success}, given up ${s.re_repl_error}`
  }))
  log(`migrate_records and replica writes: ${ms.join(' | ')}`)
  log(`writes that failed during the join: ${fails} (allowed; their keys re-checked above)`)
  await step('no node died unexpectedly; no critical log line', () => cluster.checkHealthy())
  try { await client.close() } catch (_) {}
}

K.run(kName, main, kTimeoutS)
