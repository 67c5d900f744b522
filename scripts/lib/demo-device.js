// The device demo's client side: `write N` puts N records (every 10th twice) into
// test/demo; `check N` reads them all back after the restart and says what it found.
const Aerospike = require('aerospike')

const host = process.env.ASD_HOST || '127.0.0.1:3000'
const [mode, countText] = process.argv.slice(2)
const count = Number(countText || 10000)

function key (i) { return new Aerospike.Key('test', 'demo', `user-${i}`) }

;(async () => {
  const client = await Aerospike.connect({ hosts: host })
  if (mode === 'write') {
    const policy = new Aerospike.WritePolicy({ totalTimeout: 10000 })
    for (let start = 0; start < count; start += 50) {
      const batch = []
      for (let i = start; i < Math.min(count, start + 50); i++) {
        batch.push(client.put(key(i), { name: `user ${i}`, visits: i }, {}, policy))
      }
      await Promise.all(batch)
    }
    for (let i = 0; i < count; i += 10) await client.put(key(i), { name: `user ${i}`, visits: i + 1 }, {}, policy)
    console.log(`wrote ${count} records to test/demo (every 10th twice: generation 2)`)
  } else {
    let found = 0
    let rewritten = 0
    for (let start = 0; start < count; start += 500) {
      const keys = []
      for (let i = start; i < Math.min(count, start + 500); i++) keys.push({ key: key(i), readAllBins: true })
      for (const r of await client.batchRead(keys)) {
        if (r.status !== 0) continue
        found++
        if (r.record.gen === 2) rewritten++
      }
    }
    const sample = await client.get(key(10))
    console.log(`after the restart: ${found} of ${count} records back, ${rewritten} at generation 2`)
    console.log(`  user-10: gen=${sample.gen} bins=${JSON.stringify(sample.bins)}`)
    if (found !== count) process.exitCode = 1
  }
  await client.close()
})().catch(e => { console.error('demo failed:', e); process.exit(1) })
