'use strict'
// bench/exp: filter expressions and expression writes through the official Node.js client
// against one asd (started by bench/exp/run). Every figure is a ratio to a reference
// measured in the same run:
//   (1) a scan of every record with a filter expression matching 1% (a < 10, a = i % 1000),
//       against the same scan without a filter: time, records returned, and the bytes
//       that crossed the loopback interface meanwhile (/proc/net/dev; nearly all of it is
//       asd's answer, the requests are a few hundred bytes);
//   (2) operate with an expression write (c = a + 1, computed by the server) against the
//       same change as a plain write (c = the value, computed by the client), same keys,
//       same concurrency; with asd's CPU time per operation (/proc/<asd>/stat), which
//       tells the server's share from the client's.
// Environment: EB_RECORDS (1000000), EB_OPS (20000), EB_CONC (64), EB_REPEAT (3, the
// median is printed); ASD_PID (set by tests/compat/run_scenario.sh).
const fs = require('node:fs')
const { Aerospike, connect, parallel } = require('../../tests/compat/common')

const kRecords = Number(process.env.EB_RECORDS || 1000000)
const kOps = Number(process.env.EB_OPS || 20000)
const kConc = Number(process.env.EB_CONC || 64)
const kRepeat = Number(process.env.EB_REPEAT || 3)
const ns = 'test'
const set = 'eb'
const { exp } = Aerospike

function log (text) { process.stderr.write(`[${new Date().toISOString()}] ${text}\n`) }

function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

// Bytes the loopback interface has carried so far.
function loopbackBytes () {
  const line = fs.readFileSync('/proc/net/dev', 'utf8').split('\n').find(l => l.trim().startsWith('lo:'))
  return Number(line.split(':')[1].trim().split(/\s+/)[8])  // transmit bytes
}

function scanCount (client, policy) {
  return new Promise((resolve, reject) => {
    let n = 0
    const stream = client.scan(ns, set).foreach(policy)
    stream.on('data', () => { n++ })
    stream.on('error', reject)
    stream.on('end', () => resolve(n))
  })
}

async function measureScan (client, policy) {
  const before = loopbackBytes()
  const t0 = process.hrtime.bigint()
  const records = await scanCount(client, policy)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  return { ms, records, bytes: loopbackBytes() - before }
}

// asd's CPU time (user + system) so far, in ms.
function asdCpuMs () {
  const fields = fs.readFileSync(`/proc/${process.env.ASD_PID}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10  // clock ticks of 10 ms
}

// { rate: ops/s, cpuUs: asd CPU microseconds per op }
async function operateRun (client, makeOps) {
  const cpu0 = asdCpuMs()
  const t0 = process.hrtime.bigint()
  await parallel(kOps, kConc, i => client.operate(new Aerospike.Key(ns, set, i), makeOps(i)))
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  return { rate: kOps / s, cpuUs: (asdCpuMs() - cpu0) * 1000 / kOps }
}

async function main () {
  const client = await connect({ policies: { scan: new Aerospike.ScanPolicy({ socketTimeout: 60000, totalTimeout: 0 }) } })
  log(`loading ${kRecords} records (a = i % 1000, b = i)`)
  await parallel(kRecords, 256, i => client.put(new Aerospike.Key(ns, set, i), { a: i % 1000, b: i }))

  // (1) filtered scan against the unfiltered one, alternating.
  const filter = { filterExpression: exp.lt(exp.binInt('a'), exp.int(10)), socketTimeout: 60000, totalTimeout: 0 }
  const plain = { socketTimeout: 60000, totalTimeout: 0 }
  const runs = { filtered: [], plain: [] }
  for (let r = 0; r < kRepeat; r++) {
    runs.plain.push(await measureScan(client, plain))
    runs.filtered.push(await measureScan(client, filter))
  }
  const pick = (xs, f) => median(xs.map(f))
  const [f, p] = [runs.filtered, runs.plain]
  const fMs = pick(f, x => x.ms); const pMs = pick(p, x => x.ms)
  if (f[0].records !== kRecords / 100 || p[0].records !== kRecords) {
    throw new Error(`scan counts: filtered ${f[0].records} (want ${kRecords / 100}), plain ${p[0].records}`)
  }

  // (2) expression write against a plain write of the same value, alternating.
  const expW = []
  const plainW = []
  for (let r = 0; r < kRepeat; r++) {
    plainW.push(await operateRun(client, i => [Aerospike.operations.write('c', (i % 1000) + 1)]))
    expW.push(await operateRun(client, () => [exp.operations.write('c', exp.add(exp.binInt('a'), exp.int(1)), 0)]))
  }
  const check = await client.get(new Aerospike.Key(ns, set, 1234))
  if (check.bins.c !== 235) throw new Error(`exp write stored c = ${check.bins.c}, want 235`)

  const mb = b => (b / 1e6).toFixed(1)
  const rate = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en-US')
  console.log(`\nexpressions: ${kRecords.toLocaleString('en-US')} records, one asd, namespace in memory; medians of ${kRepeat}`)
  console.log('(1) scan of every record                 time ms  records returned  records examined/s  MB over loopback')
  console.log(`    no filter (reference)              ${pMs.toFixed(0).padStart(9)}  ${String(p[0].records).padStart(16)}  ${rate(kRecords, pMs).padStart(18)}  ${mb(pick(p, x => x.bytes)).padStart(17)}`)
  console.log(`    filter a < 10 (1%)                 ${fMs.toFixed(0).padStart(9)}  ${String(f[0].records).padStart(16)}  ${rate(kRecords, fMs).padStart(18)}  ${mb(pick(f, x => x.bytes)).padStart(17)}`)
  console.log(`    filtered / plain: time ${(fMs / pMs).toFixed(2)}, bytes ${(pick(f, x => x.bytes) / pick(p, x => x.bytes)).toFixed(3)}`)
  const e = median(expW.map(x => x.rate)); const w = median(plainW.map(x => x.rate))
  const ec = median(expW.map(x => x.cpuUs)); const wc = median(plainW.map(x => x.cpuUs))
  console.log(`(2) operate, ${kOps} keys, ${kConc} in flight: expression write ${Math.round(e).toLocaleString('en-US')} ops/s, plain write ${Math.round(w).toLocaleString('en-US')} ops/s, ratio ${(e / w).toFixed(2)}`)
  console.log(`    asd CPU per operation: expression write ${ec.toFixed(1)} us, plain write ${wc.toFixed(1)} us`)
  await client.close()
}

main().catch(e => { console.error(e); process.exit(1) })
