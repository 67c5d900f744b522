'use strict'
// batch: batchRead / batchExists / batchGet / batchSelect across namespaces
// and sets, with per-row statuses (0 found, 2 not found) and a 1000-key batch
// (wire-protocol.md §8).
const { Aerospike, assert, connect, check, parallel, run } = require('./common')

const { Key } = Aerospike
const OK = Aerospike.status.OK
const NOT_FOUND = Aerospike.status.ERR_RECORD_NOT_FOUND

async function main () {
  const client = await connect()
  const kA = i => new Key('test', 'batchA', `a${i}`)
  const kB = i => new Key('test', 'batchB', i) // integer keys
  const kC = i => new Key('bar', 'batchC', `c${i}`)
  const kNoSet = i => new Key('test', null, `noset${i}`)

  await check('setup: records in test/batchA, test/batchB, bar/batchC, test/<no set>', async () => {
    for (let i = 0; i < 10; i++) {
      await client.put(kA(i), { n: i, s: `a${i}`, x: 'ax' })
      await client.put(kB(i), { n: i * 10, l: [i, i + 1] })
      await client.put(kC(i), { n: -i, m: { k: i } })
      await client.put(kNoSet(i), { n: i + 100 })
    }
  })

  await check('batchRead: mixed namespaces/sets, found and missing, all bins', async () => {
    const rows = [
      { key: kA(1), readAllBins: true },
      { key: new Key('test', 'batchA', 'missing'), readAllBins: true },
      { key: kC(2), readAllBins: true },
      { key: kB(3), readAllBins: true },
      { key: new Key('bar', 'batchC', 'missing'), readAllBins: true },
      { key: kNoSet(4), readAllBins: true },
      { key: new Key('test', 'batchB', 99), readAllBins: true }
    ]
    const res = await client.batchRead(rows)
    assert.equal(res.length, rows.length)
    assert.deepEqual(res.map(r => r.status), [OK, NOT_FOUND, OK, OK, NOT_FOUND, OK, NOT_FOUND])
    assert.deepEqual(res[0].record.bins, { n: 1, s: 'a1', x: 'ax' })
    assert.deepEqual(res[2].record.bins, { n: -2, m: { k: 2 } })
    assert.deepEqual(res[3].record.bins, { n: 30, l: [3, 4] })
    assert.deepEqual(res[5].record.bins, { n: 104 })
    for (const i of [0, 2, 3, 5]) {
      assert.equal(res[i].record.gen, 1, `row ${i} gen`)
      assert.equal(res[i].record.ttl, -1, `row ${i} ttl`)
    }
    for (let i = 0; i < rows.length; i++) {
      const got = res[i].record.key
      const want = rows[i].key
      assert.deepEqual([got.ns, got.set ?? null, got.key], [want.ns, want.set ?? null, want.key], `row ${i}: key order`)
    }
  })

  await check('batchRead: selected bins per row, and header-only rows', async () => {
    const res = await client.batchRead([
      { key: kA(5), bins: ['s'] },
      { key: kA(6), bins: ['n', 'nosuchbin'] },
      { key: kC(7), bins: ['m'] },
      { key: kB(8), readAllBins: false },
      { key: kA(9), readAllBins: true }
    ])
    assert.deepEqual(res.map(r => r.status), [OK, OK, OK, OK, OK])
    assert.deepEqual(res[0].record.bins, { s: 'a5' })
    assert.deepEqual(res[1].record.bins, { n: 6 })
    assert.deepEqual(res[2].record.bins, { m: { k: 7 } })
    const headerBins = res[3].record.bins
    assert.ok(headerBins == null || Object.keys(headerBins).length === 0, `header-only row got bins ${JSON.stringify(headerBins)}`)
    assert.equal(res[3].record.gen, 1)
    assert.deepEqual(res[4].record.bins, { n: 9, s: 'a9', x: 'ax' })
  })

  await check('batchRead: read operations per row', async () => {
    const res = await client.batchRead([
      { key: kB(2), ops: [Aerospike.lists.size('l'), Aerospike.operations.read('n')] },
      { key: kC(3), ops: [Aerospike.maps.getByKey('m', 'k', Aerospike.maps.returnType.VALUE)] }
    ])
    assert.deepEqual(res.map(r => r.status), [OK, OK])
    assert.equal(res[0].record.bins.l, 2)
    assert.equal(res[0].record.bins.n, 20)
    assert.equal(res[1].record.bins.m, 3)
  })

  await check('batchExists: statuses 0 and 2 per key', async () => {
    const keys = [kA(0), new Key('test', 'batchA', 'nope'), kC(0), new Key('bar', 'batchC', 'nope'), kB(0)]
    const res = await client.batchExists(keys)
    assert.deepEqual(res.map(r => r.status), [OK, NOT_FOUND, OK, NOT_FOUND, OK])
    assert.equal(res[0].record.gen, 1)
  })

  await check('batchGet: bins for found keys, status 2 for missing', async () => {
    const keys = [kC(5), new Key('bar', 'batchC', 'nope'), kA(3)]
    const res = await client.batchGet(keys)
    assert.deepEqual(res.map(r => r.status), [OK, NOT_FOUND, OK])
    assert.deepEqual(res[0].record.bins, { n: -5, m: { k: 5 } })
    assert.deepEqual(res[2].record.bins, { n: 3, s: 'a3', x: 'ax' })
  })

  await check('batchSelect: only the named bins', async () => {
    const res = await client.batchSelect([kA(1), kA(2), new Key('test', 'batchA', 'nope')], ['s'])
    assert.deepEqual(res.map(r => r.status), [OK, OK, NOT_FOUND])
    assert.deepEqual(res[0].record.bins, { s: 'a1' })
    assert.deepEqual(res[1].record.bins, { s: 'a2' })
  })

  await check('batch with the same key twice returns it twice', async () => {
    const res = await client.batchGet([kA(4), kA(4)])
    assert.deepEqual(res.map(r => r.status), [OK, OK])
    assert.deepEqual(res[0].record.bins, res[1].record.bins)
  })

  await check('batch of only missing keys: every row status 2, no error', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => new Key('test', 'batchA', `ghost${i}`))
    const res = await client.batchRead(keys.map(key => ({ key, readAllBins: true })))
    assert.equal(res.length, 20)
    assert.ok(res.every(r => r.status === NOT_FOUND))
  })

  await check('empty batch resolves to []', async () => {
    assert.deepEqual(await client.batchGet([]), [])
  })

  const big = 1000
  await check(`setup: ${big} records in test/batch1k`, async () => {
    await parallel(big, 100, i => client.put(new Key('test', 'batch1k', i), { i, s: `v${i}` }))
  })

  await check(`batchGet of ${big} keys: all found, bins match, order kept`, async () => {
    const keys = Array.from({ length: big }, (_, i) => new Key('test', 'batch1k', i))
    const res = await client.batchGet(keys)
    assert.equal(res.length, big)
    for (let i = 0; i < big; i++) {
      assert.equal(res[i].status, OK, `row ${i} status ${res[i].status}`)
      assert.deepEqual(res[i].record.bins, { i, s: `v${i}` }, `row ${i}`)
    }
  })

  await check(`batchRead of ${big} keys with every 3rd missing`, async () => {
    const rows = Array.from({ length: big }, (_, i) => ({
      key: new Key('test', 'batch1k', i % 3 === 2 ? big + i : i),
      bins: ['s']
    }))
    const res = await client.batchRead(rows)
    assert.equal(res.length, big)
    for (let i = 0; i < big; i++) {
      if (i % 3 === 2) {
        assert.equal(res[i].status, NOT_FOUND, `row ${i}`)
      } else {
        assert.equal(res[i].status, OK, `row ${i}`)
        assert.deepEqual(res[i].record.bins, { s: `v${i}` }, `row ${i}`)
      }
    }
  })

  await check(`batchExists of ${big} keys`, async () => {
    const keys = Array.from({ length: big }, (_, i) => new Key('test', 'batch1k', i))
    const res = await client.batchExists(keys)
    assert.equal(res.filter(r => r.status === OK).length, big)
  })

  await client.close()
}

run('batch', main)
