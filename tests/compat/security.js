'use strict'
// security: access control with the official Node.js client (aerospike@6.7.1) on a
// 2-node cluster with a `security { }` stanza.
//
// Self-hosted (cluster_kit.js starts the nodes; raw info logs in as admin).
//   1. no credentials: the client cannot connect (80); a wrong password: 65; admin/admin
//      (the first start's user, role user-admin only) connects;
//   2. the admin API: createRole with privileges scoped to a namespace or a set,
//      createUser, queryUser(s), queryRole(s), grant/revoke roles and privileges,
//      setWhitelist; setQuotas is refused (74: no enable-quotas here, see security_quotas.js);
//   3. a table of users, one privilege each, against a table of commands: each privilege
//      allows exactly what it names and nothing else (81 otherwise), scoped to a set it
//      does not reach the other set, batch rows are checked one by one;
//   4. a user created through node A (raw admin protocol) logs in through node B alone;
//   5. changePassword: the old password stops working, the new one works; dropUser;
//   6. session tokens: a token node A issued authenticates on node B; on a second cluster
//      with session-ttl 3 s it is refused with 66 after that, and a client keeps working
//      (it logs in again);
//   7. malformed admin frames get result codes and the node keeps serving;
//   8. the audit log has the logins, user administration and violations.
// Environment: ASD_BIN, COMPAT_KEEP_TMP=1.

const fs = require('node:fs')
const net = require('node:net')
const K = require('./cluster_kit')
const { protoHeader, adminField, adminBody, kAdminCredential } = require('./cluster_wire')
const { assert, log, step } = K

const kName = 'security'
const kSessionTtl = 3
// User and role changes reach the other node through the cluster's system metadata a
// moment after the answer (as on the real server; its own admin suite waits 300 ms).
const kSettleMs = 300
const settle = () => K.sleep(kSettleMs)

// ---- raw admin protocol (wire-protocol §1.6)

function proto (type, body) {
  return Buffer.concat([protoHeader(type, body.length), body])
}

// Sends raw bytes on one socket and collects `count` answer protos: [{ type, body }].
function exchange (port, bytes, count, ms = 5000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    let got = Buffer.alloc(0)
    const out = []
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer from ${port}, got ${out.length}`)) }, ms)
    sock.on('connect', () => sock.write(bytes))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      while (got.length >= 8) {
        const h = got.readBigUInt64BE(0)
        const size = Number(h & 0xffffffffffffn)
        if (got.length < 8 + size) break
        out.push({ type: Number((h >> 48n) & 0xffn), body: got.subarray(8, 8 + size) })
        got = got.subarray(8 + size)
      }
      if (out.length >= count) { clearTimeout(timer); sock.destroy(); resolve(out) }
    })
    sock.on('error', e => { clearTimeout(timer); reject(e) })
  })
}

// Fields of one answer body after its 16-byte header: { id: Buffer }.
function answerFields (body) {
  const fields = {}
  let p = 16
  for (let i = 0; i < body[3]; i++) {
    const len = body.readUInt32BE(p)
    fields[body[p + 4]] = body.subarray(p + 5, p + 4 + len)
    p += 4 + len
  }
  return fields
}

async function rawLogin (port, user, credential) {
  const [answer] = await exchange(port, proto(2, adminBody(20, [adminField(0, user), adminField(3, credential)])), 1)
  assert.equal(answer.type, 2)
  const fields = answerFields(answer.body)
  return { code: answer.body[1], token: fields[5], ttl: fields[6] ? fields[6].readUInt32BE(0) : null }
}

async function rawAuthenticate (port, user, token) {
  const [answer] = await exchange(port, proto(2, adminBody(0, [adminField(0, user), adminField(5, token)])), 1)
  return answer.body[1]
}

// ---- the client side

async function connectAs (nodes, user, password) {
  return K.connect(nodes, user === null ? {} : { user, password })
}

async function refusedConnect (nodes, user, password) {
  let client = null
  try {
    client = await connectAs(nodes, user, password)
    await client.get(new (K.aerospike().Key)('test', 'A', 'x'))
  } catch (e) {
    if (client) client.close()
    return e
  }
  client.close()
  throw new Error(`${user}: the client was served`)
}

// The result of one command: 'ok' or the error code.
async function outcome (fn) {
  try {
    const r = await fn()
    if (typeof r === 'string' && r.includes('ERROR:')) return Number(r.split('ERROR:')[1].split(':')[0])
    return 'ok'
  } catch (e) {
    if (e && e.code === 2) return 'ok' // record not found: the read itself was allowed
    return e && typeof e.code === 'number' ? e.code : String(e)
  }
}

async function main () {
  const A = K.aerospike()
  const cluster = new K.Cluster({
    clusterName: 'secure',
    namespaces: [{ name: 'test', replicationFactor: 2 }],
    security: [
      'log {',
      '  report-authentication true',
      '  report-user-admin true',
      '  report-sys-admin true',
      '  report-violation true',
      '  report-data-op test audited',
      '}'
    ]
  })
  K.setRawLogin('admin', kAdminCredential)
  const nodes = await step('start 2 asd nodes with security { }', () => cluster.start(2))
  await step('one cluster of size 2', () => cluster.waitClusterSize(nodes, 2, 15000))

  // ---- 1. connecting
  await step('without credentials the client cannot connect; raw info is refused with 80', async () => {
    await refusedConnect(nodes, null)
    K.setRawLogin(null)
    assert.match(await nodes[0].info('status'), /^ERROR:80:not authenticated/)
    K.setRawLogin('admin', kAdminCredential)
    assert.equal((await nodes[0].info('status')).trim(), 'ok')
  })
  await step('a wrong password is refused with 65 (invalid credential), an unknown user with 60', async () => {
    const e = await refusedConnect(nodes, 'admin', 'wrong')
    assert.equal(e.code, A.status.INVALID_CREDENTIAL, K.describeError(e))
    const u = await refusedConnect(nodes, 'nobody', 'admin')
    assert.equal(u.code, A.status.INVALID_USER, K.describeError(u))
  })
  const admin = await step('admin/admin connects and is user-admin only', async () => {
    const c = await connectAs(nodes, 'admin', 'admin')
    await K.waitClientNodes(c, 2, 10000)
    const me = await c.queryUser('admin')
    assert.deepEqual(me.roles, ['user-admin'])
    assert.deepEqual(me.readInfo, [0, 0, 0, 0])
    assert.equal(await outcome(() => c.put(new A.Key('test', 'A', 1), { v: 1 })), A.status.ROLE_VIOLATION)
    return c
  })

  // ---- 2. the admin API
  const P = (code, ns, set) => new A.admin.Privilege(code, { namespace: ns, set })
  const C = A.privilegeCode
  const roles = {
    r_read: [P(C.READ, 'test')],
    r_write: [P(C.WRITE, 'test')],
    r_seta: [P(C.READ_WRITE, 'test', 'A')],
    r_udf: [P(C.READ_WRITE_UDF, 'test')],
    r_truncate: [P(C.TRUNCATE, 'test', 'B')]
  }
  await step('createRole with privileges scoped to a namespace and to a set; queryRole(s)', async () => {
    for (const [name, privileges] of Object.entries(roles)) await admin.createRole(name, privileges)
    await settle()
    const seta = await admin.queryRole('r_seta')
    assert.equal(seta.name, 'r_seta')
    assert.deepEqual(seta.privileges.map(p => [p.code, p.namespace, p.set]), [[C.READ_WRITE, 'test', 'A']])
    assert.deepEqual(seta.whitelist, [])
    const all = (await admin.queryRoles()).map(r => r.name)
    for (const r of ['user-admin', 'sys-admin', 'data-admin', 'udf-admin', 'sindex-admin', 'read', 'read-write',
      'read-write-udf', 'write', 'truncate', ...Object.keys(roles)]) assert.ok(all.includes(r), `${r} in ${all}`)
    const e = await outcome(() => admin.createRole('r_read', [P(C.READ, 'test')]))
    assert.equal(e, A.status.ROLE_ALREADY_EXISTS)
    assert.equal(await outcome(() => admin.queryRole('nope')), A.status.INVALID_ROLE)
  })
  await step('grantPrivileges, revokePrivileges, setWhitelist; setQuotas is refused (74)', async () => {
    await admin.createRole('r_tmp', [P(C.READ, 'test')])
    await settle()
    await admin.grantPrivileges('r_tmp', [P(C.SINDEX_ADMIN)])
    await settle()
    assert.deepEqual((await admin.queryRole('r_tmp')).privileges.map(p => p.code), [C.READ, C.SINDEX_ADMIN])
    await admin.revokePrivileges('r_tmp', [P(C.READ, 'test')])
    await settle()
    assert.deepEqual((await admin.queryRole('r_tmp')).privileges.map(p => p.code), [C.SINDEX_ADMIN])
    await admin.setWhitelist('r_tmp', ['127.0.0.1', '10.0.0.0/8'])
    await settle()
    assert.deepEqual((await admin.queryRole('r_tmp')).whitelist, ['127.0.0.1', '10.0.0.0/8'])
    assert.equal(await outcome(() => admin.setQuotas('r_tmp', 100, 100)), A.status.QUOTAS_NOT_ENABLED)
    await admin.dropRole('r_tmp')
    await settle()
    assert.equal(await outcome(() => admin.queryRole('r_tmp')), A.status.INVALID_ROLE)
  })
  const users = {
    u_read: ['r_read'],
    u_write: ['r_write'],
    u_seta: ['r_seta'],
    u_udf: ['r_udf'],
    u_truncate: ['r_truncate'],
    u_sindex: ['sindex-admin'],
    u_udfadmin: ['udf-admin'],
    u_sysadmin: ['sys-admin'],
    u_dataadmin: ['data-admin'],
    u_none: []
  }
  await step('createUser with roles, queryUser(s), grantRoles, revokeRoles', async () => {
    for (const [name, list] of Object.entries(users)) await admin.createUser(name, `pw-${name}`, list)
    await settle()
    assert.equal(await outcome(() => admin.createUser('u_read', 'x')), A.status.USER_ALREADY_EXISTS)
    assert.equal(await outcome(() => admin.createUser('u_bad', 'x', ['no-such-role'])), A.status.INVALID_ROLE)
    const all = await admin.queryUsers()
    for (const name of ['admin', ...Object.keys(users)]) assert.ok(all.some(u => u.name === name), name)
    assert.deepEqual((await admin.queryUser('u_seta')).roles, ['r_seta'])
    await admin.grantRoles('u_none', ['read'])
    await settle()
    assert.deepEqual((await admin.queryUser('u_none')).roles, ['read'])
    await admin.revokeRoles('u_none', ['read'])
    await settle()
    assert.deepEqual((await admin.queryUser('u_none')).roles, [])
    assert.equal(await outcome(() => admin.queryUser('ghost')), A.status.INVALID_USER)
  })

  // ---- 3. each privilege allows what it names and nothing else
  const udfFile = require('node:path').join(require('node:os').tmpdir(), `sec_udf_${process.pid}.lua`)
  fs.writeFileSync(udfFile, 'function ident(rec, v)\n  return v\nend\n')
  process.on('exit', () => fs.rmSync(udfFile, { force: true }))
  const clients = {}
  await step('every test user logs in', async () => {
    for (const name of Object.keys(users)) clients[name] = await connectAs(nodes, name, `pw-${name}`)
  })
  await step('udf-admin registers a UDF module (needed by the udf rows)', async () => {
    const job = await clients.u_udfadmin.udfRegister(udfFile)
    await job.wait(50)
  })
  const key = (set, i) => new A.Key('test', set, i)
  let indexCount = 0
  const commands = {
    get_A: c => c.get(key('A', 1)),
    put_A: c => c.put(key('A', 1), { v: 1 }),
    get_B: c => c.get(key('B', 1)),
    put_B: c => c.put(key('B', 1), { v: 1 }),
    operate_A: c => c.operate(key('A', 2), [A.operations.write('v', 2), A.operations.read('v')]),
    apply_A: c => c.apply(key('A', 1), { module: require('node:path').basename(udfFile, '.lua'), funcname: 'ident', args: [1] }),
    scan_A: c => c.scan('test', 'A').results(),
    scan_B: c => c.scan('test', 'B').results(),
    truncate_B: c => c.truncate('test', 'B', 0),
    sindex: c => c.createIntegerIndex({ ns: 'test', set: 'A', bin: 'v', index: `sec_idx_${indexCount++}` }),
    udf_put: c => c.udfRegister(udfFile).then(job => job.wait(50)),
    set_config: c => c.infoAny('set-config:context=service;ticker-interval=0')
  }
  const ok = 'ok'
  const no = A.status.ROLE_VIOLATION
  // user -> expected outcome per command, in the order of `commands`.
  const table = {
    //              get_A put_A get_B put_B oper_A apply scan_A scan_B trunc sindex udfput setcfg
    u_read: [ok, no, ok, no, no, no, ok, ok, no, no, no, no],
    u_write: [no, ok, no, ok, no, no, no, no, no, no, no, no],
    u_seta: [ok, ok, no, no, ok, no, ok, no, no, no, no, no],
    u_udf: [ok, ok, ok, ok, ok, ok, ok, ok, no, no, no, no],
    u_truncate: [no, no, no, no, no, no, no, no, ok, no, no, no],
    u_sindex: [no, no, no, no, no, no, no, no, no, ok, no, no],
    u_udfadmin: [no, no, no, no, no, no, no, no, no, no, ok, no],
    u_sysadmin: [no, no, no, no, no, no, no, no, no, no, no, ok],
    u_dataadmin: [no, no, no, no, no, no, no, no, ok, ok, ok, no],
    u_none: [no, no, no, no, no, no, no, no, no, no, no, no]
  }
  await step('the privilege table: each user against each command', async () => {
    const names = Object.keys(commands)
    const wrong = []
    for (const [user, expected] of Object.entries(table)) {
      for (let i = 0; i < names.length; i++) {
        const got = await outcome(() => commands[names[i]](clients[user]))
        if (got !== expected[i]) wrong.push(`${user} ${names[i]}: got ${got}, want ${expected[i]}`)
      }
    }
    assert.deepEqual(wrong, [])
  })
  await step('batch rows are checked one by one: set A allowed, set B refused (81)', async () => {
    const rows = await clients.u_seta.batchRead([{ key: key('A', 1), readAllBins: true }, { key: key('B', 1), readAllBins: true }])
    assert.deepEqual(rows.map(r => r.status), [A.status.OK, A.status.ROLE_VIOLATION])
  })

  // ---- 4. created through node A, logs in through node B
  await step('a user created through node A (raw admin protocol) logs in through node B alone', async () => {
    const login = await rawLogin(nodes[0].port, 'admin', kAdminCredential)
    assert.equal(login.code, 0)
    const create = adminBody(1, [adminField(0, 'u_cross'), adminField(1, kAdminCredential),
      adminField(10, Buffer.concat([Buffer.from([1, 4]), Buffer.from('read')]))])
    const bytes = Buffer.concat([proto(2, adminBody(0, [adminField(0, 'admin'), adminField(5, login.token)])), proto(2, create)])
    const answers = await exchange(nodes[0].port, bytes, 2)
    assert.deepEqual(answers.map(a => a.body[1]), [0, 0])
    await settle()
    const c = await connectAs([nodes[1]], 'u_cross', 'admin')
    assert.equal(await outcome(() => c.get(key('A', 1))), ok)
    c.close()
  })

  // ---- 5. passwords
  await step('changePassword: the old password stops working, the new one works; dropUser', async () => {
    await admin.createUser('u_pw', 'first', ['read'])
    await settle()
    const c = await connectAs(nodes, 'u_pw', 'first')
    await c.changePassword('u_pw', 'second')
    c.close()
    await settle()
    const e = await refusedConnect(nodes, 'u_pw', 'first')
    assert.equal(e.code, A.status.INVALID_CREDENTIAL, K.describeError(e))
    const again = await connectAs(nodes, 'u_pw', 'second')
    assert.equal(await outcome(() => again.get(key('A', 1))), ok)
    again.close()
    await admin.setPassword('u_pw', 'third')
    await settle()
    await connectAs(nodes, 'u_pw', 'third').then(x => x.close())
    await admin.dropUser('u_pw')
    await settle()
    const gone = await refusedConnect(nodes, 'u_pw', 'third')
    assert.equal(gone.code, A.status.INVALID_USER, K.describeError(gone))
  })

  // ---- 6. tokens
  await step('a token node A issued authenticates on node B, for its user only', async () => {
    const login = await rawLogin(nodes[0].port, 'admin', kAdminCredential)
    assert.equal(login.code, 0)
    assert.equal(login.ttl, 86400)
    assert.equal(await rawAuthenticate(nodes[1].port, 'admin', login.token), 0)
    assert.equal(await rawAuthenticate(nodes[1].port, 'u_read', login.token), A.status.INVALID_CREDENTIAL)
  })

  // ---- 7. malformed admin frames
  await step('malformed admin frames get result codes; the node keeps serving', async () => {
    const cases = [
      [Buffer.alloc(3), 54], // shorter than the admin header
      [Buffer.concat([adminBody(20, []).fill(1, 0, 1)]), 53], // unknown scheme
      [Buffer.concat([adminBody(20, [adminField(0, 'admin')]).subarray(0, 20)]), 55], // a field header cut short
      [(() => { const b = adminBody(20, [adminField(0, 'admin')]); b.writeUInt32BE(1000, 16); return b })(), 55],
      [(() => { const b = adminBody(20, [adminField(0, 'admin')]); b.writeUInt32BE(0, 16); return b })(), 55],
      [adminBody(99, []), 80], // unknown command, not logged in
      [adminBody(20, [adminField(0, 'admin')]), 65] // login without a credential
    ]
    for (const [body, code] of cases) {
      const [answer] = await exchange(nodes[0].port, proto(2, body), 1)
      assert.equal(answer.type, 2)
      assert.equal(answer.body[1], code, `answer to ${body.toString('hex')}`)
    }
    const login = await rawLogin(nodes[0].port, 'admin', kAdminCredential)
    const unknown = Buffer.concat([proto(2, adminBody(0, [adminField(0, 'admin'), adminField(5, login.token)])), proto(2, adminBody(99, []))])
    assert.deepEqual((await exchange(nodes[0].port, unknown, 2)).map(a => a.body[1]), [0, 54])
    assert.equal((await nodes[0].info('status')).trim(), 'ok')
    assert.equal(await outcome(() => clients.u_read.get(key('A', 1))), ok)
  })

  // ---- 8. audit
  await step('the audit log has logins, user administration, violations and data ops', async () => {
    await clients.u_udf.put(new A.Key('test', 'audited', 1), { v: 1 })
    const text = nodes.flatMap(n => n.logs.map(l => fs.readFileSync(l, 'utf8'))).join('')
    assert.match(text, /permitted \| client: 127\.0\.0\.1:\d+ \| authenticated user: admin \| action: login \| detail: user=admin/)
    assert.match(text, /invalid credential \| client: 127\.0\.0\.1:\d+ \| authenticated user: none \| action: login/)
    assert.match(text, /permitted \| client: [^|]+ \| authenticated user: admin \| action: create user \| detail: user=u_read/)
    // Violations are rate-limited: some line of the table's, whichever got through.
    assert.match(text, /role violation \| client: [^|]+ \| authenticated user: u_\w+ \| action: [\w -]+ \| detail: /)
    assert.match(text, /permitted \| client: [^|]+ \| authenticated user: u_sysadmin \| action: set-config/)
    assert.match(text, /permitted \| client: [^|]+ \| authenticated user: u_udf \| action: write \| detail: ns=test;set=audited/)
  })
  for (const c of Object.values(clients)) c.close()
  admin.close()
  for (const n of nodes) await n.kill9()

  // ---- tokens expire: a second cluster with a 3 s session-ttl (below the real server's
  // floor of 120 s, allowed with enable-fault-injection)
  const short = new K.Cluster({
    clusterName: 'securettl',
    namespaces: [{ name: 'test', replicationFactor: 2 }],
    serviceExtra: ['enable-fault-injection true'],
    security: [`session-ttl ${kSessionTtl}`]
  })
  const shortNodes = await step(`start 2 nodes with session-ttl ${kSessionTtl}`, async () => {
    const started = await short.start(2)
    await short.waitClusterSize(started, 2, 15000)
    return started
  })
  await step(`after session-ttl a token answers 66 (expired session) on either node`, async () => {
    const login = await rawLogin(shortNodes[0].port, 'admin', kAdminCredential)
    assert.equal(login.code, 0)
    assert.equal(login.ttl, kSessionTtl)
    // The two nodes' first secrets converge through the cluster's metadata exchange.
    const end = Date.now() + 2000
    while (await rawAuthenticate(shortNodes[1].port, 'admin', login.token) !== 0) {
      if (Date.now() > end) throw new Error('node B never accepted node A\'s token')
      await K.sleep(100)
    }
    await K.sleep(kSessionTtl * 1000 + 200)
    assert.equal(await rawAuthenticate(shortNodes[0].port, 'admin', login.token), A.status.EXPIRED_SESSION)
    assert.equal(await rawAuthenticate(shortNodes[1].port, 'admin', login.token), A.status.EXPIRED_SESSION)
  })
  // A client renews its session 60 s before the TTL it was given runs out; a TTL this
  // short it cannot renew ahead, so a new connection's authenticate answers 66, which
  // makes the client log in again: commands fail until that is done, then go on.
  await step('past its session\'s expiry a client logs in again and goes on', async () => {
    const a = await connectAs(shortNodes, 'admin', 'admin')
    await a.createUser('reader', 'pw', ['read-write'])
    a.close()
    await settle()
    const c = await connectAs(shortNodes, 'reader', 'pw')
    await K.sleep(kSessionTtl * 1000 + 200)
    // 50 commands at once need new connections, each authenticating with the session.
    const round = () => Promise.all(Array.from({ length: 50 }, (_, i) =>
      outcome(() => c.put(new A.Key('test', 'A', i), { v: i }))))
    const end = Date.now() + 10000
    let failed = (await round()).filter(x => x !== 'ok')
    assert.ok(failed.every(x => x === A.status.EXPIRED_SESSION), String(failed))
    while (failed.length > 0) {
      if (Date.now() > end) throw new Error(`still failing after 10 s: ${failed}`)
      await K.sleep(200)
      failed = (await round()).filter(x => x !== 'ok')
    }
    c.close()
  })
  for (const n of shortNodes) await n.kill9()
  log('done')
}

K.run(kName, main, 300)
