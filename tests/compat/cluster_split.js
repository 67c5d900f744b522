'use strict'
// cluster_split: a split-brain {A} | {B, C} and its heal; duplicates are
// resolved by conflict-resolution-policy generation.
//
// Self-hosted (cluster_kit.js starts three asd nodes, one mesh seed each):
//   1. 3 nodes, namespace RF2 with conflict-resolution-policy generation;
//      2,000 records (bins k, v = 'base', generation 1);
//   2. the partitions A holds (master or replica, from A's `replicas`) are
//      noted; cluster-block-nodes cuts A from B and C; A becomes a cluster of
//      size 1, B and C one of size 2, with different cluster keys, each side
//      stable (migrations inside the side finished);
//   3. a client seeded with A only (it must know only A) updates set X (200
//      records A held before the split) twice: v 'A1', 'A2', generation 3;
//      a client seeded with B only (it must know only B and C) updates the
//      same X once (v 'BC', generation 2) and set Y (200 other records, half
//      of them also held by A, whose stale copy must lose) once (v 'BCY',
//      generation 2). The first write on each side is retried until
//      it succeeds (the client needs the side's new partition map) within 30 s;
//      Set W (600 more records A holds) is written SPLIT_W_LEAD (20) times on
//      side BC (generation 21), so A's stale copy is far behind. Namespace
//      rf1 (replication-factor 1) has set W1: 200 records A masters before
//      the split (gen 1 on A); side BC, which has no copy of them, creates
//      them and writes them 20 times (gen 20 on B or C, not a replica after
//      the heal, so only a merge brings that copy back);
//   4. migrations are paused on all three (set-config migrate-threads 0) and
//      the blocks are cleared; once all three report one cluster of size 3
//      (migrations pending), a client writes each W record once (v 'H'):
//      these writes land while the sides' copies are not merged yet, and an
//      acknowledged one must not be lost to BC's higher generation; the same
//      for every W1 record in rf1 (A is its acting master, its copy gen 1:
//      duplicate resolution must fetch BC's gen-20 copy before the write);
//      migrations resume (migrate-threads 1); cluster-stable:size=3 within
//      120 s;
//   5. X has A's version (v 'A2', gen 3: the higher generation won), Y has
//      BC's (v 'BCY', gen 2), W has its latest acknowledged heal write (or a
//      later one that failed at the client), every other record is untouched
//      (v 'base', gen 1); checked through a client and by reading every record
//      from each of A, B and C directly over the wire (a node that is not the
//      owner must still answer), and by one batch of all records sent to each
//      node (rows it does not serve are proxied); partitions balanced, objects
//      sum to 2,000 (RF2); no node died, no critical log line.
//
// Environment: ASD_BIN, COMPAT_KEEP_TMP=1, SPLIT_KEYS (2000), SPLIT_SET_SIZE
// (200), SPLIT_W_LEAD (20), SPLIT_TIMEOUT_S (540).

const K = require('./cluster_kit')
const { assert, log, step } = K

const kName = 'cluster_split'
const kKeys = Number(process.env.SPLIT_KEYS || 2000)
const kSetSize = Number(process.env.SPLIT_SET_SIZE || 200)
const kWLead = Number(process.env.SPLIT_W_LEAD || 20)
const kHealWriters = 8
const kTimeoutS = Number(process.env.SPLIT_TIMEOUT_S || 540)
const kNs = 'test'
const kNs1 = 'rf1'
const kSet = 'split'
const kFormMs = 10000
const kMigrateMs = 120000
const kEmptyStableMs = 30000
const kFirstWriteMs = 30000

// The partitions of `ns` a node holds in any column of its `replicas` answer.
function heldPartitions (answer, ns) {
  const held = new Set()
  for (const col of K.parseReplicas(answer, ns)) for (const p of col) held.add(p)
  return held
}

async function main () {
  const A = K.aerospike()
  const op = A.operations
  const keyOf = k => new A.Key(kNs, kSet, k)

  const cluster = new K.Cluster({
    clusterName: 'split',
    serviceExtra: ['enable-fault-injection true'],  // the split is made with cluster-block-nodes
    namespaces: [{ name: kNs, replicationFactor: 2, conflictResolution: 'generation' },
      { name: kNs1, replicationFactor: 1, conflictResolution: 'generation' }]
  })
  log(`asd ${K.kAsdBin}; ${kKeys} records, sets X and Y of ${kSetSize}`)

  const [nA, nB, nC] = await step('start 3 asd nodes (one mesh seed each)', () => cluster.start(3))
  const all = [nA, nB, nC]
  const key3 = await step(`one cluster of size 3 within ${kFormMs / 1000} s`, () => cluster.waitClusterSize(all, 3, kFormMs))
  await step('cluster-stable:size=3 within 30 s (empty: nothing to migrate)', () => cluster.waitStable(all, 3, kEmptyStableMs))

  await step(`write ${kKeys} records (v 'base', gen 1) through a client seeded with A`, async () => {
    const c = await K.connect([nA])
    await K.waitClientNodes(c, 3, kFormMs)
    const errors = []
    await K.parallel(kKeys, 64, async k => {
      try {
        const r = await c.operate(keyOf(k), [op.write('k', k), op.write('v', 'base')], {}, K.policy())
        if (r.gen !== 1) errors.push(`key ${k}: gen ${r.gen}`)
      } catch (e) { errors.push(`key ${k}: ${K.describeError(e)}`) }
    })
    try { await c.close() } catch (_) {}
    assert.ok(errors.length === 0, `${errors.length} writes failed; first: ${errors.slice(0, 5).join(' | ')}`)
  })

  // ---- sets X and Y
  const held = await step('partitions node A holds (replicas)', async () => {
    const h = heldPartitions(await nA.info('replicas'), kNs)
    log(`A holds ${h.size} of 4096 partitions (master or replica)`)
    assert.ok(h.size > 0 && h.size < 4096, `A holds ${h.size} partitions; expected about 2/3 of 4096 with RF2 on 3 nodes`)
    return h
  })
  // X: records A holds. Y: half records A holds too (A keeps a stale gen-1
  // copy that must lose to BC's gen 2), half records A does not hold.
  const X = []
  const yOnA = []
  const yOffA = []
  const W = []
  for (let k = 0; k < kKeys; k++) {
    const onA = held.has(K.partitionOf(K.digestOf(kSet, k)))
    if (onA && X.length < kSetSize) X.push(k)
    else if (onA && yOnA.length < kSetSize / 2) yOnA.push(k)
    else if (onA && W.length < 3 * kSetSize) W.push(k)
    else if (!onA && yOffA.length < kSetSize - kSetSize / 2) yOffA.push(k)
  }
  assert.equal(W.length, 3 * kSetSize, `only ${W.length} records for set W`)
  const keyOf1 = k => new A.Key(kNs1, kSet, k)
  const W1 = await step(`namespace ${kNs1}: ${kSetSize} records A masters written (gen 1)`, async () => {
    const masters = K.parseReplicas(await nA.info('replicas'), kNs1)[0]
    const keys = []
    for (let k = 0; k < kKeys && keys.length < kSetSize; k++) if (masters.has(K.partitionOf(K.digestOf(kSet, k)))) keys.push(k)
    assert.equal(keys.length, kSetSize, `A masters only ${keys.length} of the first ${kKeys} keys in ${kNs1}`)
    const c = await K.connect([nA])
    await K.waitClientNodes(c, 3, kFormMs)
    await K.parallel(keys.length, 32, async i => { await c.operate(keyOf1(keys[i]), [op.write('k', keys[i]), op.write('v', 'base')], {}, K.policy()) })
    try { await c.close() } catch (_) {}
    return keys
  })
  const Y = yOnA.concat(yOffA)
  assert.equal(X.length + yOnA.length, kSetSize + kSetSize / 2, `only ${X.length + yOnA.length} records in partitions A holds`)
  assert.equal(Y.length, kSetSize, `only ${Y.length} records for set Y`)
  log(`set X: ${X.length} records held by A (${X.slice(0, 5).join(',')}...); set Y: ${yOnA.length} held by A (${yOnA.slice(0, 3).join(',')}...) + ${yOffA.length} not (${yOffA.slice(0, 3).join(',')}...)`)

  // ---- split
  await step('split {A} | {B,C}: cluster-block-nodes on all three', async () => {
    await nA.block([nB, nC])
    await nB.block([nA])
    await nC.block([nA])
  })
  const [keyA, keyBC] = await step(`A alone reaches size 1, B and C size 2, within ${kFormMs / 1000} s, different keys`, async () => {
    const ka = await cluster.waitClusterSize([nA], 1, kFormMs)
    const kbc = await cluster.waitClusterSize([nB, nC], 2, kFormMs)
    assert.notEqual(ka, kbc, 'both sides report the same cluster_key')
    assert.notEqual(kbc, key3, 'B/C kept the 3-node cluster_key')
    return [ka, kbc]
  })
  log(`side A: cluster_key ${keyA}; side BC: cluster_key ${keyBC}`)
  await step('each side is stable (cluster-stable:size=1 on A, size=2 on B and C)', async () => {
    await cluster.waitStable([nA], 1, kMigrateMs)
    await cluster.waitStable([nB, nC], 2, kMigrateMs)
  })

  // Writes (k, v) through client c; retries the whole command until it
  // succeeds when `untilOk` (the client may still route by the old map).
  async function sideWrite (c, k, v, untilOk) {
    const end = Date.now() + (untilOk ? kFirstWriteMs : 0)
    let tries = 0
    for (;;) {
      tries++
      try {
        const r = await c.operate(keyOf(k), [op.write('k', k), op.write('v', v)], {}, K.policy())
        return { gen: r.gen, tries }
      } catch (e) {
        if (Date.now() > end) throw new Error(`key ${k} v ${v}: ${K.describeError(e)} (after ${tries} tries)`)
        await K.sleep(250)
      }
    }
  }

  // Runs writes of (k, v) for keys with 32 in flight; checks every ack's gen.
  async function sideLoad (c, keys, v, gen) {
    const errors = []
    await K.parallel(keys.length, 32, async i => {
      try {
        const r = await sideWrite(c, keys[i], v, false)
        if (r.gen !== gen) errors.push(`key ${keys[i]} v ${v}: acked with gen ${r.gen}, want ${gen}`)
      } catch (e) { errors.push(e.message) }
    })
    assert.ok(errors.length === 0, `${errors.length} of ${keys.length} failed; first: ${errors.slice(0, 5).join(' | ')}`)
  }

  // ---- side A
  const cA = await step('client seeded with A only knows only A', async () => {
    const c = await K.connect([nA])
    await K.sleep(1000) // a tend round or more: would discover peers if A listed any
    const names = c.getNodes().map(x => x.name)
    assert.deepEqual(names, [nA.reportedId], `client seeded with A knows ${names.join(',')}; A's peers-clear-std: ${await nA.info('peers-clear-std')}`)
    return c
  })
  await step("side A: the first write of set X succeeds (retried up to 30 s while the client's map catches up)", async () => {
    const r = await sideWrite(cA, X[0], 'A1', true)
    log(`first write on side A took ${r.tries} tries`)
    assert.equal(r.gen, 2, `key ${X[0]}: gen ${r.gen} after the first write on A, want 2 (A held it with gen 1)`)
  })
  await step("side A: set X written to v 'A1' (gen 2), then 'A2' (gen 3)", async () => {
    await sideLoad(cA, X.slice(1), 'A1', 2)
    await sideLoad(cA, X, 'A2', 3)
  })
  try { await cA.close() } catch (_) {}

  // ---- side BC
  const cBC = await step('client seeded with B only knows only B and C', async () => {
    const c = await K.connect([nB])
    await K.waitClientNodes(c, 2, kFormMs)
    await K.sleep(1000)
    const names = c.getNodes().map(x => x.name).sort()
    assert.deepEqual(names, [nB.reportedId, nC.reportedId].sort(), `client seeded with B knows ${names.join(',')}; B's peers-clear-std: ${await nB.info('peers-clear-std')}`)
    return c
  })
  await step('side BC: the first write of set X succeeds (retried up to 30 s)', async () => {
    const r = await sideWrite(cBC, X[0], 'BC', true)
    log(`first write on side BC took ${r.tries} tries`)
    assert.equal(r.gen, 2, `key ${X[0]}: gen ${r.gen} after the first write on BC, want 2`)
  })
  await step("side BC: set X written once to v 'BC' (gen 2), set Y once to 'BCY' (gen 2)", async () => {
    await sideLoad(cBC, X.slice(1), 'BC', 2)
    await sideLoad(cBC, Y, 'BCY', 2)
  })
  await step(`side BC: set W written ${kWLead} times (gen ${kWLead + 1}); ${kNs1} set W1 created and written ${kWLead} times (gen ${kWLead})`, async () => {
    for (let i = 1; i <= kWLead; i++) await sideLoad(cBC, W, 'BCW', i + 1)
    const errors = []
    for (let i = 1; i <= kWLead; i++) {
      await K.parallel(W1.length, 32, async j => {
        try {
          const r = await cBC.operate(keyOf1(W1[j]), [op.write('k', W1[j]), op.write('v', 'BCW')], {}, K.policy())
          if (r.gen !== i) errors.push(`key ${W1[j]}: gen ${r.gen}, want ${i}`)
        } catch (e) { errors.push(`key ${W1[j]}: ${K.describeError(e)}`) }
      })
    }
    assert.ok(errors.length === 0, `${errors.length} W1 writes wrong; first: ${errors.slice(0, 5).join(' | ')}`)
  })
  try { await cBC.close() } catch (_) {}
  const cH = await step('a client seeded with all three nodes (used only once they form one cluster)', () => K.connect([nA, nB, nC]))

  // ---- heal
  await step('migrations paused on all three: set-config:context=service;migrate-threads=0', async () => {
    for (const n of all) assert.equal(await n.info('set-config:context=service;migrate-threads=0'), 'ok')
  })
  await step('heal: cluster-block-nodes:nodes= (cleared) on all three', async () => {
    for (const n of all) await n.block([])
  })
  const key3b = await step(`one cluster of size 3 within ${kFormMs / 1000} s`, () => cluster.waitClusterSize(all, 3, kFormMs, { poll: 10 }))
  log(`cluster_key ${key3b}`)
  // Per W key: whether its heal write was acknowledged, or failed (then it
  // may or may not have been applied).
  const wAcked = new Set()
  const wFailed = new Set()
  await step('the merge is held: migrate_partitions_remaining > 0 on some node', async () => {
    await K.sleep(300)
    const left = await Promise.all(all.map(async n => Number((await n.stats()).migrate_partitions_remaining)))
    log(`migrate_partitions_remaining: ${all.map((n, i) => `${n.name}=${left[i]}`).join(' ')}`)
    assert.ok(left.some(x => x > 0), 'no migration pending: the heal writes would not test writes during a merge')
  })
  await step(`heal writes: each of the ${W.length} W and ${W1.length} W1 (${kNs1}) records written once while the copies are not merged`, async () => {
    const t0 = Date.now()
    let next = 0
    const errors = new Map()
    const jobs = [...W.map(k => [k, keyOf(k), `${kNs}/${k}`]), ...W1.map(k => [k, keyOf1(k), `${kNs1}/${k}`])]
    async function healWriter () {
      while (next < jobs.length) {
        const [k, key, id] = jobs[next++]
        try {
          await cH.operate(key, [op.write('k', k), op.write('v', 'H')], {}, K.policy())
          wAcked.add(id)
        } catch (e) {
          wFailed.add(id)
          const d = K.describeError(e)
          errors.set(d, (errors.get(d) || 0) + 1)
        }
      }
    }
    await Promise.all(Array.from({ length: kHealWriters }, healWriter))
    log(`heal writes: ${wAcked.size} acked, ${wFailed.size} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s${errors.size ? `: ${[...errors].map(([d, n]) => `${n} x ${d}`).join('; ')}` : ''}`)
    const st = await Promise.all(all.map(n => n.stats()))
    log(`duplicate resolutions (dupres_requests): ${all.map((n, i) => `${n.name}=${st[i].dupres_requests}`).join(' ')}`)
    assert.ok(wAcked.size > 0, 'no heal write was acknowledged')
  })
  try { await cH.close() } catch (_) {}
  await step('migrations resume on all three: migrate-threads=1', async () => {
    for (const n of all) assert.equal(await n.info('set-config:context=service;migrate-threads=1'), 'ok')
  })
  await step(`cluster-stable:size=3 (migrations finished) within ${kMigrateMs / 1000} s`, () => cluster.waitStable(all, 3, kMigrateMs))

  const inX = new Set(X)
  const inY = new Set(Y)
  const inW = new Set(W)
  const want = k => inX.has(k) ? { v: 'A2', gen: 3 } : inY.has(k) ? { v: 'BCY', gen: 2 } : { v: 'base', gen: 1 }
  const where = k => inX.has(k) ? 'X' : inY.has(k) ? 'Y' : inW.has(k) ? 'W' : 'other'
  // W and W1: 'H' where the heal write was acked; 'H' or BC's 'BCW' where it failed.
  function wrongHeal (id, r) {
    const ok = wAcked.has(id) ? ['H'] : ['H', 'BCW']
    return ok.includes(r.bins.v) ? null : `got v ${JSON.stringify(r.bins.v)} gen ${r.gen}, want v ${ok.join(' or ')}${wAcked.has(id) ? ' (the heal write was acknowledged)' : ''}`
  }
  function wrong (k, r) {
    if (r.bins.k !== k) return `bin k=${r.bins.k}`
    if (inW.has(k)) return wrongHeal(`${kNs}/${k}`, r)
    const w = want(k)
    return r.bins.v === w.v && r.gen === w.gen ? null : `got v ${JSON.stringify(r.bins.v)} gen ${r.gen}, want v '${w.v}' gen ${w.gen}`
  }

  await step("through a client: X has A's version (gen 3), Y has BC's (gen 2), W its latest heal write, the rest untouched", async () => {
    const c = await K.connect([nA, nB, nC])
    await K.waitClientNodes(c, 3, kFormMs)
    const keys = Array.from({ length: kKeys }, (_, k) => k)
    const rows = await K.batchReadAll(c, keys.map(keyOf))
    const problems = []
    for (let k = 0; k < kKeys; k++) {
      const row = rows[k]
      if (row.status !== A.status.OK) { problems.push(`key ${k} (${where(k)}): status ${row.status}`); continue }
      const bad = wrong(k, row.record)
      if (bad) problems.push(`key ${k} (${where(k)}): ${bad}`)
    }
    try { await c.close() } catch (_) {}
    assert.ok(problems.length === 0, `${problems.length} of ${kKeys} records wrong; first: ${problems.slice(0, 6).join(' | ')}`)
  })

  for (const n of all) {
    await step(`every record read directly from node ${n.name} over the wire is right`, async () => {
      const problems = []
      await K.parallel(kKeys, 16, async k => {
        try {
          const r = await n.rawGet(kNs, kSet, k)
          const bad = r.result === 0 ? wrong(k, r) : `result code ${r.result}`
          if (bad) problems.push(`key ${k} (${where(k)}): ${bad}`)
        } catch (e) { problems.push(`key ${k}: ${e.message}`) }
      })
      assert.ok(problems.length === 0, `node ${n.label}: ${problems.length} of ${kKeys} wrong; first: ${problems.slice(0, 6).join(' | ')}`)
    })
  }

  for (const n of all) {
    await step(`one batch of all ${kKeys} records sent to node ${n.name} answers every row right (rows it does not serve are proxied)`, async () => {
      const before = Number((await n.stats()).proxy_initiated)
      const rows = await n.rawBatchGet(kNs, kSet, Array.from({ length: kKeys }, (_, k) => k))
      const problems = []
      rows.forEach((r, k) => {
        const bad = r.result === 0 ? wrong(k, r) : `result code ${r.result}`
        if (bad) problems.push(`key ${k} (${where(k)}): ${bad}`)
      })
      const proxied = Number((await n.stats()).proxy_initiated) - before
      log(`batch at ${n.name}: ${proxied} rows proxied`)
      assert.ok(problems.length === 0, `node ${n.label}: ${problems.length} of ${kKeys} rows wrong; first: ${problems.slice(0, 6).join(' | ')}`)
      assert.ok(proxied > 0, `node ${n.name} proxied no row, yet with RF2 on 3 nodes it serves about 2/3 of the partitions`)
    })
  }

  await step(`${kNs1}: every W1 record has its heal write where it was acknowledged`, async () => {
    const c = await K.connect([nA, nB, nC])
    await K.waitClientNodes(c, 3, kFormMs)
    const rows = await K.batchReadAll(c, W1.map(keyOf1))
    try { await c.close() } catch (_) {}
    const problems = []
    rows.forEach((row, j) => {
      if (row.status !== A.status.OK) problems.push(`key ${W1[j]}: status ${row.status}`)
      else {
        const bad = row.record.bins.k !== W1[j] ? `bin k=${row.record.bins.k}` : wrongHeal(`${kNs1}/${W1[j]}`, row.record)
        if (bad) problems.push(`key ${W1[j]}: ${bad}`)
      }
    })
    assert.ok(problems.length === 0, `${problems.length} of ${W1.length} W1 records wrong; first: ${problems.slice(0, 5).join(' | ')}`)
  })

  await step(`partitions balanced (5%); master_objects and prole_objects each sum to ${kKeys}`, () =>
    cluster.checkBalance(all, kNs, 2, { records: kKeys }))
  await step('no node died unexpectedly; no critical log line', () => cluster.checkHealthy())
}

K.run(kName, main, kTimeoutS)
