'use strict'
// bench/query: secondary-index queries, record UDFs and aggregations through the official
// Node.js client against one asd (started by bench/query/run). Every figure is a ratio to
// a reference measured in the same run, or a rate printed next to its inputs:
//   (1) a range query selecting 1% of the records through the index, against a full scan
//       filtered the same way by the client (both read every matching record);
//   (2) apply of a trivial record UDF (add 1 to a bin) against the same change by operate
//       (incr), same keys, same concurrency;
//   (3) an aggregation (sum by group: aggregate into a map, reduce merging maps) over all
//       records, in records per second.
// Environment: QB_RECORDS (1000000), QB_OPS (20000 applies / operates), QB_CONC (64),
// QB_REPEAT (3, the median is printed).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Aerospike, connect, parallel } = require('../../tests/compat/common')

const kRecords = Number(process.env.QB_RECORDS || 1000000)
const kOps = Number(process.env.QB_OPS || 20000)
const kConc = Number(process.env.QB_CONC || 64)
const kRepeat = Number(process.env.QB_REPEAT || 3)
const ns = 'test'
const set = 'qb'
const kGroups = 16

const kModule = `-- bench/query module
function add_one(rec)
  rec['c'] = (rec['c'] or 0) + 1
  aerospike:update(rec)
  return rec['c']
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
`

function log (text) { process.stderr.write(`[${new Date().toISOString()}] ${text}\n`) }

function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function timed (fn) {
  const t0 = process.hrtime.bigint()
  const result = await fn()
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result }
}

async function main () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-query-'))
  fs.writeFileSync(path.join(dir, 'bench_query.lua'), kModule)
  const client = await connect({ modlua: { userPath: dir } })
  await (await client.udfRegister(path.join(dir, 'bench_query.lua'))).wait(50)

  log(`loading ${kRecords} records (n = i, g = i % ${kGroups})`)
  await parallel(kRecords, 256, i => client.put(new Aerospike.Key(ns, set, i), { n: i, g: i % kGroups }))
  log('creating the index on n')
  await (await client.createIntegerIndex({ ns, set, bin: 'n', index: 'qb_n' })).wait(50)

  // (1) index range (1%) against a scan filtered by the client.
  const lo = Math.floor(kRecords / 2)
  const hi = lo + Math.floor(kRecords / 100) - 1
  const want = hi - lo + 1
  const queryMs = []
  const scanMs = []
  for (let r = 0; r < kRepeat; r++) {
    const q = await timed(async () => {
      const query = client.query(ns, set)
      query.where(Aerospike.filter.range('n', lo, hi))
      return (await query.results()).length
    })
    if (q.result !== want) throw new Error(`index query returned ${q.result} records, want ${want}`)
    queryMs.push(q.ms)
    const s = await timed(async () => {
      let n = 0
      for (const rec of await client.scan(ns, set).results()) {
        if (rec.bins.n >= lo && rec.bins.n <= hi) n++
      }
      return n
    })
    if (s.result !== want) throw new Error(`scan found ${s.result} records, want ${want}`)
    scanMs.push(s.ms)
    log(`round ${r + 1}: query ${q.ms.toFixed(0)} ms, scan ${s.ms.toFixed(0)} ms`)
  }

  // (2) apply against operate, the same change on the same keys.
  const applyRate = []
  const operateRate = []
  for (let r = 0; r < kRepeat; r++) {
    const a = await timed(() => parallel(kOps, kConc, i =>
      client.apply(new Aerospike.Key(ns, set, i), { module: 'bench_query', funcname: 'add_one' })))
    applyRate.push(kOps / (a.ms / 1000))
    const o = await timed(() => parallel(kOps, kConc, i =>
      client.operate(new Aerospike.Key(ns, set, i), [Aerospike.operations.incr('c', 1)])))
    operateRate.push(kOps / (o.ms / 1000))
    log(`round ${r + 1}: apply ${applyRate[r].toFixed(0)}/s, operate ${operateRate[r].toFixed(0)}/s`)
  }
  const check = await client.get(new Aerospike.Key(ns, set, 0))
  if (check.bins.c !== 2 * kRepeat) throw new Error(`bin c is ${check.bins.c}, want ${2 * kRepeat}`)

  // (3) aggregation over every record.
  const aggMs = []
  for (let r = 0; r < kRepeat; r++) {
    const g = await timed(() => client.query(ns, set).apply('bench_query', 'sum_by_group'))
    let total = 0
    for (const v of Object.values(g.result)) total += v
    if (total !== kRecords * (kRecords - 1) / 2) throw new Error(`aggregation sum ${total} is wrong`)
    aggMs.push(g.ms)
    log(`round ${r + 1}: aggregation ${g.ms.toFixed(0)} ms`)
  }

  const q = median(queryMs)
  const s = median(scanMs)
  const a = median(applyRate)
  const o = median(operateRate)
  const g = median(aggMs)
  console.log(`records ${kRecords}, groups ${kGroups}, medians of ${kRepeat} rounds`)
  console.log('| measurement | figure | reference | ratio |')
  console.log('|---|---|---|---|')
  console.log(`| range query, ${want} records (1%), through the index | ${q.toFixed(0)} ms | full scan filtered by the client: ${s.toFixed(0)} ms | ${(s / q).toFixed(1)}x faster |`)
  console.log(`| apply (add 1 to a bin), ${kOps} keys, ${kConc} in flight | ${a.toFixed(0)} ops/s | operate incr: ${o.toFixed(0)} ops/s | ${(a / o).toFixed(2)} |`)
  console.log(`| aggregation, sum by group over every record | ${(kRecords / (g / 1000)).toFixed(0)} records/s (${g.toFixed(0)} ms) | | |`)
  client.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

main().catch(e => { console.error(e); process.exit(1) })
