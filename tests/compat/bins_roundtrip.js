'use strict'
// bins_roundtrip: every particle type survives put/get through the official
// client; bin selection, header-only reads, generation, TTL, stored keys
// (policy.key SEND) and compressed requests. See wire-protocol.md §5.4, §7.
const { Aerospike, assert, connect, check, digestOf, policy, run } = require('./common')

const { Key, GeoJSON } = Aerospike
const ns = 'test'
const set = 'roundtrip'

const point = { type: 'Point', coordinates: [103.913, 1.308] }
const polygon = { type: 'Polygon', coordinates: [[[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]] }

const bins = {
  i: 42,
  neg: -123456789,
  zero: 0,
  maxsafe: Number.MAX_SAFE_INTEGER, // 2^53 - 1
  minsafe: Number.MIN_SAFE_INTEGER,
  big: 2n ** 63n - 1n, // int64 max, returned as BigInt
  f: 3.14159,
  fneg: -0.25,
  s: 'héllo wörld ✓ 日本語 🚀',
  empty: '',
  b: Buffer.from([0, 1, 2, 127, 128, 254, 255]),
  emptyb: Buffer.alloc(0),
  t: true,
  fa: false,
  l: [1, 'two', 3.5, [4, [5, 'six']], { k: 'v' }, Buffer.from([9, 8]), true, -7],
  el: [],
  m: { a: 1, b: 'str', c: { d: [1, 2, { e: 'f' }], g: -1.5 }, h: Buffer.from('xyz'), i: false },
  em: {},
  g: new GeoJSON(point),
  gp: new GeoJSON(polygon)
}

function checkBins (got, want) {
  for (const [name, value] of Object.entries(want)) {
    assert.ok(name in got, `bin ${name} missing; got bins ${Object.keys(got).join(',')}`)
    if (value instanceof GeoJSON) {
      // The client hands GeoJSON bins back as the JSON text the server stored.
      assert.equal(typeof got[name], 'string', `bin ${name}: expected GeoJSON text`)
      assert.equal(got[name], value.toString(), `bin ${name}`)
      assert.deepEqual(JSON.parse(got[name]), value.value(), `bin ${name}`)
    } else {
      assert.deepEqual(got[name], value, `bin ${name}`)
    }
  }
}

async function main () {
  const client = await connect()
  const key = new Key(ns, set, 'all-types')

  await check('put every bin type', async () => {
    await client.remove(key).catch(() => {})
    await client.put(key, bins)
  })

  const rec = await check('get returns every bin with the same value and type', async () => {
    const r = await client.get(key)
    assert.deepEqual(Object.keys(r.bins).sort(), Object.keys(bins).sort())
    checkBins(r.bins, bins)
    assert.equal(typeof r.bins.big, 'bigint')
    assert.equal(typeof r.bins.f, 'number')
    assert.equal(typeof r.bins.t, 'boolean')
    assert.ok(Buffer.isBuffer(r.bins.b))
    return r
  })

  await check('new record: gen 1, default-ttl 0 shows ttl -1 (never expires)', async () => {
    assert.equal(rec.gen, 1)
    assert.equal(rec.ttl, -1)
  })

  await check('integer-like doubles: Aerospike.Double(2.0) stored as a double, 2.5 stays a double', async () => {
    const k = new Key(ns, set, 'doubles')
    await client.put(k, { d: new Aerospike.Double(2.0), h: 2.5, n: -1e300, tiny: 5e-324 })
    const r = await client.get(k)
    assert.equal(r.bins.d, 2)
    assert.equal(r.bins.h, 2.5)
    assert.equal(r.bins.n, -1e300)
    assert.equal(r.bins.tiny, 5e-324)
  })

  await check('get selected bins returns only those (missing ones absent)', async () => {
    const r = await client.select(key, ['i', 's', 'nosuchbin'])
    assert.deepEqual(r.bins, { i: 42, s: bins.s })
    assert.equal(r.gen, 1)
  })

  await check('exists / existsWithMetadata (header only)', async () => {
    assert.equal(await client.exists(key), true)
    const meta = await client.existsWithMetadata(key)
    assert.equal(meta.gen, 1)
    assert.equal(meta.ttl, -1)
    assert.equal(meta.bins, null)
    assert.equal(await client.exists(new Key(ns, set, 'no-such-record')), false)
  })

  await check('get of a missing record fails with 2', async () => {
    try {
      await client.get(new Key(ns, set, 'no-such-record'))
      assert.fail('get of a missing record succeeded')
    } catch (e) {
      assert.equal(e.code, 2, `code ${e.code}: ${e.message}`)
    }
  })

  await check('second put increments gen and merges bins', async () => {
    await client.put(key, { extra: 'x' })
    const r = await client.get(key)
    assert.equal(r.gen, 2)
    assert.equal(r.bins.extra, 'x')
    assert.equal(r.bins.i, 42)
  })

  await check('writing null deletes a bin', async () => {
    await client.put(key, { extra: null, t: null })
    const r = await client.get(key)
    assert.equal(r.gen, 3)
    assert.ok(!('extra' in r.bins) && !('t' in r.bins), `bins: ${Object.keys(r.bins)}`)
    assert.equal(r.bins.fa, false)
  })

  await check('ttl: put with ttl 1000 reads back 990..1000', async () => {
    const k = new Key(ns, set, 'ttl1000')
    await client.put(k, { a: 1 }, { ttl: 1000 })
    const r = await client.get(k)
    assert.ok(r.ttl >= 990 && r.ttl <= 1000, `ttl ${r.ttl}`)
  })

  await check('integer, string and blob user keys map to distinct records', async () => {
    const ks = [new Key(ns, set, 77), new Key(ns, set, '77'), new Key(ns, set, Buffer.from('77'))]
    for (let i = 0; i < ks.length; i++) await client.put(ks[i], { which: i })
    for (let i = 0; i < ks.length; i++) assert.equal((await client.get(ks[i])).bins.which, i)
  })

  await check('key policy SEND: a query returns the stored user keys', async () => {
    const sendSet = 'roundtrip_sendkey'
    const send = policy({ key: Aerospike.policy.key.SEND })
    await client.put(new Key(ns, sendSet, 'user-key-1'), { v: 1 }, {}, send)
    await client.put(new Key(ns, sendSet, 12345), { v: 2 }, {}, send)
    await client.put(new Key(ns, sendSet, Buffer.from([1, 2, 3])), { v: 3 }, {}, send)
    await client.put(new Key(ns, sendSet, 'digest-only'), { v: 4 }) // default: digest only
    const results = await client.query(ns, sendSet).results()
    assert.equal(results.length, 4)
    const byV = Object.fromEntries(results.map(r => [r.bins.v, r.key]))
    assert.equal(byV[1].key, 'user-key-1')
    assert.equal(byV[2].key, 12345)
    assert.deepEqual(byV[3].key, Buffer.from([1, 2, 3]))
    assert.ok(byV[4].key === undefined || byV[4].key === null, `unexpected key ${byV[4].key}`)
    for (const r of results) {
      assert.equal(r.key.ns, ns)
      assert.equal(r.key.set, sendSet)
      assert.ok(Buffer.isBuffer(r.key.digest) && r.key.digest.length === 20)
    }
    assert.deepEqual(byV[1].digest, digestOf(sendSet, 'user-key-1'))
    assert.deepEqual(byV[2].digest, digestOf(sendSet, 12345))
  })

  await check('compressed put and get (compress: true, values > 128 bytes)', async () => {
    const k = new Key(ns, set, 'compressed')
    const big = {
      s: 'compress me '.repeat(200),
      b: Buffer.alloc(5000, 7),
      l: Array.from({ length: 300 }, (_, i) => `item-${i}`),
      m: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i * 1.5]))
    }
    await client.put(k, big, {}, policy({ compress: true, key: Aerospike.policy.key.SEND }))
    const r = await client.get(k, policy({ compress: true }))
    assert.deepEqual(r.bins, big)
    const plain = await client.get(k)
    assert.deepEqual(plain.bins, big)
    const sel = await client.select(k, ['s'], policy({ compress: true }))
    assert.equal(sel.bins.s, big.s)
  })

  await check('large string and blob bins (100 KB) round-trip', async () => {
    const k = new Key(ns, set, 'large')
    const s = 'x'.repeat(100 * 1024)
    const b = Buffer.alloc(100 * 1024)
    for (let i = 0; i < b.length; i++) b[i] = (i * 31) & 0xff
    await client.put(k, { s, b })
    const r = await client.get(k)
    assert.equal(r.bins.s, s)
    assert.ok(r.bins.b.equals(b), 'blob differs')
  })

  await client.close()
}

run('bins_roundtrip', main)
