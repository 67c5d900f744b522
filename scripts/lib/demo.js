// XDR demo with the official Aerospike Node.js client: writes records into DC1, reads them
// back from DC2 as they arrive (with how long each took), then the other way round
// (active-active), and shows a delete travelling too.
const Aerospike = require('aerospike')

const dc1Host = process.env.DC1_HOST || '127.0.0.1:3000'
const dc2Host = process.env.DC2_HOST || '127.0.0.1:3100'
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// Polls `client` for `key` until `accept(record or null)` holds; returns [record, ms].
async function waitFor (client, key, accept, timeoutMs = 10000) {
  const start = Date.now()
  for (;;) {
    let rec = null
    try {
      rec = await client.get(key)
    } catch (e) {
      if (e.code !== Aerospike.status.ERR_RECORD_NOT_FOUND) throw e
    }
    if (accept(rec)) return [rec, Date.now() - start]
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${key.key} at ${client.config.hosts}`)
    await sleep(5)
  }
}

;(async () => {
  const dc1 = await Aerospike.connect({ hosts: dc1Host })
  const dc2 = await Aerospike.connect({ hosts: dc2Host })
  console.log(`connected to DC1 (${dc1Host}) and DC2 (${dc2Host})`)

  console.log('writing 5 records into DC1 test/xdr-demo, reading each one from DC2:')
  for (let i = 1; i <= 5; i++) {
    const key = new Aerospike.Key('test', 'xdr-demo', `user-${i}`)
    await dc1.put(key, { name: `user ${i}`, visits: i * 10, written_in: 'DC1', tags: ['a', 'b'] })
    const [rec, ms] = await waitFor(dc2, key, r => r !== null && r.bins.visits === i * 10)
    console.log(`  DC2 has user-${i} after ${ms} ms: ${JSON.stringify(rec.bins)}`)
  }

  console.log('updating user-1 in DC2 (active-active), reading it from DC1:')
  const key1 = new Aerospike.Key('test', 'xdr-demo', 'user-1')
  await dc2.put(key1, { visits: 999, written_in: 'DC2' })
  const [back, backMs] = await waitFor(dc1, key1, r => r !== null && r.bins.visits === 999)
  console.log(`  DC1 has user-1 after ${backMs} ms: ${JSON.stringify(back.bins)}`)

  console.log('deleting user-5 in DC1:')
  await dc1.remove(new Aerospike.Key('test', 'xdr-demo', 'user-5'))
  const [, goneMs] = await waitFor(dc2, new Aerospike.Key('test', 'xdr-demo', 'user-5'), r => r === null)
  console.log(`  gone from DC2 after ${goneMs} ms`)

  const inDc2 = await dc2.scan('test', 'xdr-demo').results()
  console.log(`scan of test/xdr-demo in DC2: ${inDc2.length} records`)
  await dc1.close()
  await dc2.close()
})().catch(e => { console.error('demo failed:', e); process.exit(1) })
