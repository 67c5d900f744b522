'use strict'
// scan: 20,000 records scanned through client.scan().foreach() and
// client.query().results(), bin selection, nobins, maxRecords, pagination
// (partition resume by digest) and empty/unknown sets (wire-protocol.md §9).
const { Aerospike, assert, connect, check, digestOf, parallel, run } = require('./common')

const { Key } = Aerospike
const ns = 'test'
const set = 'scan20k'
const total = 20000

// Streams a scan/query; calls onRecord(rec) per record; resolves to the count.
function drain (stream, onRecord = () => {}) {
  return new Promise((resolve, reject) => {
    let n = 0
    stream.on('data', rec => {
      n++
      try {
        onRecord(rec)
      } catch (e) {
        stream.abort()
        reject(e)
      }
    })
    stream.on('error', reject)
    stream.on('end', state => resolve({ n, state }))
  })
}

function checkRecord (rec, seen) {
  const i = rec.bins.i
  assert.ok(Number.isInteger(i) && i >= 0 && i < total, `bad bin i=${i}`)
  assert.equal(rec.bins.s, `v${i}`, `record ${i}: bin s`)
  assert.deepEqual(rec.bins.l, [i, 'x'], `record ${i}: bin l`)
  assert.equal(rec.gen, 1, `record ${i}: gen`)
  assert.equal(rec.key.ns, ns)
  assert.equal(rec.key.set, set)
  assert.ok(Buffer.isBuffer(rec.key.digest) && rec.key.digest.length === 20, `record ${i}: digest`)
  const hex = rec.key.digest.toString('hex')
  assert.ok(!seen.has(hex), `duplicate digest ${hex} (record ${i})`)
  seen.add(hex)
  assert.ok(rec.key.digest.equals(digestOf(set, i)), `record ${i}: digest does not match its key`)
}

async function main () {
  const client = await connect()

  await check(`put ${total} records into ${ns}/${set} (200 in flight)`, async () => {
    const started = Date.now()
    await parallel(total, 200, i => client.put(new Key(ns, set, i), { i, s: `v${i}`, l: [i, 'x'] }))
    console.log(`(${Date.now() - started} ms) `)
  })

  await check('a few records in other sets and namespace bar (must not leak into the scan)', async () => {
    for (let i = 0; i < 10; i++) {
      await client.put(new Key(ns, 'scan_other', i), { other: i })
      await client.put(new Key('bar', set, i), { i: total + i })
    }
  })

  await check(`scan().foreach() yields exactly ${total} unique records with correct bins`, async () => {
    const seen = new Set()
    const { n } = await drain(client.scan(ns, set).foreach(), rec => checkRecord(rec, seen))
    assert.equal(n, total)
    assert.equal(seen.size, total)
  })

  await check(`query().results() (partition query without filter) returns ${total}`, async () => {
    const results = await client.query(ns, set).results()
    assert.equal(results.length, total)
    const seen = new Set()
    results.forEach(rec => checkRecord(rec, seen))
  })

  await check('scan with select(i) returns only bin i', async () => {
    const scan = client.scan(ns, set)
    scan.select('i')
    const { n } = await drain(scan.foreach(), rec => {
      assert.deepEqual(Object.keys(rec.bins), ['i'])
    })
    assert.equal(n, total)
  })

  await check('query with select of a bin no record has returns nothing', async () => {
    const q = client.query(ns, set)
    q.select('nosuchbin')
    assert.equal((await q.results()).length, 0)
  })

  await check('scan with nobins returns metadata only', async () => {
    const { n } = await drain(client.scan(ns, set, { nobins: true }).foreach(), rec => {
      assert.ok(rec.bins == null || Object.keys(rec.bins).length === 0, `bins ${JSON.stringify(rec.bins)}`)
      assert.equal(rec.gen, 1)
    })
    assert.equal(n, total)
  })

  await check('scan with maxRecords 100 returns at most 100 (and some)', async () => {
    const { n } = await drain(client.scan(ns, set).foreach({ maxRecords: 100 }))
    assert.ok(n > 0 && n <= 100, `got ${n}`)
  })

  await check('paginated query (maxRecords 3000) visits every record exactly once', async () => {
    const q = client.query(ns, set, { paginate: true, maxRecords: 3000 })
    const seen = new Set()
    let pages = 0
    for (;;) {
      const page = await q.results()
      pages++
      assert.ok(page.length <= 3000, `page ${pages} has ${page.length} records`)
      page.forEach(rec => checkRecord(rec, seen))
      if (!q.hasNextPage()) break
      assert.ok(pages < 50, 'pagination does not terminate')
    }
    assert.equal(seen.size, total)
    assert.ok(pages >= Math.ceil(total / 3000), `only ${pages} pages`)
  })

  await check('paginated scan (maxRecords 7000) via scanState visits every record once', async () => {
    const scan = client.scan(ns, set, { paginate: true })
    const seen = new Set()
    let pages = 0
    for (;;) {
      const { n, state } = await drain(scan.foreach({ maxRecords: 7000 }), rec => checkRecord(rec, seen))
      pages++
      assert.ok(n <= 7000, `page ${pages} has ${n} records`)
      scan.nextPage(state)
      if (!scan.hasNextPage()) break
      assert.ok(pages < 20, 'pagination does not terminate')
    }
    assert.equal(seen.size, total)
  })

  await check('scan of partitions 0..2047 plus 2048..4095 covers all records once', async () => {
    const seen = new Set()
    for (const [begin, count] of [[0, 2048], [2048, 2048]]) {
      const scan = client.scan(ns, set)
      scan.partitions(begin, count)
      await drain(scan.foreach(), rec => checkRecord(rec, seen))
    }
    assert.equal(seen.size, total)
  })

  await check('scan of an unknown set returns 0 records', async () => {
    const { n } = await drain(client.scan(ns, 'no_such_set_xyz').foreach())
    assert.equal(n, 0)
    assert.equal((await client.query(ns, 'no_such_set_xyz').results()).length, 0)
  })

  await check('scan of namespace bar, same set name, sees only bar records', async () => {
    const res = await client.query('bar', set).results()
    assert.equal(res.length, 10)
    assert.ok(res.every(r => r.bins.i >= total))
  })

  await check('scan of a whole namespace (no set) includes every set', async () => {
    const { n } = await drain(client.scan(ns).foreach())
    assert.ok(n >= total + 10, `got ${n}`)
  })

  await client.close()
}

run('scan', main, 220000)
