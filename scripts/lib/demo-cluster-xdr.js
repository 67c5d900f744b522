// Multi-node XDR demo with the official Aerospike Node.js client: writes records into a
// 3-node DC1, kills one DC1 node (asd and xdr) with -9 in the middle of the writes, and
// shows every acknowledged record arriving in DC2 anyway (the surviving nodes take the
// dead node's shipping over).
//   env DC1_HOSTS (default the three example nodes), DC2_HOST, KILL_PIDS (pids to kill).
const Aerospike = require('aerospike')

const dc1Hosts = process.env.DC1_HOSTS || '127.0.0.1:3000,127.0.0.1:3010,127.0.0.1:3020'
const dc2Host = process.env.DC2_HOST || '127.0.0.1:3100'
const killPids = (process.env.KILL_PIDS || '').split(',').filter(Boolean).map(Number)
const total = Number(process.env.RECORDS || 20000)
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

;(async () => {
  const dc1 = await Aerospike.connect({ hosts: dc1Hosts, policies: { write: { totalTimeout: 5000 } } })
  const dc2 = await Aerospike.connect({ hosts: dc2Host })
  console.log(`connected to DC1 (${dc1Hosts}) and DC2 (${dc2Host})`)
  const acked = []
  let failed = 0
  let killedAt = null
  const writer = async (start, step) => {
    for (let i = start; i < total; i += step) {
      if (i >= total / 2 && killedAt === null && killPids.length) {
        killedAt = Date.now()
        for (const pid of killPids) process.kill(pid, 'SIGKILL')
        console.log(`  record ${i}: DC1 node killed with -9 (pids ${killPids.join(', ')})`)
      }
      const key = new Aerospike.Key('test', 'cluster-demo', i)
      try {
        await dc1.put(key, { n: i, written_in: 'DC1' })
        acked.push(i)
      } catch (e) {
        failed++  // a write in flight at the kill: not acknowledged, so not promised
      }
    }
  }
  const t0 = Date.now()
  await Promise.all(Array.from({ length: 8 }, (_, t) => writer(t, 8)))
  console.log(`wrote ${total} records into DC1 in ${Date.now() - t0} ms: ${acked.length} acknowledged, ${failed} failed during the kill`)

  // Every acknowledged record must reach DC2.
  let missing = acked
  const start = Date.now()
  while (missing.length) {
    const rows = []
    for (let at = 0; at < missing.length; at += 2000) {
      const keys = missing.slice(at, at + 2000).map(i => new Aerospike.Key('test', 'cluster-demo', i))
      rows.push(...await dc2.batchExists(keys))
    }
    missing = missing.filter((_, idx) => rows[idx].status !== Aerospike.status.OK)
    if (!missing.length) break
    if (Date.now() - start > 60000) throw new Error(`${missing.length} acknowledged records never reached DC2`)
    await sleep(200)
  }
  const since = killedAt ? ` (${Date.now() - killedAt} ms after the kill)` : ''
  console.log(`DC2 holds all ${acked.length} acknowledged records${since}`)
  await dc1.close()
  await dc2.close()
})().catch(e => { console.error('demo failed:', e); process.exit(1) })
