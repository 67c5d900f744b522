'use strict'
// operate: single-record multi-op commands (read, write, incr, append,
// prepend, touch, delete) plus list and map CDT ops, with results checked
// against what the real server returns (wire-protocol.md §5.2, §5.3, §5.6).
const { Aerospike, assert, connect, check, expectError, policy, run } = require('./common')

const { Key, operations: op, lists, maps } = Aerospike
const ns = 'test'
const set = 'operate'

async function main () {
  const client = await connect()
  const operate = (key, ops) => client.operate(key, ops, {}, policy())
  const key = new Key(ns, set, 'op-main')

  await check('setup record', async () => {
    await client.remove(key).catch(() => {})
    await client.put(key, { i: 10, f: 1.5, s: 'mid', b: Buffer.from('mid'), l: [1, 2, 3], m: { a: 1, b: 2 } })
  })

  await check('write + read in one operate', async () => {
    const r = await operate(key, [op.write('w', 'new'), op.read('w')])
    assert.equal(r.bins.w, 'new')
    assert.equal(r.gen, 2)
  })

  await check('read of several bins, missing bin absent', async () => {
    const r = await operate(key, [op.read('i'), op.read('s'), op.read('nosuchbin')])
    assert.deepEqual(r.bins, { i: 10, s: 'mid' })
    assert.equal(r.gen, 2, 'a read-only operate does not bump gen')
  })

  await check('incr integer: +5 then -20', async () => {
    assert.equal((await operate(key, [op.incr('i', 5), op.read('i')])).bins.i, 15)
    assert.equal((await operate(key, [op.incr('i', -20), op.read('i')])).bins.i, -5)
  })

  await check('incr float: 1.5 + 2.25 = 3.75', async () => {
    assert.equal((await operate(key, [op.incr('f', 2.25), op.read('f')])).bins.f, 3.75)
  })

  await check('incr of a missing bin creates it', async () => {
    assert.equal((await operate(key, [op.incr('nb', 7), op.read('nb')])).bins.nb, 7)
  })

  await check('append and prepend on a string bin', async () => {
    const r = await operate(key, [op.append('s', '-end'), op.prepend('s', 'start-'), op.read('s')])
    assert.equal(r.bins.s, 'start-mid-end')
  })

  await check('append and prepend on a blob bin', async () => {
    const r = await operate(key, [op.append('b', Buffer.from([1])), op.prepend('b', Buffer.from([0])), op.read('b')])
    assert.deepEqual(r.bins.b, Buffer.concat([Buffer.from([0]), Buffer.from('mid'), Buffer.from([1])]))
  })

  await check('append to a missing bin creates it', async () => {
    assert.equal((await operate(key, [op.append('ns1', 'x'), op.read('ns1')])).bins.ns1, 'x')
  })

  await check('touch bumps gen and sets ttl; bins unchanged', async () => {
    const before = await client.get(key)
    const r = await operate(key, [op.touch(600)])
    assert.equal(r.gen, before.gen + 1)
    const after = await client.get(key)
    assert.equal(after.gen, before.gen + 1)
    assert.ok(after.ttl >= 590 && after.ttl <= 600, `ttl ${after.ttl}`)
    assert.deepEqual(after.bins, before.bins)
  })

  await check('incr on a string bin fails with 12 and changes nothing', async () => {
    const before = await client.get(key)
    await expectError(operate(key, [op.incr('s', 1)]), 12, 'incr string bin')
    const after = await client.get(key)
    assert.equal(after.bins.s, before.bins.s)
    assert.equal(after.gen, before.gen)
  })

  await check('incr with a float on an integer bin fails with 12', async () => {
    await expectError(operate(key, [op.incr('i', 1.5)]), 12, 'float incr on int bin')
  })

  await check('append on an integer bin fails with 12', async () => {
    await expectError(operate(key, [op.append('i', 'x')]), 12, 'append int bin')
  })

  await check('list append returns the new size', async () => {
    assert.equal((await operate(key, [lists.append('l', 4)])).bins.l, 4)
  })

  await check('list get(0) and get(-1)', async () => {
    assert.equal((await operate(key, [lists.get('l', 0)])).bins.l, 1)
    assert.equal((await operate(key, [lists.get('l', -1)])).bins.l, 4)
  })

  await check('list size', async () => {
    assert.equal((await operate(key, [lists.size('l')])).bins.l, 4)
  })

  await check('list getRange(1, 2)', async () => {
    assert.deepEqual((await operate(key, [lists.getRange('l', 1, 2)])).bins.l, [2, 3])
  })

  await check('list removeByIndex(0) returning VALUE', async () => {
    const r = await operate(key, [lists.removeByIndex('l', 0, lists.returnType.VALUE)])
    assert.equal(r.bins.l, 1)
  })

  await check('list remove(0) returns the removed count', async () => {
    assert.equal((await operate(key, [lists.remove('l', 0)])).bins.l, 1)
    assert.deepEqual((await client.get(key)).bins.l, [3, 4])
  })

  await check('list appendItems and insert, then the whole list', async () => {
    assert.equal((await operate(key, [lists.appendItems('l', [5, 'six', [7]])])).bins.l, 5)
    assert.equal((await operate(key, [lists.insert('l', 0, 'zero')])).bins.l, 6)
    assert.deepEqual((await client.get(key)).bins.l, ['zero', 3, 4, 5, 'six', [7]])
  })

  await check('list append on a missing bin creates the list', async () => {
    assert.equal((await operate(key, [lists.append('nl', 'first')])).bins.nl, 1)
    assert.deepEqual((await client.get(key)).bins.nl, ['first'])
  })

  await check('list op on an integer bin fails with 12', async () => {
    await expectError(operate(key, [lists.append('i', 1)]), 12, 'list append on int bin')
  })

  await check('map put returns the new size', async () => {
    assert.equal((await operate(key, [maps.put('m', 'c', 3)])).bins.m, 3)
  })

  await check('map getByKey returning VALUE', async () => {
    assert.equal((await operate(key, [maps.getByKey('m', 'b', maps.returnType.VALUE)])).bins.m, 2)
  })

  await check('map getByKey of a missing key returns null', async () => {
    assert.equal((await operate(key, [maps.getByKey('m', 'zz', maps.returnType.VALUE)])).bins.m, null)
  })

  await check('map removeByKey returning VALUE', async () => {
    assert.equal((await operate(key, [maps.removeByKey('m', 'a', maps.returnType.VALUE)])).bins.m, 1)
  })

  await check('map size and final contents', async () => {
    assert.equal((await operate(key, [maps.size('m')])).bins.m, 2)
    assert.deepEqual((await client.get(key)).bins.m, { b: 2, c: 3 })
  })

  await check('map increment creates and adds', async () => {
    await operate(key, [maps.increment('m', 'cnt', 5)])
    await operate(key, [maps.increment('m', 'cnt', 2)])
    assert.equal((await operate(key, [maps.getByKey('m', 'cnt', maps.returnType.VALUE)])).bins.m, 7)
  })

  await check('map op on a string bin fails with 12', async () => {
    await expectError(operate(key, [maps.put('s', 'k', 1)]), 12, 'map put on string bin')
  })

  await check('write ops and reads of different bins in one operate', async () => {
    const r = await operate(key, [
      op.write('x1', 1), op.incr('i', 100), lists.size('l'), maps.size('m'), op.read('i'), op.read('x1')
    ])
    assert.equal(r.bins.x1, 1)
    assert.equal(r.bins.i, 95)
    assert.equal(r.bins.l, 6)
    assert.equal(r.bins.m, 3)
  })

  await check('operate on a missing record: read fails with 2, write creates it', async () => {
    const k = new Key(ns, set, 'op-missing')
    await client.remove(k).catch(() => {})
    await expectError(operate(k, [op.read('a')]), 2, 'read-only operate on missing record')
    const r = await operate(k, [op.incr('a', 3), op.read('a')])
    assert.equal(r.bins.a, 3)
    assert.equal(r.gen, 1)
  })

  await check('delete op removes the record', async () => {
    const k = new Key(ns, set, 'op-delete')
    await client.put(k, { a: 1 })
    await operate(k, [op.delete()])
    assert.equal(await client.exists(k), false)
  })

  await check('delete + write in one operate replaces the record', async () => {
    const k = new Key(ns, set, 'op-delete-write')
    await client.put(k, { a: 1, b: 2 })
    await operate(k, [op.delete(), op.write('c', 3)])
    assert.deepEqual((await client.get(k)).bins, { c: 3 })
  })

  await check('operate exists policy UPDATE on a missing record fails with 2', async () => {
    const k = new Key(ns, set, 'op-update-missing')
    await expectError(client.operate(k, [op.write('a', 1)], {}, policy({ exists: Aerospike.policy.exists.UPDATE })),
      2, 'operate UPDATE missing')
  })

  await client.close()
}

run('operate', main)
