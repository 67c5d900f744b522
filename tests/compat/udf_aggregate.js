'use strict'
// udf_aggregate: stream UDFs (aggregations) with the official Node.js client: the
// server runs the stages up to the first reduce, the client's own Lua (modlua.userPath,
// the same module file) runs that reduce again and the rest. Counts, sums, a sum by
// group with aggregate + reduce, groupby, filter + map without a reduce (every value
// streams back), an aggregation over an index range, and a stream function that fails.
// See wire-protocol.md §10.4.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Aerospike, assert, connect, check, eventually, expectError, run } = require('./common')

const kModule = `-- compat test module for aggregations
function count(stream)
  local function one(rec) return 1 end
  local function add(a, b) return a + b end
  return stream : map(one) : reduce(add)
end

function sum_of(stream, bin)
  local function value(rec) return rec[bin] end
  local function add(a, b) return a + b end
  return stream : map(value) : reduce(add)
end

function sum_by_group(stream)
  local function into(groups, rec)
    local g = rec['g']
    groups[g] = (groups[g] or 0) + rec['n']
    return groups
  end
  local function merge(a, b)
    return map.merge(a, b, function(x, y) return x + y end)
  end
  return stream : aggregate(map(), into) : reduce(merge)
end

function members(stream)
  local function group(n) return 'g' .. (n % 4) end
  return stream : map(function(rec) return rec['n'] end) : groupby(group)
end

function evens(stream)
  local function even(rec) return rec['n'] % 2 == 0 end
  local function value(rec) return rec['n'] + 1000 end
  return stream : filter(even) : map(value)
end

function broken(stream)
  local function bad(rec) return rec['n'] + nil end
  return stream : map(bad)
end
`

const ns = 'test'
const set = 'agg'
const N = 400

async function main () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-agg-'))
  fs.writeFileSync(path.join(dir, 'compat_agg.lua'), kModule)
  const client = await connect({ modlua: { userPath: dir } })

  await check(`udfRegister and ${N} records (n, group g = n % 4) plus others in another set`, async () => {
    await (await client.udfRegister(path.join(dir, 'compat_agg.lua'))).wait(20)
    for (let i = 0; i < N; i++) await client.put(new Aerospike.Key(ns, set, i), { n: i, g: `g${i % 4}` })
    for (let i = 0; i < 20; i++) await client.put(new Aerospike.Key(ns, 'agg_other', i), { n: 1000, g: 'other' })
  })

  await check('count and sum over the set (map + reduce)', async () => {
    assert.equal(await client.query(ns, set).apply('compat_agg', 'count'), N)
    assert.equal(await client.query(ns, set).apply('compat_agg', 'sum_of', ['n']), N * (N - 1) / 2)
  })

  await check('sum by group: aggregate into a map on the server, merged by reduce', async () => {
    const got = await client.query(ns, set).apply('compat_agg', 'sum_by_group')
    const want = {}
    for (let i = 0; i < N; i++) want[`g${i % 4}`] = (want[`g${i % 4}`] || 0) + i
    assert.deepEqual(got, want)
  })

  await check('groupby returns each group with its members', async () => {
    const got = await client.query(ns, set).apply('compat_agg', 'members')
    assert.deepEqual(Object.keys(got).sort(), ['g0', 'g1', 'g2', 'g3'])
    for (const g of Object.keys(got)) {
      assert.deepEqual(got[g].sort((a, b) => a - b), Array.from({ length: N / 4 }, (_, i) => 4 * i + Number(g[1])), g)
    }
  })

  await check('filter + map without a reduce streams every value back (foreach)', async () => {
    const q = client.query(ns, set)
    q.setUdf('compat_agg', 'evens')
    const values = []
    await new Promise((resolve, reject) => {
      const stream = q.foreach()
      stream.on('data', v => values.push(v.bins))
      stream.on('error', reject)
      stream.on('end', resolve)
    })
    // The Node.js binding may deliver the last values after 'end' (its callbacks cross
    // threads): wait for them, then compare. (It also drops a value of 0, hence + 1000.)
    await eventually(() => values.length >= N / 2, 5000)
    assert.deepEqual(values.sort((a, b) => a - b), Array.from({ length: N / 2 }, (_, i) => 2 * i + 1000))
  })

  await check('an aggregation over an index range sees only the records the index selects', async () => {
    await (await client.createIntegerIndex({ ns, set, bin: 'n', index: 'agg_n' })).wait(20)
    const q = client.query(ns, set)
    q.where(Aerospike.filter.range('n', 100, 199))
    assert.equal(await q.apply('compat_agg', 'sum_of', ['n']), (100 + 199) * 100 / 2)
  })

  await check('a Lua error in a stage fails the query with status 100 (the message is in the node log)', async () => {
    await expectError(client.query(ns, set).apply('compat_agg', 'broken'), Aerospike.status.ERR_UDF, 'broken')
    // The node goes on serving.
    assert.equal(await client.query(ns, set).apply('compat_agg', 'count'), N)
  })

  client.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

run('udf_aggregate', main)
