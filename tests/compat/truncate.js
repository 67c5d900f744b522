'use strict'
// truncate: client.truncate() of a set and of a set before a given time;
// whole-namespace truncation and the raw info commands (wire-protocol.md §2.6).
const { Aerospike, assert, connect, check, eventually, expectError, parallel, rawInfo, sleep, run } = require('./common')

const { Key } = Aerospike
const ns = 'test'
const N = 200

async function main () {
  const client = await connect()
  const count = async (namespace, set) => {
    let n = 0
    await new Promise((resolve, reject) => {
      const s = client.scan(namespace, set).foreach()
      s.on('data', () => n++)
      s.on('error', reject)
      s.on('end', resolve)
    })
    return n
  }
  const fill = (namespace, set, n, prefix = 'k') =>
    parallel(n, 50, i => client.put(new Key(namespace, set, `${prefix}${i}`), { i, set }))

  await check(`setup: ${N} records each in test/setA, test/setB, bar/setA`, async () => {
    await fill(ns, 'setA', N)
    await fill(ns, 'setB', N)
    await fill('bar', 'setA', N)
    assert.equal(await count(ns, 'setA'), N)
    assert.equal(await count(ns, 'setB'), N)
    assert.equal(await count('bar', 'setA'), N)
  })

  await check("truncate('test', 'setA', 0) empties setA only", async () => {
    await sleep(10) // the real server keeps records whose last-update ms == truncate ms
    await client.truncate(ns, 'setA', 0)
    const left = await eventually(async () => (await count(ns, 'setA')) === 0, 5000)
    assert.ok(left, `setA still has ${await count(ns, 'setA')} records 5 s after truncate`)
    await expectError(client.get(new Key(ns, 'setA', 'k0')), 2, 'get of a truncated record')
    assert.equal(await client.exists(new Key(ns, 'setA', `k${N - 1}`)), false)
    assert.equal(await count(ns, 'setB'), N, 'setB must be intact')
    assert.equal(await count('bar', 'setA'), N, 'bar/setA (other namespace) must be intact')
    assert.equal((await client.get(new Key(ns, 'setB', 'k7'))).bins.i, 7)
  })

  await check('sets info shows objects=0 for the truncated set', async () => {
    const sets = Aerospike.info.parse(await client.infoAny('sets/test/setA'))['sets/test/setA']
    assert.equal(sets.objects, 0, JSON.stringify(sets))
  })

  await check('writes after the truncate are kept (new record, gen 1)', async () => {
    await sleep(20) // the truncate time is "now" on the server, to the millisecond
    const k = new Key(ns, 'setA', 'k1')
    await client.put(k, { after: true })
    const r = await client.get(k)
    assert.deepEqual(r.bins, { after: true })
    assert.equal(r.gen, 1)
    await sleep(200)
    assert.equal(await count(ns, 'setA'), 1)
  })

  await check('truncate with a before-time removes only older records', async () => {
    await fill(ns, 'setC', 20, 'old')
    await sleep(100)
    const cutNanos = Date.now() * 1000000
    await sleep(100)
    await fill(ns, 'setC', 10, 'new')
    await client.truncate(ns, 'setC', cutNanos)
    const ok = await eventually(async () => (await count(ns, 'setC')) === 10, 5000)
    assert.ok(ok, `setC has ${await count(ns, 'setC')} records, expected the 10 new ones`)
    assert.equal(await client.exists(new Key(ns, 'setC', 'old0')), false)
    assert.equal(await client.exists(new Key(ns, 'setC', 'new0')), true)
  })

  await check("info 'truncate:namespace=test;set=x' answers ok", async () => {
    await fill(ns, 'x', 5)
    await sleep(10)
    const cmd = 'truncate:namespace=test;set=x'
    assert.equal(await client.infoAny(cmd), `${cmd}\tok\n`)
    assert.ok(await eventually(async () => (await count(ns, 'x')) === 0, 5000), 'set x not emptied')
  })

  await check("info 'truncate' of a set that does not exist answers ok", async () => {
    const cmd = 'truncate:namespace=test;set=never_written'
    assert.equal(await client.infoAny(cmd), `${cmd}\tok\n`)
  })

  await check("raw 'truncate:namespace=bar;set=' (empty set) answers ERROR:4 and deletes nothing", async () => {
    // Whole-namespace truncation goes through info below: the 6.7.1 binding's
    // client.truncate(ns, null) passes an uninitialised set-name buffer, so it
    // sends "set=" or "set=<garbage>" nondeterministically.
    await fill('bar', 'setZ', 10)
    await sleep(10)
    const raw = await rawInfo('truncate:namespace=bar;set=\n')
    assert.match(raw, /^truncate:namespace=bar;set=\tERROR:4:[^\n]*\n$/)
    await sleep(200)
    assert.equal(await count('bar', 'setZ'), 10, 'a rejected truncate must not delete anything')
  })

  await check("info 'truncate-namespace:namespace=bar' empties bar, test untouched", async () => {
    await sleep(10)
    const cmd = 'truncate-namespace:namespace=bar'
    assert.equal(await client.infoAny(cmd), `${cmd}\tok\n`)
    const ok = await eventually(async () => (await count('bar')) === 0, 5000)
    assert.ok(ok, `bar still has ${await count('bar')} records`)
    assert.equal(await count(ns, 'setB'), N)
  })

  await check("info 'truncate-namespace:namespace=test' empties test", async () => {
    await sleep(10)
    const cmd = 'truncate-namespace:namespace=test'
    assert.equal(await client.infoAny(cmd), `${cmd}\tok\n`)
    const ok = await eventually(async () => (await count(ns)) === 0, 5000)
    assert.ok(ok, `test still has ${await count(ns)} records`)
    await expectError(client.get(new Key(ns, 'setB', 'k7')), 2, 'get after namespace truncate')
  })

  await check('the namespace accepts writes again after truncation', async () => {
    await sleep(20)
    await client.put(new Key(ns, 'setB', 'k7'), { back: 1 })
    assert.deepEqual((await client.get(new Key(ns, 'setB', 'k7'))).bins, { back: 1 })
  })

  await client.close()
}

run('truncate', main)
