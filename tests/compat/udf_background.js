'use strict'
// udf_background: background scans and queries with the official Node.js client
// (scan.background, query.background with an index filter, query.operate), their jobs
// as job.wait() and job.info() poll them through query-show, query-abort of a running
// job, and a job refused for a missing index. See wire-protocol.md §9.8 and §10.5.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Aerospike, assert, connect, check, expectError, rawInfo, run } = require('./common')

const kModule = `-- compat test module for background jobs
function bump(rec, n)
  rec['n'] = rec['n'] + n
  aerospike:update(rec)
end

function slow(rec)
  local x = 0
  for i = 1, 200000 do x = x + i end
  rec['slow'] = x
  aerospike:update(rec)
end

function fails(rec)
  error('no')
end
`

const ns = 'test'
const set = 'bg'
const N = 300

function key (i) { return new Aerospike.Key(ns, set, i) }

async function values (client, bin, count = N, s = set) {
  const out = []
  for (let i = 0; i < count; i++) out.push((await client.get(new Aerospike.Key(ns, s, i))).bins[bin])
  return out
}

async function main () {
  const client = await connect()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-bg-'))
  const file = path.join(dir, 'compat_bg.lua')
  fs.writeFileSync(file, kModule)

  await check(`udfRegister and ${N} records in set ${set}, 10 in another set`, async () => {
    await (await client.udfRegister(file)).wait(20)
    for (let i = 0; i < N; i++) await client.put(key(i), { n: i })
    for (let i = 0; i < 10; i++) await client.put(new Aerospike.Key(ns, 'bg_other', i), { n: i })
  })

  await check('scan.background applies the UDF to every record of the set; job.wait completes', async () => {
    const job = await client.scan(ns, set).background('compat_bg', 'bump', [1000])
    await job.wait(50)
    const info = await job.info()
    assert.equal(info.status, Aerospike.jobStatus.COMPLETED, JSON.stringify(info))
    assert.equal(info.recordsRead, N, JSON.stringify(info))
    assert.deepEqual(await values(client, 'n'), Array.from({ length: N }, (_, i) => i + 1000))
    assert.deepEqual(await values(client, 'n', 10, 'bg_other'), Array.from({ length: 10 }, (_, i) => i))
  })

  await check('query-show answers the job with status done(ok), progress 100 and its counts', async () => {
    const job = await client.scan(ns, set).background('compat_bg', 'bump', [0])
    await job.wait(50)
    const raw = await rawInfo(`query-show:trid=${job.jobID}\n`)
    assert.match(raw, new RegExp(`trid=${job.jobID}:`))
    assert.match(raw, /:status=done\(ok\):/)
    assert.match(raw, /:job-progress=100\.00:/)
    assert.match(raw, new RegExp(`:recs-succeeded=${N}:recs-failed=0`))
    assert.match(await rawInfo('query-show:trid=424242\n'), /ERROR:2:job not found/)
  })

  await check('query.background with a range filter changes only the records the index selects', async () => {
    await (await client.createIntegerIndex({ ns, set, bin: 'n', index: 'bg_n' })).wait(20)
    const q = client.query(ns, set)
    q.where(Aerospike.filter.range('n', 1000, 1099))
    const job = await q.background('compat_bg', 'bump', [1000000])
    await job.wait(50)
    const got = await values(client, 'n')
    const want = Array.from({ length: N }, (_, i) => i < 100 ? i + 1001000 : i + 1000)
    assert.deepEqual(got, want)
  })

  await check('query.operate applies write operations to every record in the background', async () => {
    const job = await client.query(ns, set).operate([Aerospike.operations.write('tag', 'seen'),
      Aerospike.operations.incr('count', 1)])
    await job.wait(50)
    assert.deepEqual(await values(client, 'tag'), Array(N).fill('seen'))
    assert.deepEqual(await values(client, 'count'), Array(N).fill(1))
  })

  await check('a UDF that fails counts as recs-failed; the job still completes', async () => {
    const job = await client.scan(ns, set).background('compat_bg', 'fails', [])
    await job.wait(50)
    const raw = await rawInfo(`query-show:trid=${job.jobID}\n`)
    assert.match(raw, new RegExp(`:recs-succeeded=0:recs-failed=${N}`))
  })

  await check('query-abort stops a running job: done(user-aborted) before every record', async () => {
    for (let i = N; i < 3000; i++) await client.put(key(i), { n: i })
    const job = await client.scan(ns, set).background('compat_bg', 'slow', [])
    const abort = await rawInfo(`query-abort:trid=${job.jobID}\n`)
    assert.match(abort, /OK/)
    await job.wait(50)
    const raw = await rawInfo(`query-show:trid=${job.jobID}\n`)
    assert.match(raw, /status=done\(user-aborted\)/)
    const done = Number(raw.match(/recs-succeeded=(\d+)/)[1])
    assert.ok(done < 3000, raw)
    assert.match(await rawInfo('query-abort:trid=99\n'), /ERROR/)
  })

  await check('a background query on a bin without an index is refused with 201', async () => {
    const q = client.query(ns, set)
    q.where(Aerospike.filter.equal('no_index_here', 1))
    await expectError(q.background('compat_bg', 'bump', [1]), Aerospike.status.ERR_INDEX_NOT_FOUND, 'no index')
  })

  client.close()
  fs.rmSync(dir, { recursive: true, force: true })
}

run('udf_background', main)
