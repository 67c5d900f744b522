'use strict'
// cluster_rf2: a 3-node RF2 cluster keeps every record through a kill -9 of
// one node and its return (empty: memory namespace), and rebalances.
//
// Self-hosted (cluster_kit.js starts three asd nodes, one mesh seed each):
//   1. the nodes form one cluster (size 3, one cluster_key) within 10 s and are
//      stable; a client seeded with node A alone discovers all three;
//   2. 50,000 records (bins k = key, v = version) are written with RF2, at
//      most 64 in flight; every 5th is written a second time (generation 2);
//      each ack must carry the expected generation; the sums of master_objects
//      and prole_objects are then 50,000 each;
//   3. kill -9 node B: A and C form a 2-node cluster within 10 s; every record
//      is read back (bins and generation); then 5,000 new records are written
//      and every 10th old one updated, all of which must be acknowledged;
//      A and C reach cluster-stable:size=2, each master or replica of half
//      the partitions, objects summing to the record count twice over;
//   4. migrations are paused on A and C (set-config migrate-threads 0) and B
//      restarts on the same ports (empty); once the 3 form a cluster, a scan
//      through the client returns every record exactly once (B holds
//      nothing yet: the old copies on A and C stay acting masters until B is
//      filled); migrations resume;
//      cluster-stable:size=3 within 120 s (migrations done); per node
//      master_partitions and
//      prole_partitions within 5% of 4096/3; the sums of master_objects and
//      prole_objects equal the number of live records; every record reads
//      back at its latest version and generation; a scan returns every
//      record exactly once;
//   4b. filter expressions (v >= 2): a scan, a 3,000-row batch (0 or 27 per row) and an
//      index query return exactly the updated records across the three nodes;
//   5. client.truncate() of the set, sent to one node, empties it on all
//      three (sets info objects=0 on each, a scan finds nothing), and a write
//      after it is kept;
//   6. no node died unexpectedly, no critical log line.
//
// Environment: ASD_BIN, COMPAT_KEEP_TMP=1, RF2_KEYS (default 50000),
// RF2_EXTRA_KEYS (default 5000), RF2_INFLIGHT (default 64), RF2_TIMEOUT_S (540).

const K = require('./cluster_kit')
const { assert, log, step } = K

const kName = 'cluster_rf2'
const kKeys = Number(process.env.RF2_KEYS || 50000)
const kExtra = Number(process.env.RF2_EXTRA_KEYS || 5000)
const kInFlight = Math.min(64, Number(process.env.RF2_INFLIGHT || 64))
const kTimeoutS = Number(process.env.RF2_TIMEOUT_S || 540)
const kNs = 'test'
const kSet = 'rf2'
const kFormMs = 10000
const kMigrateMs = 120000
const kEmptyStableMs = 30000

async function main () {
  const A = K.aerospike()
  const op = A.operations
  const keyOf = k => new A.Key(kNs, kSet, k)
  const expected = [] // k -> { v, gen } of the latest acknowledged write

  const cluster = new K.Cluster({ clusterName: 'rf2', namespaces: [{ name: kNs, replicationFactor: 2 }] })
  log(`asd ${K.kAsdBin}; ${kKeys} + ${kExtra} keys, ${kInFlight} in flight`)

  // ---- 1. form
  const [nA, nB, nC] = await step('start 3 asd nodes (one mesh seed each: A->B, B->C, C->A)', () => cluster.start(3))
  const all = [nA, nB, nC]
  log(`nodes: ${all.map(n => `${n.label} hb=${n.ports.heartbeat} fabric=${n.ports.fabric}`).join(', ')}; tmp ${cluster.tmpRoot()}`)
  const key3 = await step(`one cluster of size 3 with one cluster_key within ${kFormMs / 1000} s`, () => cluster.waitClusterSize(all, 3, kFormMs))
  log(`cluster_key ${key3}`)
  await step('cluster-stable:size=3 within 30 s (empty: nothing to migrate)', () => cluster.waitStable(all, 3, kEmptyStableMs))
  await step('empty cluster: partitions balanced over 3 nodes', () => cluster.checkBalance(all, kNs, 2, { records: 0 }))

  const client = await step('client seeded with node A only connects and discovers all 3 nodes', async () => {
    const c = await K.connect([nA])
    const names = await K.waitClientNodes(c, 3, kFormMs)
    log(`client nodes: ${names.join(', ')}`)
    return c
  })

  // Writes version v of key k; returns null or the error text.
  const wpol = K.policy()
  async function write (k, v, gen) {
    try {
      const rec = await client.operate(keyOf(k), [op.write('k', k), op.write('v', v)], {}, wpol)
      if (rec.gen !== gen) return `key ${k} v${v}: acked with gen ${rec.gen}, expected ${gen}`
      expected[k] = { v, gen }
      return null
    } catch (e) {
      return `key ${k} v${v}: ${K.describeError(e)}`
    }
  }

  // Runs jobs(k) for each k in `keys` with kInFlight in flight; fails listing errors.
  async function load (what, keys, job) {
    const errors = []
    const start = Date.now()
    const mark = cluster.mark()
    await K.parallel(keys.length, kInFlight, async i => {
      const e = await job(keys[i])
      if (e) errors.push(e)
    })
    const s = (Date.now() - start) / 1000
    log(`${what}: ${keys.length} keys in ${s.toFixed(1)} s (${Math.round(keys.length / s)} keys/s), ${errors.length} errors`)
    assert.ok(errors.length === 0, `${errors.length} of ${keys.length} failed; first: ${errors.slice(0, 5).join(' | ')}` + changes(mark))
  }

  // The membership changes the nodes logged since `mark`, for failure messages.
  function changes (mark) {
    const ev = cluster.eventsSince(mark)
    return ev.length ? `; membership changes logged meanwhile (none expected): ${ev.join(' | ')}` : '; no membership change logged meanwhile'
  }

  // Reads every key in `keys` and compares with `expected`.
  async function verifyAll (what, keys, c = client) {
    const mark = cluster.mark()
    const rows = await K.batchReadAll(c, keys.map(keyOf))
    const problems = []
    let retried = 0
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]
      const want = expected[k]
      let row = rows[i]
      if (row.status !== A.status.OK) {
        // Batch sub-result failed: ask once more with a single get to tell a
        // transient batch failure from a missing record.
        retried++
        try {
          const r = await c.get(keyOf(k), K.policy())
          row = { status: A.status.OK, record: r }
        } catch (e) {
          problems.push(`key ${k}: batch status ${rows[i].status}, get: ${K.describeError(e)} (want v${want.v} gen ${want.gen})`)
          continue
        }
      }
      const r = row.record
      if (r.bins.k !== k || r.bins.v !== want.v || r.gen !== want.gen) {
        problems.push(`key ${k}: got ${K.safeJson(r.bins)} gen ${r.gen}, want v${want.v} gen ${want.gen}`)
      }
    }
    log(`${what}: read ${keys.length} records, ${retried} re-read singly after a batch sub-error, ${problems.length} problems`)
    assert.ok(problems.length === 0, `${problems.length} of ${keys.length} records wrong or unreadable; first: ${problems.slice(0, 5).join(' | ')}` + changes(mark))
  }

  // ---- 2. load
  const base = Array.from({ length: kKeys }, (_, k) => k)
  await step(`write ${kKeys} records RF2 (every 5th twice: generation 2)`, () =>
    load('load', base, async k => (await write(k, 1, 1)) || (k % 5 === 0 ? write(k, 2, 2) : null)))
  await step('after the load: cluster still stable; master_objects and prole_objects sum to the record count', async () => {
    await cluster.waitStable(all, 3, kMigrateMs)
    await cluster.checkBalance(all, kNs, 2, { records: kKeys })
  })

  // ---- 3. kill -9 B
  await step('kill -9 node B', () => nB.kill9())
  const key2 = await step(`A and C form a cluster of size 2 within ${kFormMs / 1000} s`, () => cluster.waitClusterSize([nA, nC], 2, kFormMs))
  assert.notEqual(key2, key3, 'cluster_key did not change after the kill')
  log(`cluster_key ${key2}`)
  await step('client drops node B', () => K.waitClientNodes(client, 2, kFormMs))
  await step(`every one of the ${kKeys} records is readable with its bins and generation`, () => verifyAll('after kill', base))
  const extra = Array.from({ length: kExtra }, (_, i) => kKeys + i)
  await step(`writes go on: ${kExtra} new records`, () => load('new records', extra, k => write(k, 1, 1)))
  const updated = base.filter(k => k % 10 === 1)
  await step(`writes go on: ${updated.length} updates (every 10th old record)`, () =>
    load('updates', updated, k => write(k, expected[k].v + 1, expected[k].gen + 1)))
  await step(`A and C: cluster-stable:size=2 (re-replication finished) within ${kMigrateMs / 1000} s; each holds all ${kKeys + kExtra} records`, async () => {
    await cluster.waitStable([nA, nC], 2, kMigrateMs)
    await cluster.checkBalance([nA, nC], kNs, 2, { records: kKeys + kExtra })
  })

  // Every record exactly once, at its latest version.
  async function scanCheck (what) {
    const recs = await K.scanAll(client, kNs, kSet)
    const seen = new Set()
    const problems = []
    for (const r of recs) {
      const k = r.bins.k
      if (seen.has(k)) problems.push(`key ${k} twice`)
      seen.add(k)
      const e = expected[k]
      if (!e) problems.push(`key ${k} never written`)
      else if (r.bins.v !== e.v) problems.push(`key ${k}: v${r.bins.v}, want v${e.v}`)
    }
    const want = expected.filter(Boolean).length
    log(`scan ${what}: ${recs.length} records, ${seen.size} distinct, ${want} expected`)
    assert.ok(problems.length === 0 && seen.size === want, `${problems.length} problems (first: ${problems.slice(0, 5).join(' | ')}); ${seen.size} distinct of ${want}`)
  }

  // ---- 4. B returns
  await step('migrations paused on A and C: set-config:context=service;migrate-threads=0', async () => {
    for (const n of [nA, nC]) assert.equal(await n.info('set-config:context=service;migrate-threads=0'), 'ok')
  })
  await step('node B restarts on the same ports (memory namespace: empty)', () => nB.start())
  const rejoinAt = Date.now()
  await step(`A, B, C form a cluster of size 3 within ${kFormMs / 1000} s`, () => cluster.waitClusterSize(all, 3, kFormMs))
  await step('client sees 3 nodes', () => K.waitClientNodes(client, 3, kFormMs))
  await step('while B is empty (migrations paused), a scan returns every record exactly once', () => scanCheck('during migration'))
  await step('migrations resume on A and C: migrate-threads=1', async () => {
    for (const n of [nA, nC]) assert.equal(await n.info('set-config:context=service;migrate-threads=1'), 'ok')
  })
  const keyBack = await step(`cluster-stable:size=3 (migrations finished) within ${kMigrateMs / 1000} s`, () => cluster.waitStable(all, 3, kMigrateMs))
  log(`stable after ${((Date.now() - rejoinAt) / 1000).toFixed(1)} s; cluster_key ${keyBack}`)
  const live = kKeys + kExtra
  await step(`partitions balanced (5%); master_objects and prole_objects each sum to ${live}`, () =>
    cluster.checkBalance(all, kNs, 2, { records: live }))
  await step('client sees 3 nodes again', () => K.waitClientNodes(client, 3, kFormMs))
  await step(`every one of the ${live} records is at its latest version and generation`, () =>
    verifyAll('after rejoin', base.concat(extra)))

  await step('a scan returns every record exactly once', () => scanCheck('after rejoin'))

  // ---- 4b. filter expressions on a batch, a scan and an index query spanning the nodes
  const updatedKeys = new Set(expected.map((e, k) => (e && e.v >= 2 ? k : -1)).filter(k => k >= 0))
  const vAtLeast2 = A.exp.ge(A.exp.binInt('v'), A.exp.int(2))
  await step(`filter v >= 2 across 3 nodes: the scan returns the ${updatedKeys.size} updated records only`, async () => {
    const recs = await K.scanAll(client, kNs, kSet, K.policy({ maxRetries: 5, filterExpression: vAtLeast2 }))
    const got = new Set(recs.map(r => r.bins.k))
    assert.equal(recs.length, got.size, 'a record came twice')
    assert.ok(got.size === updatedKeys.size && [...got].every(k => updatedKeys.has(k)),
      `scan: ${got.size} records, want ${updatedKeys.size}`)
  })
  await step('filter v >= 2: batch rows answer 0 or 27 (FILTERED_OUT) record by record', async () => {
    const keys = base.slice(0, 3000)
    const rows = await client.batchRead(keys.map(k => ({ key: keyOf(k), readAllBins: true })),
      K.policy({ filterExpression: vAtLeast2 }))
    const wrong = keys.filter((k, i) => rows[i].status !== (updatedKeys.has(k) ? A.status.OK : A.status.FILTERED_OUT))
    assert.equal(wrong.length, 0, `${wrong.length} rows with the wrong status, first keys ${wrong.slice(0, 5)}`)
  })
  await step('filter v >= 2 on an index query (k in 0..9999) across 3 nodes', async () => {
    const job = await client.createIntegerIndex({ ns: kNs, set: kSet, bin: 'k', index: 'rf2_k' })
    await job.wait(50)
    const q = client.query(kNs, kSet)
    q.where(A.filter.range('k', 0, 9999))
    const recs = await q.results(K.policy({ filterExpression: vAtLeast2 }))
    const got = recs.map(r => r.bins.k).sort((a, b) => a - b)
    const want = [...updatedKeys].filter(k => k <= 9999).sort((a, b) => a - b)
    assert.deepEqual(got, want)
  })

  // ---- 5. truncate
  await step(`client.truncate('${kNs}', '${kSet}') (sent to one node) empties the set on all three`, async () => {
    await K.sleep(10) // records whose last-update ms equals the truncate's are kept
    await client.truncate(kNs, kSet, 0)
    const end = Date.now() + 5000
    let counts
    for (;;) {
      counts = await Promise.all(all.map(async n => {
        const text = await n.info(`sets/${kNs}/${kSet}`)
        const m = /objects=(\d+)/.exec(text)
        return m ? Number(m[1]) : NaN
      }))
      if (counts.every(c => c === 0) || Date.now() > end) break
      await K.sleep(100)
    }
    assert.ok(counts.every(c => c === 0), `objects in ${kSet} per node 5 s after the truncate: ${all.map((n, i) => `${n.name}=${counts[i]}`).join(' ')}`)
    const recs = await K.scanAll(client, kNs, kSet)
    assert.equal(recs.length, 0, `a scan after the truncate found ${recs.length} records`)
  })
  await step('a write after the truncate is kept (gen 1)', async () => {
    await K.sleep(10)
    const err = await write(0, 1000, 1)
    assert.equal(err, null, err)
    const r = await client.get(keyOf(0), K.policy())
    assert.equal(r.bins.v, 1000)
  })

  const ms = await Promise.all(all.map(async n => {
    const s = await n.stats()
    return `${n.name}: tx=${s.migrate_records_transmitted} rx=${s.migrate_records_received}`
  }))
  log(`migrate_records: ${ms.join('; ')}`)
  await step('no node died unexpectedly; no critical log line', () => cluster.checkHealthy())
  try { await client.close() } catch (_) {}
}

K.run(kName, main, kTimeoutS)
