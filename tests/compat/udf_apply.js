'use strict'
// udf_apply: record UDFs run through the official Node.js client (apply, batchApply):
// arguments and return values of every type, the record API (create, update, exists,
// remove, ttl, gen, key, setname, bin_names, set_ttl, digest), list/map/bytes values
// stored in bins, the errors a client sees (status 100 with file:line: message), and
// hostile UDFs (endless loop, memory bomb, os.execute, io, require) that fail alone while
// asd keeps serving. See wire-protocol.md §10.2-10.3.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Aerospike, assert, connect, check, expectError, run } = require('./common')

const kModule = `-- compat test module for apply
local function save(rec)
  if aerospike:exists(rec) then
    return aerospike:update(rec)
  end
  return aerospike:create(rec)
end

function echo(rec, v)
  return v
end

function nothing(rec)
end

function touch_bins(rec, bin, value)
  rec[bin] = value
  return save(rec)
end

function add(rec, bin, n)
  rec[bin] = (rec[bin] or 0) + n
  aerospike:update(rec)
  return rec[bin]
end

function describe(rec)
  local m = map()
  m['exists'] = aerospike:exists(rec)
  m['gen'] = record.gen(rec)
  m['ttl_positive'] = record.ttl(rec) > 0
  m['key'] = record.key(rec)
  m['set'] = record.setname(rec)
  m['numbins'] = record.numbins(rec)
  if aerospike:exists(rec) then
    m['names'] = list(record.bin_names(rec))
  end
  m['digest_size'] = bytes.size(record.digest(rec))
  return m
end

function containers(rec)
  local l = list{1, 'two', 3.5}
  list.append(l, list{4})
  local m = map{a = 1}
  m['nested'] = l
  rec['l'] = l
  rec['m'] = m
  local b = bytes(3)
  b[1] = 0xAA
  bytes.set_byte(b, 3, 0xCC)
  rec['b'] = b
  rec['flag'] = true
  save(rec)
  return list.size(l) + map.size(m)
end

function read_back(rec)
  local l = rec['l']
  local total = 0
  for v in list.iterator(l) do
    if type(v) == 'number' then total = total + v end
  end
  local keys = 0
  for k, v in map.pairs(rec['m']) do keys = keys + 1 end
  return list{total, keys, bytes.get_byte(rec['b'], 1), rec['flag']}
end

function drop(rec)
  return aerospike:remove(rec)
end

function short_ttl(rec)
  rec['t'] = 1
  record.set_ttl(rec, 100)
  return save(rec)
end

function fail(rec)
  error('deliberate failure')
end

function index_nil(rec)
  local t = nil
  return t.field
end

function forever(rec)
  local i = 0
  while true do i = i + 1 end
end

function hog(rec)
  local t = {}
  local s = string.rep('x', 1024)
  for i = 1, 100000000 do t[i] = s .. i end
  return #t
end

function shell(rec)
  return os.execute('touch /tmp/asd-udf-escaped')
end

function read_file(rec)
  return io.open('/etc/passwd'):read('*a')
end

function load_other(rec)
  return require('no_such_module')
end

function table_bin(rec)
  rec['t'] = {1, 2, 3}
  aerospike:update(rec)
end
`

async function main () {
  const client = await connect()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-apply-'))
  const file = path.join(dir, 'compat_apply.lua')
  fs.writeFileSync(file, kModule)
  const ns = 'test'
  const set = 'apply'
  const key = new Aerospike.Key(ns, set, 'k1')
  const udf = (funcname, args = []) => ({ module: 'compat_apply', funcname, args })

  await check('udfRegister, then apply returns each argument type unchanged', async () => {
    await (await client.udfRegister(file)).wait(20)
    await client.put(key, { a: 1 }, { ttl: 1000 })
    assert.equal(await client.apply(key, udf('echo', [42])), 42)
    assert.equal(await client.apply(key, udf('echo', [-7.25])), -7.25)
    assert.equal(await client.apply(key, udf('echo', ['text'])), 'text')
    assert.deepEqual(await client.apply(key, udf('echo', [[1, 2, [3]]])), [1, 2, [3]])
    assert.deepEqual(await client.apply(key, udf('echo', [{ x: 1, y: 'z' }])), { x: 1, y: 'z' })
    assert.deepEqual(await client.apply(key, udf('echo', [Buffer.from([1, 2, 3])])), Buffer.from([1, 2, 3]))
    assert.equal(await client.apply(key, udf('echo', [true])), true)
    assert.equal(await client.apply(key, udf('nothing')), null)
  })

  await check('a UDF that updates a bin changes the record, its generation goes up', async () => {
    const before = await client.get(key)
    assert.equal(await client.apply(key, udf('add', ['a', 5])), 6)
    const after = await client.get(key)
    assert.equal(after.bins.a, 6)
    assert.equal(after.gen, before.gen + 1)
  })

  await check('the record API: exists, gen, ttl, key, set name, bin names, digest', async () => {
    const keyed = new Aerospike.Key(ns, set, 'described')
    await client.put(keyed, { p: 1, q: 'two' }, { ttl: 1000 }, new Aerospike.WritePolicy({ key: Aerospike.policy.key.SEND }))
    const d = await client.apply(keyed, udf('describe'))
    assert.equal(d.exists, true)
    assert.equal(d.gen, 1)
    assert.equal(d.ttl_positive, true)
    assert.equal(d.key, 'described')
    assert.equal(d.set, set)
    assert.equal(d.numbins, 2)
    assert.deepEqual([...d.names].sort(), ['p', 'q'])
    assert.equal(d.digest_size, 20)
    const missing = await client.apply(new Aerospike.Key(ns, set, 'never-written'), udf('describe'))
    assert.equal(missing.exists, false)
    assert.equal(missing.numbins, 0)
  })

  await check('a UDF creates a record that did not exist, and removes one', async () => {
    const fresh = new Aerospike.Key(ns, set, 'created-by-udf')
    assert.equal(await client.apply(fresh, udf('touch_bins', ['c', 'made'])), 0)
    assert.deepEqual((await client.get(fresh)).bins, { c: 'made' })
    assert.equal(await client.apply(fresh, udf('drop')), 0)
    await expectError(client.get(fresh), Aerospike.status.ERR_RECORD_NOT_FOUND, 'get after UDF remove')
    assert.equal(await client.apply(fresh, udf('drop')), 1)
  })

  await check('list, map, bytes and bool values a UDF stores read back through get and through Lua', async () => {
    const k = new Aerospike.Key(ns, set, 'containers')
    assert.equal(await client.apply(k, udf('containers')), 6)
    const rec = await client.get(k)
    assert.deepEqual(rec.bins.l, [1, 'two', 3.5, [4]])
    assert.deepEqual(rec.bins.m, { a: 1, nested: [1, 'two', 3.5, [4]] })
    assert.deepEqual(rec.bins.b, Buffer.from([0xaa, 0, 0xcc]))
    assert.equal(rec.bins.flag, true)
    assert.deepEqual(await client.apply(k, udf('read_back')), [4.5, 2, 0xaa, true])
  })

  await check('record.set_ttl sets the TTL of the UDF write', async () => {
    const k = new Aerospike.Key(ns, set, 'ttl')
    assert.equal(await client.apply(k, udf('short_ttl')), 0)
    const rec = await client.get(k)
    assert.ok(rec.ttl > 90 && rec.ttl <= 100, String(rec.ttl))
  })

  await check('errors: status 100 with the file, line and message; an unknown function; a missing module', async () => {
    let err = await expectError(client.apply(key, udf('fail')), Aerospike.status.ERR_UDF, 'fail')
    assert.match(String(err.message), /compat_apply\.lua:\d+: deliberate failure/)
    err = await expectError(client.apply(key, udf('index_nil')), Aerospike.status.ERR_UDF, 'index_nil')
    assert.match(String(err.message), /attempt to index/)
    err = await expectError(client.apply(key, udf('no_such_function')), Aerospike.status.ERR_UDF, 'unknown function')
    assert.match(String(err.message), /function not found/)
    await expectError(client.apply(key, { module: 'no_such_module', funcname: 'f' }), Aerospike.status.ERR_UDF,
      'unknown module')
    err = await expectError(client.apply(key, udf('table_bin')), Aerospike.status.ERR_UDF, 'table in a bin')
    assert.match(String(err.message), /can't set bin t to unsupported type/)
    assert.equal((await client.get(key)).bins.a, 6)
  })

  await check('hostile UDFs fail alone: endless loop, memory bomb, os, io, require', async () => {
    let err = await expectError(client.apply(key, udf('forever'), new Aerospike.policy.ApplyPolicy({ totalTimeout: 20000 })),
      Aerospike.status.ERR_UDF, 'endless loop')
    assert.match(String(err.message), /instructions/)
    err = await expectError(client.apply(key, udf('hog'), new Aerospike.policy.ApplyPolicy({ totalTimeout: 20000 })),
      Aerospike.status.ERR_UDF, 'memory bomb')
    assert.match(String(err.message), /not enough memory/)
    err = await expectError(client.apply(key, udf('shell')), Aerospike.status.ERR_UDF, 'os.execute')
    assert.match(String(err.message), /os/)
    assert.ok(!fs.existsSync('/tmp/asd-udf-escaped'))
    err = await expectError(client.apply(key, udf('read_file')), Aerospike.status.ERR_UDF, 'io.open')
    assert.match(String(err.message), /io/)
    err = await expectError(client.apply(key, udf('load_other')), Aerospike.status.ERR_UDF, 'require')
    assert.match(String(err.message), /not found/)
    // Still serving, and the module still works after the failures.
    assert.equal(await client.apply(key, udf('echo', [1])), 1)
    assert.equal((await client.get(key)).bins.a, 6)
  })

  await check('batchApply runs the UDF on every key; each row answers SUCCESS; a failing row fails the call', async () => {
    const keys = []
    for (let i = 0; i < 5; i++) {
      keys.push(new Aerospike.Key(ns, set, `batch-${i}`))
      await client.put(keys[i], { n: i })
    }
    const results = await client.batchApply(keys, udf('add', ['n', 10]))
    assert.equal(results.length, 5)
    results.forEach((r, i) => {
      assert.equal(r.status, Aerospike.status.OK)
      assert.equal(r.record.bins.SUCCESS, i + 10)
    })
    for (let i = 0; i < 5; i++) assert.equal((await client.get(keys[i])).bins.n, i + 10)
    // A row that fails makes the client reject the whole call, as with the real server.
    await expectError(client.batchApply(keys.slice(0, 2), udf('fail')), Aerospike.status.BATCH_FAILED, 'failing rows')
    for (let i = 0; i < 2; i++) assert.equal((await client.get(keys[i])).bins.n, i + 10)
  })

  await check('a module changed with udfRegister is the one the next apply runs', async () => {
    fs.writeFileSync(file, kModule.replace('return v\n', 'return "changed"\n'))
    await (await client.udfRegister(file)).wait(20)
    assert.equal(await client.apply(key, udf('echo', [1])), 'changed')
    await (await client.udfRemove('compat_apply.lua')).wait(20)
    await expectError(client.apply(key, udf('echo', [1])), Aerospike.status.ERR_UDF, 'removed module')
  })

  client.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

run('udf_apply', main)
