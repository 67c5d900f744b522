'use strict'
// tls: the official Node.js client over TLS to a 2-node asd cluster.
//
// Self-hosted (cluster_kit.js starts the nodes). Certificates come from the openssl
// command line into the scenario's temp dir: a CA, a server certificate for the TLS
// name `asd.tls`, client certificates `client1` (signed by the CA) and `intruder`
// (signed by another CA), and a client certificate `client2` signed by the CA.
//   1. mutual TLS (tls-authenticate-client any): a client with `client1` discovers both
//      nodes through peers-tls-std and runs put, get, batch, scan and an index query;
//   2. refused: a client without a certificate, a client whose certificate another CA
//      signed, a client that does not trust the server's CA; a plaintext request on the
//      TLS port gets no answer and the connection is closed; the node keeps serving,
//      counts the handshakes it refused and logs why;
//   3. tls-authenticate-client client1 (names): `client1` passes, `client2` (same CA,
//      other name) is refused;
//   4. tls-authenticate-client false: a client without a certificate connects; the
//      plaintext port keeps working beside the TLS one.
// Environment: ASD_BIN, COMPAT_KEEP_TMP=1.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const K = require('./cluster_kit')
const { assert, log, step } = K

const kName = 'tls'
const kTlsName = 'asd.tls'

function openssl (args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

// A CA (key + self-signed certificate) and certificates it signs, in `dir`.
function makeCa (dir, name) {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', `${name}.key`, '-out', `${name}.pem`], dir)
}

function makeCert (dir, ca, name, dnsName) {
  const ext = path.join(dir, `${name}.ext`)
  fs.writeFileSync(ext, `subjectAltName=DNS:${dnsName}\n`)
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${dnsName}`, '-keyout', `${name}.key`,
    '-out', `${name}.csr`], dir)
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '2', '-extfile', ext, '-out', `${name}.pem`], dir)
}

function tlsClient (nodes, tls) {
  return K.connect([], {
    hosts: nodes.map(n => ({ addr: '127.0.0.1', port: n.ports.tls, tlsname: kTlsName })),
    tls: { enable: true, ...tls }
  })
}

async function refused (what, nodes, tls) {
  let client = null
  try {
    client = await tlsClient(nodes, tls)
    // A client may connect lazily: a command must fail too.
    await client.put(new (K.aerospike().Key)('test', 'tls', 'x'), { v: 1 })
  } catch (e) {
    if (client) client.close()
    return e
  }
  client.close()
  throw new Error(`${what}: the client was served`)
}

async function main () {
  const A = K.aerospike()
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'asd-tls-certs-'))
  process.on('exit', () => { if (!process.env.COMPAT_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true }) })
  await step('certificates from openssl: a CA, the server (asd.tls), client1, client2, and another CA\'s intruder', () => {
    makeCa(dir, 'ca')
    makeCa(dir, 'other')
    makeCert(dir, 'ca', 'server', kTlsName)
    makeCert(dir, 'ca', 'client1', 'client1')
    makeCert(dir, 'ca', 'client2', 'client2')
    makeCert(dir, 'other', 'intruder', 'client1')
  })
  const f = name => path.join(dir, name)
  const serverTls = { name: kTlsName, certFile: f('server.pem'), keyFile: f('server.key'), caFile: f('ca.pem') }
  const client1 = { cafile: f('ca.pem'), certfile: f('client1.pem'), keyfile: f('client1.key') }

  // ---- 1. mutual TLS on a 2-node cluster
  const mutual = new K.Cluster({ clusterName: 'tls', namespaces: [{ name: 'test', replicationFactor: 2 }], tls: serviceTls(serverTls, 'any') })
  const nodes = await step('start 2 asd nodes with a TLS listener (tls-authenticate-client any)', () => mutual.start(2))
  await step('one cluster of size 2', () => mutual.waitClusterSize(nodes, 2, 10000))
  await step('peers-tls-std names the other node\'s TLS port and name', async () => {
    const answer = (await nodes[0].info('peers-tls-std')).trim()
    assert.ok(answer.includes(`,${kTlsName},[127.0.0.1:${nodes[1].ports.tls}]]`), answer)
    assert.equal((await nodes[0].info('service-tls-std')).trim(), `127.0.0.1:${nodes[0].ports.tls}`)
  })
  await step('a client with client1\'s certificate, seeded with node A, finds both nodes and reads and writes', async () => {
    const c = await tlsClient([nodes[0]], client1)
    await K.waitClientNodes(c, 2, 10000)
    const key = i => new A.Key('test', 'tls', i)
    for (let i = 0; i < 200; i++) await c.put(key(i), { v: i, s: `s${i % 4}` })
    assert.equal((await c.get(key(7))).bins.v, 7)
    const rows = await c.batchRead(Array.from({ length: 200 }, (_, i) => ({ key: key(i), readAllBins: true })))
    assert.deepEqual(rows.map(r => r.record.bins.v), Array.from({ length: 200 }, (_, i) => i))
    const scanned = await c.scan('test', 'tls').results()
    assert.equal(scanned.length, 200)
    await (await c.createIntegerIndex({ ns: 'test', set: 'tls', bin: 'v', index: 'tls_v' })).wait(20)
    const q = c.query('test', 'tls')
    q.where(A.filter.range('v', 10, 19))
    assert.equal((await q.results()).length, 10)
    c.close()
  })
  await step('refused: no client certificate, another CA\'s certificate, an untrusted server CA', async () => {
    await refused('no certificate', nodes, { cafile: f('ca.pem') })
    await refused('intruder', nodes, { cafile: f('ca.pem'), certfile: f('intruder.pem'), keyfile: f('intruder.key') })
    await refused('untrusted server', nodes, { cafile: f('other.pem'), certfile: f('client1.pem'), keyfile: f('client1.key') })
  })
  await step('a plaintext request on the TLS port gets no answer; the node keeps serving and says why', async () => {
    const failures = async () => Number(K.parseKv(await nodes[0].info('statistics')).tls_handshake_failures)
    const before = await failures()
    const answer = await new Promise((resolve) => {
      const s = net.connect(nodes[0].ports.tls, '127.0.0.1')
      let got = ''
      s.on('connect', () => s.write(Buffer.from('0201000000000007737461747573', 'hex').toString('latin1') + 'status\n', 'latin1'))
      s.on('data', d => { got += d.toString('latin1') })
      s.on('close', () => resolve(got))
      s.on('error', () => resolve(got))
      setTimeout(() => s.destroy(), 5000)
    })
    assert.ok(!answer.includes('ok'), JSON.stringify(answer))
    assert.equal(await failures(), before + 1)
    assert.equal((await nodes[0].info('status')).trim(), 'ok')
    const logText = nodes[0].logs.map(l => fs.readFileSync(l, 'utf8')).join('')
    assert.match(logText, /TLS handshake failed peer=127\.0\.0\.1:\d+ reason="[^"]+"/)
    assert.match(logText, /client certificate refused subject=\S*CN ?= ?client1 reason="[^"]+"/)
  })
  for (const n of nodes) await n.kill9()

  // ---- 3. names
  const named = new K.Cluster({ clusterName: 'tlsnames', namespaces: [{ name: 'test', replicationFactor: 1 }], tls: serviceTls(serverTls, ['client1']) })
  const [n1] = await step('a node with tls-authenticate-client client1', async () => {
    const started = await named.start(1)
    await named.waitClusterSize(started, 1, 10000)
    return started
  })
  await step('client1 is served; client2 (the same CA, another name) is refused', async () => {
    const c = await tlsClient([n1], client1)
    await K.waitClientNodes(c, 1, 10000)
    await c.put(new A.Key('test', 'tls', 1), { v: 1 })
    c.close()
    await refused('client2', [n1], { cafile: f('ca.pem'), certfile: f('client2.pem'), keyfile: f('client2.key') })
  })
  await n1.kill9()

  // ---- 4. no client certificate asked for
  const open = new K.Cluster({ clusterName: 'tlsopen', namespaces: [{ name: 'test', replicationFactor: 1 }], tls: serviceTls(serverTls, 'false') })
  const [o1] = await step('a node with tls-authenticate-client false', async () => {
    const started = await open.start(1)
    await open.waitClusterSize(started, 1, 10000)
    return started
  })
  await step('a client without a certificate is served over TLS; the plaintext port works beside it', async () => {
    const c = await tlsClient([o1], { cafile: f('ca.pem') })
    await K.waitClientNodes(c, 1, 10000)
    await c.put(new A.Key('test', 'tls', 2), { v: 2 })
    c.close()
    const plain = await K.connect([o1])
    assert.equal((await plain.get(new A.Key('test', 'tls', 2))).bins.v, 2)
    plain.close()
  })
  await o1.kill9()
  log('done')
}

function serviceTls (spec, authenticateClient) {
  return { ...spec, authenticateClient }
}

K.run(kName, main, 300)
