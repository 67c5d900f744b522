'use strict'
// read_touch: the read-touch TTL percent of reads (readTouchTtlPercent, server 7.1) with
// the official Node.js client, as its own suite checks it (test/get.ts, operate.ts,
// batch_read.ts): records written with ttl 10 and read 3 s later (70% of the TTL left).
// With 80% the read answers the old TTL and resets it, so the next read sees about 10;
// with 60% nothing changes. A read with -1 never touches; a value above 100 is refused
// with 4; namespace touch's default-read-touch-ttl-pct (80, run_scenario.sh) applies to
// reads that send 0. wire-protocol.md §7.4.
const { Aerospike, assert, connect, check, expectError, sleep, run } = require('./common')

const { Key } = Aerospike

async function main () {
  const client = await connect()
  const key = name => new Key('test', 'rtouch', name)
  const names = ['get80', 'get60', 'op80', 'op60', 'batch80', 'batch60', 'never']
  await check('records written with ttl 10, then 3 s pass', async () => {
    for (const n of names) await client.put(key(n), { i: 2 }, { ttl: 10 })
    await sleep(3000)
  })
  const ttlNow = async n => (await client.get(key(n), { readTouchTtlPercent: -1 })).ttl

  await check('get: 80% touches (this answer old, the next ~10); 60% does not', async () => {
    const first = await client.get(key('get80'), new Aerospike.ReadPolicy({ readTouchTtlPercent: 80 }))
    assert.deepEqual(first.bins, { i: 2 })
    assert.ok(first.ttl >= 5 && first.ttl <= 8, `first ttl ${first.ttl}`)
    const after = await ttlNow('get80')
    assert.ok(after >= 9 && after <= 11, `ttl after the touch ${after}`)
    const r60 = await client.get(key('get60'), new Aerospike.ReadPolicy({ readTouchTtlPercent: 60 }))
    assert.ok(r60.ttl >= 5 && r60.ttl <= 8, `60%: ${r60.ttl}`)
    const still = await ttlNow('get60')
    assert.ok(still >= 5 && still <= 8, `60% then: ${still}`)
  })

  await check('operate with read ops: the same rule', async () => {
    const ops = [Aerospike.operations.read('i')]
    const r = await client.operate(key('op80'), ops, null, new Aerospike.OperatePolicy({ readTouchTtlPercent: 80 }))
    assert.ok(r.ttl >= 5 && r.ttl <= 8, `operate 80: ${r.ttl}`)
    const after = await ttlNow('op80')
    assert.ok(after >= 9 && after <= 11, `after: ${after}`)
    await client.operate(key('op60'), ops, null, new Aerospike.OperatePolicy({ readTouchTtlPercent: 60 }))
    const still = await ttlNow('op60')
    assert.ok(still >= 5 && still <= 8, `operate 60 then: ${still}`)
  })

  await check('batchRead rows: the same rule', async () => {
    const rows80 = await client.batchRead([{ key: key('batch80'), readAllBins: true }],
      new Aerospike.BatchReadPolicy({ readTouchTtlPercent: 80 }))
    assert.ok(rows80[0].record.ttl >= 5 && rows80[0].record.ttl <= 8, `batch 80: ${rows80[0].record.ttl}`)
    const after = await ttlNow('batch80')
    assert.ok(after >= 9 && after <= 11, `after: ${after}`)
    await client.batchRead([{ key: key('batch60'), readAllBins: true }],
      new Aerospike.BatchReadPolicy({ readTouchTtlPercent: 60 }))
    const still = await ttlNow('batch60')
    assert.ok(still >= 5 && still <= 8, `batch 60 then: ${still}`)
  })

  await check('namespace touch (default-read-touch-ttl-pct 80): a plain get touches', async () => {
    const k = new Key('touch', 'rtouch', 'dflt')
    await client.put(k, { i: 1 }, { ttl: 10 })
    await sleep(3000)
    const first = await client.get(k)
    assert.ok(first.ttl >= 5 && first.ttl <= 8, `first: ${first.ttl}`)
    const after = (await client.get(k, { readTouchTtlPercent: -1 })).ttl
    assert.ok(after >= 9 && after <= 11, `after: ${after}`)
  })

  await check('-1 never touches; a touch bumps the generation; 101 is refused with 4', async () => {
    const gen0 = (await client.get(key('never'))).gen
    await client.get(key('never'), { readTouchTtlPercent: -1 })
    assert.equal((await client.get(key('never'))).gen, gen0)
    assert.equal((await client.get(key('get80'))).gen, 2, 'the touch is a write')
    await expectError(client.get(key('never'), { readTouchTtlPercent: 101 }), 4, 'readTouchTtlPercent 101')
  })
}

run('read_touch', main)
