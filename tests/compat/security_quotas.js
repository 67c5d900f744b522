'use strict'
// security_quotas: rate quotas with the official Node.js client (aerospike@6.7.1) on a
// node with `security { enable-quotas true }`.
//
// Self-hosted (cluster_kit.js starts the node; raw info logs in as admin).
//   1. createRole(name, privileges, policy, whitelist, readQuota, writeQuota) and
//      setQuotas(role, readQuota, writeQuota): queryRole(s) answer the quotas; 0 takes a
//      limit away; a predefined role takes none (70);
//   2. a user of a role with a write quota of N writes 3N times within one second: N go
//      through, the rest fail with QUOTA_EXCEEDED (83); the next second N go through
//      again; reads are not limited;
//   3. queryUser answers readInfo/writeInfo [quota, tps, scan/query rps, limitless]: the
//      quota and the measured rate;
//   4. scans: without recordsPerSecond a user with a read quota is refused (83), with one
//      within the quota it runs; a background scan job holds its recordsPerSecond of the
//      write quota until it ends;
//   5. the audit log has the quota violations.
// Environment: ASD_BIN, COMPAT_KEEP_TMP=1.

const fs = require('node:fs')
const K = require('./cluster_kit')
const { kAdminCredential } = require('./cluster_wire')
const { assert, log, step } = K

const kName = 'security_quotas'
const kWriteQuota = 20
const kReadQuota = 500

// The result of one command: 'ok' or the error code.
async function outcome (fn) {
  try {
    await fn()
    return 'ok'
  } catch (e) {
    return e && typeof e.code === 'number' ? e.code : String(e)
  }
}

const second = () => Math.floor(Date.now() / 1000)

// Runs `count` commands one after another starting right after a wall-clock second
// begins (the node counts by the same clock); tallies the outcomes. Tries again, up to 5
// times, when the burst spilled into the next second.
async function burst (count, command) {
  for (let round = 0; round < 5; round++) {
    const start = second()
    while (second() === start) await K.sleep(1)
    const at = second()
    const tally = {}
    for (let i = 0; i < count; i++) {
      const got = await outcome(() => command(i))
      tally[got] = (tally[got] || 0) + 1
    }
    if (second() === at) return tally
    log(`burst spread over two seconds (${JSON.stringify(tally)}); again`)
  }
  throw new Error('no burst fit in one second in 5 tries')
}

async function main () {
  const A = K.aerospike()
  const cluster = new K.Cluster({
    clusterName: 'quotas',
    namespaces: [{ name: 'test', replicationFactor: 1 }],
    security: ['enable-quotas true', 'tps-weight 2', 'log {', '  report-violation true', '}']
  })
  K.setRawLogin('admin', kAdminCredential)
  const nodes = await step('start an asd with security { enable-quotas true }', async () => {
    const started = await cluster.start(1)
    await cluster.waitClusterSize(started, 1, 15000)
    return started
  })
  const admin = await step('admin connects', async () => {
    const c = await K.connect(nodes, { user: 'admin', password: 'admin' })
    await K.waitClientNodes(c, 1, 10000)
    return c
  })
  const P = (code, ns, set) => new A.admin.Privilege(code, { namespace: ns, set })
  const C = A.privilegeCode

  // ---- 1. quotas on roles
  await step('createRole with quotas; queryRole(s) answer them', async () => {
    await admin.createRole('limited', [P(C.READ_WRITE, 'test')], null, [], kReadQuota, kWriteQuota)
    await admin.createRole('plain', [P(C.READ, 'test')])
    const role = await admin.queryRole('limited')
    assert.equal(role.readQuota, kReadQuota)
    assert.equal(role.writeQuota, kWriteQuota)
    const plain = await admin.queryRole('plain')
    assert.equal(plain.readQuota, 0)
    assert.equal(plain.writeQuota, 0)
    const all = await admin.queryRoles()
    const listed = all.find(r => r.name === 'limited')
    assert.deepEqual([listed.readQuota, listed.writeQuota], [kReadQuota, kWriteQuota])
  })
  await step('setQuotas changes them; 0 takes a limit away; a predefined role takes none (70)', async () => {
    await admin.setQuotas('plain', 7, 9)
    let plain = await admin.queryRole('plain')
    assert.deepEqual([plain.readQuota, plain.writeQuota], [7, 9])
    await admin.setQuotas('plain', 0, 9)
    plain = await admin.queryRole('plain')
    assert.deepEqual([plain.readQuota, plain.writeQuota], [0, 9])
    assert.equal(await outcome(() => admin.setQuotas('read', 10, 10)), A.status.INVALID_ROLE)
    assert.equal(await outcome(() => admin.setQuotas('no-such-role', 10, 10)), A.status.INVALID_ROLE)
  })

  // ---- 2. enforcement
  await admin.createUser('app', 'app-pw', ['limited'])
  const app = await step('a user of the limited role connects', async () => {
    const c = await K.connect(nodes, { user: 'app', password: 'app-pw' })
    await K.waitClientNodes(c, 1, 10000)
    // The client has the partition map once a write finds the node.
    const end = Date.now() + 10000
    while (await outcome(() => c.put(new A.Key('test', 'q', 0), { v: 0 })) !== 'ok') {
      if (Date.now() > end) throw new Error('no write went through in 10 s')
      await K.sleep(100)
    }
    return c
  })
  const key = i => new A.Key('test', 'q', i)
  const put = i => app.put(key(i % 50), { v: i })
  await step(`3 x ${kWriteQuota} writes in one second: ${kWriteQuota} go through, the rest get 83`, async () => {
    const tally = await burst(3 * kWriteQuota, put)
    assert.deepEqual(tally, { ok: kWriteQuota, [A.status.QUOTA_EXCEEDED]: 2 * kWriteQuota })
  })
  await step('the next second they go through again; reads are not limited', async () => {
    const tally = await burst(kWriteQuota + 100, i => i < kWriteQuota ? put(i) : app.get(key(i % kWriteQuota)))
    assert.deepEqual(tally, { ok: kWriteQuota + 100 })
  })

  // ---- 3. the measured rates
  await step('queryUser: readInfo/writeInfo [quota, tps, rps, limitless]', async () => {
    // The rate covers finished seconds: let the bursts' second end.
    const now = second()
    while (second() === now) await K.sleep(10)
    const user = await admin.queryUser('app')
    assert.deepEqual(user.roles, ['limited'])
    assert.equal(user.writeInfo.length, 4)
    assert.equal(user.readInfo.length, 4)
    assert.equal(user.writeInfo[0], kWriteQuota)
    assert.equal(user.readInfo[0], kReadQuota)
    assert.ok(user.writeInfo[1] > 0 && user.writeInfo[1] <= kWriteQuota, `write tps ${user.writeInfo}`)
    assert.ok(user.readInfo[1] > 0, `read tps ${user.readInfo}`)
    assert.deepEqual(user.writeInfo.slice(2), [0, 0])
    const me = await app.queryUser('app')
    assert.equal(me.writeInfo[0], kWriteQuota)
  })

  // ---- 4. scans reserve their records per second
  await step('a scan without recordsPerSecond is refused (83); one within the quota runs', async () => {
    assert.equal(await outcome(() => app.scan('test', 'q').results()), A.status.QUOTA_EXCEEDED)
    const records = await app.scan('test', 'q').results({ recordsPerSecond: 400 })
    assert.ok(records.length > 0 && records.length <= 50, `${records.length} records`)
    assert.equal(await outcome(() => app.scan('test', 'q').results({ recordsPerSecond: kReadQuota + 1 })),
      A.status.QUOTA_EXCEEDED)
  })
  await step('a background job holds its recordsPerSecond of the write quota while it runs', async () => {
    // The Node client sends no limit with a query's background job: refused.
    const write = [A.operations.write('w', 1)]
    assert.equal(await outcome(() => app.query('test', 'q').operate(write)), A.status.QUOTA_EXCEEDED)
    const job = await app.scan('test', 'q').operate(write, { recordsPerSecond: 10 })
    // 20 records at 10 a second: about 2 s, during which the job holds 10 of the 20.
    await K.sleep(500)
    assert.deepEqual((await admin.queryUser('app')).writeInfo.slice(2), [10, 0])
    await job.wait(100)
    assert.deepEqual((await admin.queryUser('app')).writeInfo.slice(2), [0, 0])
    const rec = await app.get(key(3))
    assert.equal(rec.bins.w, 1)
  })

  // ---- 5. audit
  await step('the audit log has the quota violations', async () => {
    const text = nodes.flatMap(n => n.logs.map(l => fs.readFileSync(l, 'utf8'))).join('')
    assert.match(text, /quota exceeded \| client: 127\.0\.0\.1:\d+ \| authenticated user: app \| action: write \| detail: ns=test;set=q/)
  })
  app.close()
  admin.close()
  for (const n of nodes) await n.kill9()
  log('done')
}

K.run(kName, main, 240)
