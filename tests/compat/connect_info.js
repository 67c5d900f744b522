'use strict'
// connect_info: client.connect() plus the info protocol as the official
// Node.js client (and its test-suite helpers) use it. See wire-protocol.md §2.
const { Aerospike, assert, host, port, connect, check, expectError, rawInfo, run } = require('./common')

const parse = Aerospike.info.parse

async function main () {
  const client = await check('connect() resolves and the client reports connected', async () => {
    const c = await connect()
    assert.equal(c.isConnected(), true)
    return c
  })
  const target = { addr: host, port }

  await check("infoAny('status') == 'status\\tok\\n'", async () => {
    assert.equal(await client.infoAny('status'), 'status\tok\n')
  })

  await check("info('status', host) to the node's address", async () => {
    assert.equal(await client.info('status', target), 'status\tok\n')
  })

  await check('node id is upper-case hex, < 20 chars, and equals info node', async () => {
    const nodes = client.getNodes()
    assert.equal(nodes.length, 1, `expected one node, got ${JSON.stringify(nodes)}`)
    assert.match(nodes[0].name, /^[0-9A-F]+$/)
    assert.ok(nodes[0].name.length < 20, `node name too long: ${nodes[0].name}`)
    const info = parse(await client.infoNode('node', nodes[0]))
    assert.equal(String(info.node), nodes[0].name)
  })

  await check("info('build') parses to a version >= 6.0 (modern batch/query formats)", async () => {
    const info = parse(await client.info('build', target))
    const build = String(info.build)
    assert.match(build, /^\d+\.\d+\.\d+(\.\d+)?$/)
    const [major] = build.split('.').map(Number)
    assert.ok(major >= 6, `build ${build} < 6.0`)
  })

  await check("'edition' and 'version' are consistent with the real server", async () => {
    const info = parse(await client.infoAny('edition\nversion\nbuild'))
    assert.match(String(info.edition), /^Aerospike (Community|Enterprise) Edition$/)
    assert.equal(String(info.version), `${info.edition} build ${info.build}`)
  })

  await check("'namespaces' lists test and bar", async () => {
    const raw = await client.infoAny('namespaces')
    const list = parse(raw).namespaces
    assert.ok(Array.isArray(list), `namespaces did not parse to a list: ${JSON.stringify(raw)}`)
    assert.ok(list.includes('test') && list.includes('bar'), `got ${JSON.stringify(list)}`)
  })

  await check('several commands in one request are answered in order, echoing each', async () => {
    const raw = await client.infoAny('status\nnamespaces\nstatus')
    const lines = raw.split('\n')
    assert.equal(lines.length, 4, JSON.stringify(raw))
    assert.equal(lines[0], 'status\tok')
    assert.match(lines[1], /^namespaces\t/)
    assert.equal(lines[2], 'status\tok')
    assert.equal(lines[3], '')
  })

  await check("'features' claims what works: partition scans, batch, queries, UDFs, bit ops, CDT indexes; not what is not built", async () => {
    const raw = await client.infoAny('features')
    const features = raw.split('\t')[1].trim().split(';')
    for (const f of ['pscans', 'pquery', 'batch-index', 'peers', 'replicas', 'cluster-stable', 'sindex-exists', 'udf',
      'blob-bits', 'cdt-index']) {
      assert.ok(features.includes(f), `${f} missing from ${raw}`)
    }
    // Strong consistency is not built.
    for (const f of ['relaxed-sc']) assert.ok(!features.includes(f), `${f} claimed in ${raw}`)
  })

  await check("'namespace/test' parses to key=value stats incl. objects and replication-factor", async () => {
    const ns = parse(await client.infoAny('namespace/test'))['namespace/test']
    assert.equal(typeof ns, 'object', JSON.stringify(ns))
    assert.equal(typeof ns.objects, 'number', `objects=${ns.objects}`)
    assert.equal(ns['replication-factor'], 1)
  })

  await check("'namespace/nosuch' answers type=unknown (not an ERROR)", async () => {
    const raw = await rawInfo('namespace/nosuch\n')
    assert.equal(raw, 'namespace/nosuch\ttype=unknown\n')
  })

  await check("'statistics' parses to key=value with cluster_size=1", async () => {
    const stats = parse(await client.infoAny('statistics')).statistics
    assert.equal(typeof stats, 'object', JSON.stringify(stats))
    assert.equal(stats.cluster_size, 1)
  })

  await check("'sets' lists a set after a put, with ns, set and objects", async () => {
    await client.put(new Aerospike.Key('test', 'info_set', 'k1'), { a: 1 })
    await client.put(new Aerospike.Key('test', 'info_set', 'k2'), { a: 2 })
    const sets = parse(await client.infoAny('sets')).sets
    const list = Array.isArray(sets) ? sets : [sets]
    const entry = list.find(s => s && s.ns === 'test' && s.set === 'info_set')
    assert.ok(entry, `test/info_set missing from ${JSON.stringify(sets)}`)
    assert.equal(entry.objects, 2)
    const one = parse(await client.infoAny('sets/test/info_set'))['sets/test/info_set']
    assert.equal(one.objects, 2, JSON.stringify(one))
  })

  await check("'get-config:context=namespace;id=test' reflects the config", async () => {
    const cmd = 'get-config:context=namespace;id=test'
    const cfg = parse(await client.infoAny(cmd))[cmd]
    assert.equal(typeof cfg, 'object', JSON.stringify(cfg))
    assert.equal(cfg['default-ttl'], 0)
    assert.equal(cfg['nsup-period'], 10)
    assert.equal(String(cfg['allow-ttl-without-nsup']), 'true')
    assert.equal(cfg['replication-factor'], 1)
  })

  await check("test-helper pair 'namespace/test\\nget-config:...' answers both", async () => {
    const raw = await client.infoAny('namespace/test\nget-config:context=namespace;id=test')
    const info = parse(raw)
    assert.ok(info['namespace/test'] && info['get-config:context=namespace;id=test'], raw.slice(0, 200))
  })

  await check('empty info request (summary) contains \\nversion\\t and \\nedition\\t', async () => {
    const viaClient = await client.info(null, target)
    assert.ok(viaClient.includes('\nversion\t'), viaClient.slice(0, 300))
    assert.ok(viaClient.includes('\nedition\t'), viaClient.slice(0, 300))
    const viaAny = await client.infoAny()
    assert.ok(viaAny.includes('\nversion\t') && viaAny.includes('\nedition\t'))
    const raw = await rawInfo('')
    assert.ok(raw.includes('\nnode\t') && raw.includes('\nbuild\t'), raw.slice(0, 300))
  })

  await check("unknown command answers 'ERROR:4:...' (raw), client reports code 4", async () => {
    const raw = await rawInfo('no-such-command\n')
    assert.match(raw, /^no-such-command\tERROR:4:[^\t\n]*\n$/)
    // The C client turns an ERROR:<n> value into an error with status n.
    let res
    try {
      res = await client.infoAny('no-such-command')
    } catch (e) {
      assert.equal(e.code, 4, `client error code ${e.code}: ${e.message}`)
      return
    }
    assert.match(res, /^no-such-command\tERROR:4:/)
  })

  await check('discovery commands answer as the client requires (raw)', async () => {
    const raw = await rawInfo('node\npartition-generation\nbuild\npeers-clear-std\n')
    const lines = raw.split('\n')
    assert.match(lines[0], /^node\t[0-9A-F]{1,19}$/)
    assert.match(lines[1], /^partition-generation\t\d+$/)
    assert.match(lines[2], /^build\t\d+\.\d+\.\d+/)
    assert.match(lines[3], /^peers-clear-std\t\d+,\d*,\[\]$/)
    const rep = await rawInfo('replicas\n')
    const m = rep.match(/^replicas\t(.*)\n$/)
    assert.ok(m, rep.slice(0, 100))
    const entries = Object.fromEntries(m[1].split(';').filter(Boolean).map(e => e.split(':')))
    for (const ns of ['test', 'bar']) {
      const parts = (entries[ns] || '').split(',')
      assert.equal(parts[0], '0', `${ns}: regime`)
      assert.equal(parts[1], '1', `${ns}: replica count`)
      assert.equal(parts[2], '/'.repeat(682) + '8=', `${ns}: master bitmap must own all 4096 partitions`)
    }
  })

  await check('a command against an unknown namespace fails locally with 20', async () => {
    await expectError(client.get(new Aerospike.Key('nosuchns', 's', 1)), 20, 'get nosuchns')
  })

  await check('client stays connected after a tend interval (node not dropped)', async () => {
    await new Promise(resolve => setTimeout(resolve, 2500))
    assert.equal(client.isConnected(true), true)
    assert.equal(client.getNodes().length, 1)
    assert.equal(await client.infoAny('status'), 'status\tok\n')
  })

  await client.close()
}

run('connect_info', main)
