// Writes and reads a few records through the official Aerospike Node.js client.
const Aerospike = require('aerospike')

const host = process.env.ASD_HOST || '127.0.0.1:3000'

;(async () => {
  const client = await Aerospike.connect({ hosts: host })
  console.log(`connected to ${host}`)
  for (let i = 1; i <= 5; i++) {
    const key = new Aerospike.Key('test', 'demo', `user-${i}`)
    await client.put(key, { name: `user ${i}`, visits: i * 10, tags: ['a', 'b'], profile: { tier: i % 2 ? 'gold' : 'silver' } })
  }
  console.log('wrote 5 records to test/demo')
  for (let i = 1; i <= 5; i++) {
    const rec = await client.get(new Aerospike.Key('test', 'demo', `user-${i}`))
    console.log(`  user-${i}: gen=${rec.gen} bins=${JSON.stringify(rec.bins)}`)
  }
  const ops = [Aerospike.operations.incr('visits', 1), Aerospike.operations.read('visits')]
  const op = await client.operate(new Aerospike.Key('test', 'demo', 'user-1'), ops)
  console.log(`operate incr visits on user-1 -> ${op.bins.visits}`)
  const keys = [1, 2, 99].map(i => ({ key: new Aerospike.Key('test', 'demo', `user-${i}`), readAllBins: true }))
  const batch = await client.batchRead(keys)
  console.log(`batch read statuses (0 found, 2 missing): ${batch.map(r => r.status).join(',')}`)
  const scanned = await client.scan('test', 'demo').results()
  console.log(`scan of test/demo returned ${scanned.length} records`)
  await client.close()
})().catch(e => { console.error('demo failed:', e); process.exit(1) })
