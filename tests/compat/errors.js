'use strict'
// errors: error paths the official client exercises, each answered with the
// real server's result code (wire-protocol.md §7.5), and the server keeps
// serving afterwards.
const { Aerospike, assert, connect, check, expectError, policy, rawInfo, run } = require('./common')

const { Key, GeoJSON } = Aerospike
const ns = 'test'
const set = 'errors'

async function main () {
  const client = await connect()

  await check('unknown namespace: client fails locally with 20', async () => {
    const k = new Key('nosuchns', set, 'k')
    await expectError(client.put(k, { a: 1 }), 20, 'put to nosuchns')
    await expectError(client.get(k), 20, 'get from nosuchns')
  })

  await check('record over max-record-size (2 MB blob, default 1M) fails with 13', async () => {
    const k = new Key(ns, set, 'too-big')
    await expectError(client.put(k, { b: Buffer.alloc(2 * 1024 * 1024, 1) }), 13, '2 MB put')
    assert.equal(await client.exists(k), false, 'a rejected record must not exist')
  })

  await check('growing an existing record past max-record-size fails with 13 and keeps it', async () => {
    const k = new Key(ns, set, 'grow')
    await client.put(k, { a: Buffer.alloc(600 * 1024, 2) })
    await expectError(client.put(k, { b: Buffer.alloc(600 * 1024, 3) }), 13, 'second 600 KB bin')
    const r = await client.get(k)
    assert.deepEqual(Object.keys(r.bins), ['a'])
    assert.equal(r.gen, 1)
  })

  await check('a record just under the limit (900 KB) is accepted', async () => {
    const k = new Key(ns, set, 'fits')
    await client.put(k, { b: Buffer.alloc(900 * 1024, 4) })
    assert.equal((await client.get(k)).bins.b.length, 900 * 1024)
  })

  await check('bin name of 16 chars fails (client-side param error or server 21)', async () => {
    const k = new Key(ns, set, 'long-bin')
    const err = await expectError(client.put(k, { abcdefghijklmnop: 1 }), [21, -2, -1, 4], '16-char bin name')
    console.log(`(code ${err.code}) `)
    assert.equal(await client.exists(k), false)
  })

  await check('bin name of exactly 15 chars is fine', async () => {
    const k = new Key(ns, set, 'bin15')
    await client.put(k, { abcdefghijklmno: 15 })
    assert.equal((await client.get(k)).bins.abcdefghijklmno, 15)
  })

  await check('non-zero ttl in namespace bar (nsup-period 0, no allow-ttl-without-nsup) fails with 22', async () => {
    const k = new Key('bar', set, 'ttl-forbidden')
    await expectError(client.put(k, { a: 1 }, { ttl: 100 }), 22, 'ttl 100 in bar')
    assert.equal(await client.exists(k), false)
    await client.put(k, { a: 1 }, { ttl: Aerospike.ttl.NEVER_EXPIRE })
    await client.put(k, { a: 2 }) // namespace default (0) is allowed
    assert.equal((await client.get(k)).ttl, -1)
  })

  await check('invalid GeoJSON fails with 160', async () => {
    const k = new Key(ns, set, 'bad-geo')
    await expectError(client.put(k, { g: new GeoJSON('{"type":"Point","coordinates":"nope"}') }), 160, 'bad GeoJSON')
    assert.equal(await client.exists(k), false)
  })

  await check('generation mismatch fails with 3', async () => {
    const k = new Key(ns, set, 'gen')
    await client.put(k, { a: 1 })
    await expectError(client.put(k, { a: 2 }, { gen: 10 }, policy({ gen: Aerospike.policy.gen.EQ })), 3, 'gen EQ 10')
  })

  await check('create-only on an existing record fails with 5', async () => {
    const k = new Key(ns, set, 'gen')
    await expectError(client.put(k, { a: 2 }, {}, policy({ exists: Aerospike.policy.exists.CREATE })), 5, 'CREATE')
  })

  await check('error objects carry the server code and are AerospikeErrors', async () => {
    const err = await expectError(client.get(new Key(ns, set, 'never')), 2, 'get missing')
    assert.ok(err instanceof Aerospike.AerospikeError)
    assert.equal(err.isServerError(), true)
  })

  await check('malformed info commands answer ERROR, the connection survives', async () => {
    const raw = await rawInfo('get-config:context=nosuchcontext\n')
    assert.match(raw, /^get-config:context=nosuchcontext\tERROR:4:/)
    assert.equal(await rawInfo('status\n'), 'status\tok\n')
  })

  await check('after all errors the server still serves put/get normally', async () => {
    const k = new Key(ns, set, 'final')
    await client.put(k, { ok: 'yes', n: 1 })
    const r = await client.get(k)
    assert.deepEqual(r.bins, { ok: 'yes', n: 1 })
    assert.equal(await client.infoAny('status'), 'status\tok\n')
    const fresh = await connect()
    assert.equal((await fresh.get(k)).bins.ok, 'yes')
    await fresh.close()
  })

  await client.close()
}

run('errors', main)
