'use strict'
// bits_hll: bit operations on blob bins and HyperLogLog operations from the official
// Node.js client (operate, batch rows), their result codes, and bit/HLL expressions in
// filters (get, batch, scan, index query) and expression operations. The HLL bytes asd
// stores are compared with the ones the client's own suite gives for a known set, so a
// bin written here reads the same on the real server (and after XDR). All of it on the
// memory namespace and on `disk`, whose bins live on the device only. wire-protocol.md §5.6.
const { Aerospike, assert, connect, check, expectError, run } = require('./common')

const { Key, bitwise: bits, hll, exp, operations: op } = Aerospike
const status = Aerospike.status

// The client suite's HLL of {jaguar, leopard, lion, tiger} with 8 index bits, no minhash.
const HLL_CATS = (() => {
  const b = Buffer.alloc(11 + 256 * 6 / 8)
  b[1] = 8
  b[36] = 16
  b[43] = 4
  b[163] = 65
  return b
})()

async function main () {
  const client = await connect()
  await check('features claims blob-bits', async () => {
    const features = Aerospike.info.parse(await client.infoAny('features')).features
    assert.ok(features.includes('blob-bits'), JSON.stringify(features))
  })

  for (const ns of ['test', 'disk']) {
    const key = i => new Key(ns, 'bh', i)
    const blob = Buffer.from([0b00000001, 0b01000010, 0b00000011, 0b00000100, 0b00000101])

    await check(`${ns}: bit modify ops change the blob as the server does`, async () => {
      await client.put(key(1), { b: blob })
      await client.operate(key(1), [bits.resize('b', 6), bits.set('b', 0, 8, Buffer.from([0xf0]))])
      assert.deepEqual((await client.get(key(1))).bins.b, Buffer.from([0xf0, 0x42, 3, 4, 5, 0]))
      await client.operate(key(1), [bits.insert('b', 1, Buffer.from([0xaa])), bits.remove('b', 6, 1)])
      assert.deepEqual((await client.get(key(1))).bins.b, Buffer.from([0xf0, 0xaa, 0x42, 3, 4, 5]))
      await client.operate(key(1), [bits.or('b', 8, 8, Buffer.from([0x0f])), bits.xor('b', 16, 8, Buffer.from([0xff])),
        bits.and('b', 24, 8, Buffer.from([0x01])), bits.not('b', 32, 8)])
      assert.deepEqual((await client.get(key(1))).bins.b, Buffer.from([0xf0, 0xaf, 0xbd, 1, 0xfb, 5]))
      await client.operate(key(1), [bits.lshift('b', 0, 8, 2), bits.rshift('b', 8, 8, 4)])
      assert.deepEqual((await client.get(key(1))).bins.b, Buffer.from([0xc0, 0x0a, 0xbd, 1, 0xfb, 5]))
      await client.operate(key(1), [bits.add('b', 40, 8, 10, false), bits.subtract('b', 24, 8, 1, false)])
      assert.deepEqual((await client.get(key(1))).bins.b, Buffer.from([0xc0, 0x0a, 0xbd, 0, 0xfb, 15]))
    })

    await check(`${ns}: bit reads: get, count, lscan, rscan, getInt`, async () => {
      await client.put(key(2), { b: blob })
      const rec = await client.operate(key(2), [bits.getInt('b', 8, 16, false)])
      assert.equal(rec.bins.b, 16899)
      assert.deepEqual((await client.operate(key(2), [bits.get('b', 9, 5)])).bins.b, Buffer.from([0b10000000]))
      assert.equal((await client.operate(key(2), [bits.lscan('b', 24, 8, true)])).bins.b, 5)
      assert.equal((await client.operate(key(2), [bits.rscan('b', 32, 8, true)])).bins.b, 7)
    })

    await check(`${ns}: overflow actions and the errors: 26 on overflow (record unchanged), 12, 6, 17`, async () => {
      await client.put(key(3), { b: Buffer.from([0xff]), s: 'text' })
      await expectError(client.operate(key(3), [bits.add('b', 0, 8, 1, false).onOverflow(bits.overflow.FAIL)]),
        status.ERR_OP_NOT_APPLICABLE, 'add overflows')
      assert.deepEqual((await client.get(key(3))).bins.b, Buffer.from([0xff]))
      await client.operate(key(3), [bits.add('b', 0, 8, 1, false).onOverflow(bits.overflow.WRAP)])
      assert.deepEqual((await client.get(key(3))).bins.b, Buffer.from([0]))
      await client.operate(key(3), [bits.subtract('b', 0, 8, 1, false).onOverflow(bits.overflow.SATURATE)])
      assert.deepEqual((await client.get(key(3))).bins.b, Buffer.from([0]))
      await expectError(client.operate(key(3), [bits.get('b', 4, 8)]), status.ERR_OP_NOT_APPLICABLE, 'read past the end')
      await expectError(client.operate(key(3), [bits.get('s', 0, 8)]), status.ERR_BIN_INCOMPATIBLE_TYPE, 'string bin')
      await expectError(client.operate(key(3), [bits.resize('b', 2).withPolicy({ writeFlags: bits.writeFlags.CREATE_ONLY })]),
        status.ERR_BIN_EXISTS, 'create-only on an existing bin')
      await client.operate(key(3), [bits.resize('b', 2).withPolicy({ writeFlags: bits.writeFlags.CREATE_ONLY | bits.writeFlags.NO_FAIL })])
      assert.deepEqual((await client.get(key(3))).bins.b, Buffer.from([0]))
      await expectError(client.operate(key(3), [bits.set('missing', 0, 8, Buffer.from([1]))]), status.ERR_BIN_NOT_FOUND, 'set on a missing bin')
    })

    await check(`${ns}: HLL add, count, describe; the stored bytes are the server's`, async () => {
      const added = await client.operate(key(10), [hll.add('h', ['jaguar', 'leopard', 'lion', 'tiger'], 8)])
      assert.equal(added.bins.h, 4)
      const back = await client.get(key(10))
      assert.deepEqual(Buffer.from(back.bins.h), HLL_CATS)
      const rec = await client.operate(key(10), [hll.getCount('h')])
      assert.equal(rec.bins.h, 4)
      assert.deepEqual((await client.operate(key(10), [hll.describe('h')])).bins.h, [8, 0])
    })

    await check(`${ns}: HLL unions, intersections, similarity, fold, and their errors`, async () => {
      await client.operate(key(11), [hll.add('h', ['leopard', 'lynx', 'tiger', 'tiger', 'cheetah', 'lynx'], 8)])
      assert.equal((await client.operate(key(11), [hll.getUnionCount('h', [HLL_CATS])])).bins.h, 6)
      assert.equal((await client.operate(key(11), [hll.getIntersectCount('h', [HLL_CATS])])).bins.h, 2)
      const sim = (await client.operate(key(11), [hll.getSimilarity('h', [HLL_CATS])])).bins.h
      assert.ok(Math.abs(sim - 2 / 6) < 0.05, String(sim))
      await client.operate(key(11), [hll.setUnion('h', [HLL_CATS])])
      assert.equal((await client.operate(key(11), [hll.getCount('h')])).bins.h, 6)
      await client.operate(key(11), [hll.fold('h', 6)])
      assert.deepEqual((await client.operate(key(11), [hll.describe('h')])).bins.h, [6, 0])
      // A larger set: with 14 index bits the estimate's error is about 0.8%.
      const many = Array.from({ length: 5000 }, (_, i) => `e${i}`)
      await client.operate(key(12), [hll.add('h', many, 14, 6)])
      const n = (await client.operate(key(12), [hll.getCount('h')])).bins.h
      assert.ok(Math.abs(n - 5000) < 5000 * 0.03, String(n))
      await expectError(client.operate(key(13), [hll.init('h', 3)]), status.ERR_REQUEST_INVALID, 'index bits 3')
      await expectError(client.operate(key(12), [hll.fold('h', 8)]), status.ERR_OP_NOT_APPLICABLE, 'fold with minhash bits')
      await expectError(client.operate(key(3), [hll.getCount('b')]), status.ERR_BIN_INCOMPATIBLE_TYPE, 'a blob is not an HLL')
    })

    await check(`${ns}: batch rows carry bit and HLL ops`, async () => {
      const rows = await client.batchWrite([
        { type: Aerospike.batchType.BATCH_WRITE, key: key(20), ops: [op.write('b', Buffer.from([1, 2])), bits.not('b', 0, 16)] },
        { type: Aerospike.batchType.BATCH_WRITE, key: key(21), ops: [hll.add('h', ['a', 'b', 'c'], 10)] }
      ])
      assert.deepEqual(rows.map(r => r.status), [0, 0])
      assert.deepEqual((await client.get(key(20))).bins.b, Buffer.from([0xfe, 0xfd]))
      const read = await client.batchRead([{ key: key(21), ops: [hll.getCount('h')] }])
      assert.equal(read[0].record.bins.h, 3)
    })

    await check(`${ns}: bit and HLL expressions in filters and expression operations`, async () => {
      const countIs = (n) => exp.eq(exp.bit.count(exp.binBlob('b'), exp.int(16), exp.int(0)), exp.int(n))
      await client.put(key(30), { b: Buffer.from([0xff, 0x01]), tag: 'bits' })
      assert.equal((await client.get(key(30), { filterExpression: countIs(9) })).bins.tag, 'bits')
      await expectError(client.get(key(30), { filterExpression: countIs(8) }), status.FILTERED_OUT, 'bit count 8')
      const hllAtLeast = (n) => exp.ge(exp.hll.getCount(exp.binHll('h')), exp.int(n))
      assert.equal((await client.get(key(10), { filterExpression: hllAtLeast(4) })).bins.h.length, HLL_CATS.length)
      await expectError(client.get(key(10), { filterExpression: hllAtLeast(5) }), status.FILTERED_OUT, 'hll count >= 5')
      const scanned = await client.scan(ns, 'bh').results({ filterExpression: hllAtLeast(4) })
      assert.equal(scanned.length, 3)  // records 10, 11 and 12
      // An expression write stores a modified copy; an expression read returns one.
      const flipped = exp.bit.not(exp.binBlob('b'), exp.int(8), exp.int(0))
      await client.operate(key(30), [exp.operations.write('b', flipped, 0)])
      assert.deepEqual((await client.get(key(30))).bins.b, Buffer.from([0x00, 0x01]))
      const desc = await client.operate(key(10), [exp.operations.read('d', exp.hll.describe(exp.binHll('h')), 0)])
      assert.deepEqual(desc.bins.d, [8, 0])
      const union = exp.hll.getUnionCount(exp.binHll('h'), exp.list([new Aerospike.HyperLogLog(HLL_CATS)]))
      assert.equal((await client.operate(key(11), [exp.operations.read('u', union, 0)])).bins.u, 6)
    })
  }

  await client.close()
}

run('bits_hll', main)
