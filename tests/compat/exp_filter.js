'use strict'
// exp_filter: filter expressions (field 43) from the official Node.js client on every
// kind of command: get, put, remove, operate and apply answer 27 (FILTERED_OUT) when an
// existing record does not pass and leave it untouched; a missing record is not found (a
// read) or created (a write) as without a filter; batch rows answer 27 one by one; scans,
// index queries and background query.operate jobs skip what does not pass. The same on
// the `disk` namespace, whose bins live on the device only. Then the expression ops of
// operate (exp read, exp write with its flags), and list and map expressions (bit and
// HLL expressions: bits_hll.js). wire-protocol.md §5.8.
const { Aerospike, assert, connect, check, expectError, run } = require('./common')

const { Key, exp } = Aerospike
const FILTERED_OUT = Aerospike.status.FILTERED_OUT
const NOT_FOUND = Aerospike.status.ERR_RECORD_NOT_FOUND
const N = 200

async function main () {
  const client = await connect()

  for (const ns of ['test', 'disk']) {
    const set = 'expf'
    const key = i => new Key(ns, set, i)
    // (exp.mod of aerospike@6.7.1 builds a malformed entry list client-side; intAnd works.)
    const isEven = exp.eq(exp.intAnd(exp.binInt('n'), exp.int(1)), exp.int(0))
    const policy = filterExpression => ({ filterExpression })

    await check(`${ns}: ${N} records n = i, s = "v<i % 10>", tags = [i, i + 1]`, async () => {
      for (let i = 0; i < N; i++) {
        await client.put(key(i), { n: i, s: `v${i % 10}`, tags: [i, i + 1], f: i / 4 }, { key: true }, { key: Aerospike.policy.key.SEND })
      }
    })

    await check(`${ns}: get passes or answers 27; a missing record is still 2`, async () => {
      const rec = await client.get(key(4), policy(isEven))
      assert.equal(rec.bins.n, 4)
      await expectError(client.get(key(5), policy(isEven)), FILTERED_OUT, 'get odd record')
      await expectError(client.get(key(N + 1), policy(isEven)), NOT_FOUND, 'get missing record')
      const byKey = exp.and(exp.eq(exp.keyInt(), exp.int(7)), exp.keyExist(), exp.eq(exp.setName(), exp.str(set)))
      assert.equal((await client.get(key(7), policy(byKey))).bins.n, 7)
      const regex = exp.cmpRegex(Aerospike.regex.ICASE, '^V3$', exp.binStr('s'))
      assert.equal((await client.get(key(13), policy(regex))).bins.n, 13)
      await expectError(client.get(key(14), policy(regex)), FILTERED_OUT, 'regex no match')
    })

    await check(`${ns}: put, operate and remove on a record that does not pass change nothing`, async () => {
      await expectError(client.put(key(9), { n: 1000 }, null, policy(isEven)), FILTERED_OUT, 'put')
      await expectError(client.operate(key(9), [Aerospike.operations.incr('n', 1)], null, policy(isEven)),
        FILTERED_OUT, 'operate')
      await expectError(client.remove(key(9), policy(isEven)), FILTERED_OUT, 'remove')
      const rec = await client.get(key(9))
      assert.equal(rec.bins.n, 9)
      assert.equal(rec.gen, 1)
      await client.put(key(10), { extra: 1 }, null, policy(isEven))
      assert.equal((await client.get(key(10))).bins.extra, 1)
      // A write that creates its record is not filtered.
      await client.put(key(N + 2), { n: 1 }, null, policy(isEven))
      assert.equal((await client.get(key(N + 2))).bins.n, 1)
      await client.remove(key(N + 2))
    })

    await check(`${ns}: exists and a touch (operate touch) answer 27 too; a passing record is touched`, async () => {
      await expectError(client.exists(key(11), policy(isEven)), FILTERED_OUT, 'exists')
      assert.equal(await client.exists(key(12), policy(isEven)), true)
      const touch = [Aerospike.operations.touch(0)]
      await expectError(client.operate(key(11), touch, null, policy(isEven)), FILTERED_OUT, 'touch')
      assert.equal((await client.get(key(11))).gen, 1)
      await client.operate(key(12), touch, null, policy(isEven))
      assert.equal((await client.get(key(12))).gen, 2)
    })

    await check(`${ns}: the namespace counts what the filters turned away, by kind`, async () => {
      const stats = Aerospike.info.parse(await client.infoAny(`namespace/${ns}`))[`namespace/${ns}`]
      for (const kind of ['read', 'write', 'delete']) {
        assert.ok(Number(stats[`client_${kind}_filtered_out`]) > 0, `client_${kind}_filtered_out = ${stats[`client_${kind}_filtered_out`]}`)
      }
      assert.equal(Number(stats.client_udf_filtered_out), 0)
    })

    await check(`${ns}: unknown (a missing bin, a bin of another type) filters out`, async () => {
      await expectError(client.get(key(2), policy(exp.eq(exp.binInt('nosuch'), exp.int(1)))), FILTERED_OUT, 'missing bin')
      await expectError(client.get(key(2), policy(exp.eq(exp.binStr('n'), exp.str('2')))), FILTERED_OUT, 'wrong type')
      await expectError(client.get(key(2), policy(exp.unknown())), FILTERED_OUT, 'unknown')
      const either = exp.or(exp.eq(exp.binInt('nosuch'), exp.int(1)), exp.eq(exp.binInt('n'), exp.int(2)))
      assert.equal((await client.get(key(2), policy(either))).bins.n, 2)
    })

    await check(`${ns}: batchRead rows answer 27 one by one`, async () => {
      const rows = [0, 1, 2, 3, N + 5].map(i => ({ key: key(i), readAllBins: true }))
      const res = await client.batchRead(rows, policy(isEven))
      assert.deepEqual(res.map(r => r.status), [0, FILTERED_OUT, 0, FILTERED_OUT, NOT_FOUND])
      assert.equal(res[2].record.bins.n, 2)
    })

    await check(`${ns}: a scan returns only the records that pass`, async () => {
      const scan = client.scan(ns, set)
      const filter = exp.and(exp.lt(exp.binInt('n'), exp.int(50)),
        exp.eq(exp.binStr('s'), exp.str('v3')), exp.gt(exp.binFloat('f'), exp.float(2.0)))
      const got = (await scan.results(policy(filter))).map(r => r.bins.n).sort((a, b) => a - b)
      assert.deepEqual(got, [13, 23, 33, 43])
    })

    await check(`${ns}: a background query.operate writes only the records that pass`, async () => {
      const job = await client.query(ns, set).operate([Aerospike.operations.write('even', true)],
        policy(exp.lt(exp.binInt('n'), exp.int(20))))
      await job.wait(50)
      const rows = await client.batchRead(Array.from({ length: 40 }, (_, i) => ({ key: key(i), readAllBins: true })))
      const marked = rows.filter(r => r.record.bins.even === true).map(r => r.record.bins.n).sort((a, b) => a - b)
      assert.deepEqual(marked, Array.from({ length: 20 }, (_, i) => i))
    })

    if (ns === 'test') {
      await check('test: an index query with a filter expression', async () => {
        const job = await client.createIntegerIndex({ ns, set, bin: 'n', index: 'expf_n' })
        await job.wait(20)
        const q = client.query(ns, set)
        q.where(Aerospike.filter.range('n', 100, 149))
        const n = exp.binInt('n')
        const filter = exp.eq(exp.sub(n, exp.mul(exp.div(n, exp.int(10)), exp.int(10))), exp.int(0))
        const got = (await q.results(policy(filter))).map(r => r.bins.n).sort((a, b) => a - b)
        assert.deepEqual(got, [100, 110, 120, 130, 140])
      })
    }
  }

  const eop = exp.operations
  const ops = Aerospike.operations
  const W = exp.expWriteFlags
  const k = new Key('test', 'expops', 'k1')

  await check('exp read: an expression over the bins comes back as a result bin', async () => {
    await client.put(k, { a: 2, s: 'abc', x: 1.5 })
    const rec = await client.operate(k, [
      eop.read('sum', exp.add(exp.binInt('a'), exp.binInt('a')), exp.expReadFlags.DEFAULT),
      eop.read('big', exp.gt(exp.binFloat('x'), exp.float(1.0)), exp.expReadFlags.DEFAULT),
      eop.read('name', exp.binStr('s'), exp.expReadFlags.DEFAULT),
      ops.read('a')])
    assert.deepEqual(rec.bins, { sum: 4, big: true, name: 'abc', a: 2 })
  })

  await check('exp write: stores the value, sees earlier ops of the same operate', async () => {
    const rec = await client.operate(k, [
      ops.incr('a', 10),
      eop.write('b', exp.mul(exp.binInt('a'), exp.int(3)), W.DEFAULT),
      eop.write('c', exp.cond(exp.gt(exp.binInt('a'), exp.int(5)), exp.str('high'), exp.str('low')), W.DEFAULT),
      ops.read('b'), ops.read('c')])
    // With an expression op the client asks for a result per op: the incr's is nil.
    assert.deepEqual(rec.bins, { a: null, b: 36, c: 'high' })
  })

  await check('exp write flags: create-only 6, update-only 17, policy-no-fail, allow-delete', async () => {
    await expectError(client.operate(k, [eop.write('b', exp.int(1), W.CREATE_ONLY)]), 6, 'create-only on b')
    await expectError(client.operate(k, [eop.write('zz', exp.int(1), W.UPDATE_ONLY)]), 17, 'update-only on zz')
    await client.operate(k, [eop.write('b', exp.int(1), W.CREATE_ONLY | W.POLICY_NO_FAIL)])
    assert.equal((await client.get(k)).bins.b, 36)
    await expectError(client.operate(k, [eop.write('b', exp.nil(), W.DEFAULT)]), 26, 'nil without allow-delete')
    await client.operate(k, [eop.write('b', exp.nil(), W.ALLOW_DELETE)])
    assert.equal((await client.get(k)).bins.b, undefined)
  })

  await check('an expression that evaluates to unknown: 26, or nothing with eval-no-fail', async () => {
    await expectError(client.operate(k, [eop.read('r', exp.binInt('nosuch'), 0)]), 26, 'read of a missing bin')
    await expectError(client.operate(k, [eop.write('w', exp.binInt('nosuch'), W.DEFAULT)]), 26, 'write of unknown')
    const rec = await client.operate(k, [eop.write('w', exp.binInt('nosuch'), W.EVAL_NO_FAIL), ops.read('a')])
    assert.deepEqual(rec.bins, { w: null, a: 12 })
    assert.equal((await client.get(k)).bins.w, undefined)
  })

  await check('list and map expressions: reads, value ranges with nil/inf/wildcard, modified copies', async () => {
    const lk = new Key('test', 'expcdt', 1)
    await client.put(lk, { tags: [3, 1, 2], m: { a: 'blue', b: 'green', c: 'yellow' }, n: 2 })
    const L = exp.lists
    const M = exp.maps
    const get = filterExpression => client.get(lk, { filterExpression })
    const lrt = Aerospike.lists.returnType
    const mrt = Aerospike.maps.returnType
    await get(exp.eq(L.size(exp.binList('tags')), exp.int(3)))
    await get(exp.eq(L.getByIndex(exp.binList('tags'), exp.int(0), exp.type.INT, lrt.VALUE), exp.int(3)))
    await get(exp.eq(L.getByValue(exp.binList('tags'), exp.binInt('n'), lrt.COUNT), exp.int(1)))
    await get(exp.eq(M.getByKey(exp.binMap('m'), exp.str('b'), exp.type.STR, mrt.VALUE), exp.str('green')))
    await get(exp.eq(M.size(exp.binMap('m')), exp.int(3)))
    // The official suite's nil / inf / wildcard cases (test/exp.ts).
    await get(exp.eq(M.getByValueRange(exp.binMap('m'), exp.str('green'), exp.nil(), mrt.COUNT), exp.int(1)))
    await get(exp.eq(M.getByValueRange(exp.binMap('m'), exp.inf(), exp.str('green'), mrt.COUNT), exp.int(2)))
    await get(exp.eq(M.getByValueRange(exp.binMap('m'), exp.inf(), exp.wildcard(), mrt.COUNT), exp.int(3)))
    await expectError(get(exp.eq(L.size(exp.binList('tags')), exp.int(4))), FILTERED_OUT, 'size 4')
    // A modified copy: append 9, then its size; the bin stays as it was.
    await get(exp.eq(L.size(L.append(exp.binList('tags'), exp.int(9))), exp.int(4)))
    assert.deepEqual((await client.get(lk)).bins.tags, [3, 1, 2])
    // And as operations: an exp write stores a modified copy.
    await client.operate(lk, [eop.write('tags', L.append(exp.binList('tags'), exp.int(9)), 0)])
    assert.deepEqual((await client.get(lk)).bins.tags, [3, 1, 2, 9])
  })

}

run('exp_filter', main)
