'use strict'
// write_policies: exists policies, generation checks, TTL special values,
// remove/durable delete and touch, with the result codes of the real server
// (wire-protocol.md §3.4, §7.2, §7.4, §7.5).
const { Aerospike, assert, connect, check, expectError, parallel, policy, run } = require('./common')

const { Key } = Aerospike
const exists = Aerospike.policy.exists
const gen = Aerospike.policy.gen
const ns = 'test'
const set = 'wpol'
let seq = 0
const freshKey = tag => new Key(ns, set, `${tag}-${process.pid}-${seq++}`)

async function main () {
  const client = await connect()
  const put = (key, bins, meta = {}, extra = {}) => client.put(key, bins, meta, policy(extra))

  await check('exists CREATE: creates a missing record; second put fails with 5', async () => {
    const k = freshKey('create')
    await put(k, { a: 1 }, {}, { exists: exists.CREATE })
    await expectError(put(k, { a: 2 }, {}, { exists: exists.CREATE }), 5, 'second CREATE')
    assert.deepEqual((await client.get(k)).bins, { a: 1 })
  })

  await check('exists UPDATE: missing record fails with 2; existing record merges bins', async () => {
    const k = freshKey('update')
    await expectError(put(k, { a: 1 }, {}, { exists: exists.UPDATE }), 2, 'UPDATE on missing')
    assert.equal(await client.exists(k), false, 'failed UPDATE must not create the record')
    await put(k, { a: 1, b: 2 })
    await put(k, { b: 3, c: 4 }, {}, { exists: exists.UPDATE })
    const r = await client.get(k)
    assert.deepEqual(r.bins, { a: 1, b: 3, c: 4 })
    assert.equal(r.gen, 2)
  })

  await check('exists REPLACE: missing record fails with 2; existing record loses other bins', async () => {
    const k = freshKey('replace')
    await expectError(put(k, { a: 1 }, {}, { exists: exists.REPLACE }), 2, 'REPLACE on missing')
    await put(k, { a: 1, b: 2 })
    await put(k, { c: 3 }, {}, { exists: exists.REPLACE })
    const r = await client.get(k)
    assert.deepEqual(r.bins, { c: 3 })
    assert.equal(r.gen, 2)
  })

  await check('exists CREATE_OR_REPLACE: creates, then replaces all bins', async () => {
    const k = freshKey('cor')
    await put(k, { a: 1, b: 2 }, {}, { exists: exists.CREATE_OR_REPLACE })
    assert.deepEqual((await client.get(k)).bins, { a: 1, b: 2 })
    await put(k, { z: 26 }, {}, { exists: exists.CREATE_OR_REPLACE })
    const r = await client.get(k)
    assert.deepEqual(r.bins, { z: 26 })
    assert.equal(r.gen, 2)
  })

  await check('exists IGNORE (default): creates and merges', async () => {
    const k = freshKey('ignore')
    await put(k, { a: 1 }, {}, { exists: exists.IGNORE })
    await put(k, { b: 2 }, {}, { exists: exists.IGNORE })
    assert.deepEqual((await client.get(k)).bins, { a: 1, b: 2 })
  })

  await check('generation EQ: matching gen writes, stale gen fails with 3', async () => {
    const k = freshKey('geneq')
    await put(k, { v: 1 })
    await put(k, { v: 2 })
    const r = await client.get(k)
    assert.equal(r.gen, 2)
    await put(k, { v: 3 }, { gen: 2 }, { gen: gen.EQ })
    await expectError(put(k, { v: 4 }, { gen: 2 }, { gen: gen.EQ }), 3, 'EQ with stale gen 2 (record gen 3)')
    await expectError(put(k, { v: 4 }, { gen: 9 }, { gen: gen.EQ }), 3, 'EQ with gen 9 (record gen 3)')
    const after = await client.get(k)
    assert.equal(after.bins.v, 3)
    assert.equal(after.gen, 3)
  })

  await check('generation GT: only a larger gen writes, equal/smaller fail with 3', async () => {
    const k = freshKey('gengt')
    await put(k, { v: 1 })
    await put(k, { v: 2 }) // gen 2
    await expectError(put(k, { v: 9 }, { gen: 2 }, { gen: gen.GT }), 3, 'GT with equal gen')
    await expectError(put(k, { v: 9 }, { gen: 1 }, { gen: gen.GT }), 3, 'GT with smaller gen')
    await put(k, { v: 3 }, { gen: 5 }, { gen: gen.GT })
    const r = await client.get(k)
    assert.equal(r.bins.v, 3)
    assert.equal(r.gen, 3)
  })

  await check('generation EQ on remove: stale gen fails with 3, matching gen removes', async () => {
    const k = freshKey('genrm')
    await put(k, { v: 1 })
    await expectError(client.remove(k, policy({ gen: gen.EQ, generation: 7 })), 3, 'remove with stale gen')
    await client.remove(k, policy({ gen: gen.EQ, generation: 1 }))
    assert.equal(await client.exists(k), false)
  })

  await check('ttl -1 (NEVER_EXPIRE): ttl reads back -1', async () => {
    const k = freshKey('ttlnever')
    await put(k, { a: 1 }, { ttl: Aerospike.ttl.NEVER_EXPIRE })
    assert.equal((await client.get(k)).ttl, -1)
  })

  await check('ttl N seconds: ttl reads back about N', async () => {
    const k = freshKey('ttln')
    await put(k, { a: 1 }, { ttl: 3600 })
    const r = await client.get(k)
    assert.ok(r.ttl >= 3590 && r.ttl <= 3600, `ttl ${r.ttl}`)
  })

  await check('ttl -2 (DONT_UPDATE): an update keeps the previous ttl', async () => {
    const k = freshKey('ttlkeep')
    await put(k, { a: 1 }, { ttl: 5000 })
    await put(k, { b: 2 }, { ttl: Aerospike.ttl.DONT_UPDATE })
    const r = await client.get(k)
    assert.ok(r.ttl >= 4990 && r.ttl <= 5000, `ttl ${r.ttl} (expected ~5000 kept)`)
    assert.deepEqual(r.bins, { a: 1, b: 2 })
    assert.equal(r.gen, 2)
  })

  await check('ttl -2 (DONT_UPDATE) on a never-expiring record keeps -1', async () => {
    const k = freshKey('ttlkeepnever')
    await put(k, { a: 1 }, { ttl: Aerospike.ttl.NEVER_EXPIRE })
    await put(k, { a: 2 }, { ttl: Aerospike.ttl.DONT_UPDATE })
    assert.equal((await client.get(k)).ttl, -1)
  })

  await check('ttl -2 (DONT_UPDATE) on a new record uses the namespace default (never)', async () => {
    const k = freshKey('ttlkeepnew')
    await put(k, { a: 1 }, { ttl: Aerospike.ttl.DONT_UPDATE })
    assert.equal((await client.get(k)).ttl, -1)
  })

  await check('ttl 0 (NAMESPACE_DEFAULT): default-ttl 0 means never expire, even after a ttl', async () => {
    const k = freshKey('ttldef')
    await put(k, { a: 1 }, { ttl: 100 })
    await put(k, { a: 2 }, { ttl: Aerospike.ttl.NAMESPACE_DEFAULT })
    assert.equal((await client.get(k)).ttl, -1)
  })

  await check('ttl above 10 years fails with 4', async () => {
    const k = freshKey('ttlbig')
    await expectError(put(k, { a: 1 }, { ttl: 315360001 }), 4, 'ttl 315360001')
    assert.equal(await client.exists(k), false)
  })

  await check('remove: existing record goes away; missing record fails with 2', async () => {
    const k = freshKey('remove')
    await put(k, { a: 1 })
    await client.remove(k)
    assert.equal(await client.exists(k), false)
    await expectError(client.remove(k), 2, 'remove of a removed record')
    await expectError(client.remove(freshKey('never')), 2, 'remove of a never-written record')
  })

  await check('durable delete is accepted and removes the record', async () => {
    const k = freshKey('durable')
    await put(k, { a: 1 })
    await client.remove(k, policy({ durableDelete: true }))
    assert.equal(await client.exists(k), false)
    await put(k, { a: 2 })
    const r = await client.get(k)
    assert.equal(r.gen, 1, 'a re-created record starts at gen 1')
    assert.deepEqual(r.bins, { a: 2 })
  })

  await check('touch bumps generation and resets ttl, keeps bins', async () => {
    const k = freshKey('touch')
    await put(k, { a: 1 }, { ttl: 100 })
    await client.operate(k, [Aerospike.operations.touch(7200)], {}, policy())
    const r = await client.get(k)
    assert.equal(r.gen, 2)
    assert.ok(r.ttl >= 7190 && r.ttl <= 7200, `ttl ${r.ttl}`)
    assert.deepEqual(r.bins, { a: 1 })
  })

  await check('touch of a missing record fails with 2', async () => {
    const k = freshKey('touchmissing')
    await expectError(client.operate(k, [Aerospike.operations.touch(100)], {}, policy()), 2, 'touch missing')
    assert.equal(await client.exists(k), false)
  })

  await check('generation wraps from 65535 to 1 (never 0)', async () => {
    const k = freshKey('genwrap')
    await put(k, { n: 0 }) // gen 1
    // 65534 more writes (50 in flight; the server serialises them per record).
    await parallel(65534, 50, () => client.operate(k, [Aerospike.operations.incr('n', 1)], {}, policy()))
    const r = await client.get(k)
    assert.equal(r.bins.n, 65534)
    assert.equal(r.gen, 65535)
    const wrapped = await client.operate(k, [Aerospike.operations.incr('n', 1)], {}, policy())
    assert.equal(wrapped.gen, 1)
    assert.equal((await client.get(k)).gen, 1)
  })

  await client.close()
}

run('write_policies', main, 200000)
