'use strict'
// sindex_query: secondary indexes and queries with the official Node.js client: integer
// and string indexes created as jobs (waited on through sindex/<ns>/<name> load_pct),
// equality and range queries, geo queries (within a region or radius, containing a
// point), bin projection, paginated queries (resume by bval and
// digest), the index following updates and deletes (also in a namespace whose bins are
// on the device only), and the real server's errors (201 for
// a filter without an index, 200 for a name taken by another definition), and expression
// indexes (createExpIndex, whereWithExp).
// See wire-protocol.md §9.6-9.7 and docs/sindex-udf-design.md.
const { Aerospike, assert, connect, check, expectError, run } = require('./common')

const ns = 'test'
const set = 'sq'
const N = 300

function key (i) { return new Aerospike.Key(ns, set, i) }

async function collect (query, policy) {
  const records = await query.results(policy)
  return records.map(r => r.bins)
}

async function main () {
  const client = await connect()
  const { filter } = Aerospike

  await check(`${N} records with an integer, a string and a blob bin`, async () => {
    for (let i = 0; i < N; i++) {
      await client.put(key(i), { n: i, s: `v${i % 10}`, b: Buffer.from([i % 7]), other: 'x' })
    }
  })

  await check('createIntegerIndex and createStringIndex jobs complete (load_pct 100)', async () => {
    const j1 = await client.createIntegerIndex({ ns, set, bin: 'n', index: 'sq_n' })
    await j1.wait(20)
    const j2 = await client.createStringIndex({ ns, set, bin: 's', index: 'sq_s' })
    await j2.wait(20)
    const stats = Aerospike.info.parse(await client.infoAny(`sindex/${ns}/sq_n`))[`sindex/${ns}/sq_n`]
    assert.equal(stats.load_pct, 100, JSON.stringify(stats))
    assert.equal(stats.entries, N, JSON.stringify(stats))
  })

  await check('creating the same index again is ok; the name with another definition is 200', async () => {
    const again = await client.createIntegerIndex({ ns, set, bin: 'n', index: 'sq_n' })
    await again.wait(20)
    await expectError(client.createStringIndex({ ns, set, bin: 'other', index: 'sq_n' }), 200, 'name taken')
  })

  await check('range(n, 10, 19) returns exactly those 10 records, with every bin', async () => {
    const q = client.query(ns, set)
    q.where(filter.range('n', 10, 19))
    const bins = await collect(q)
    assert.deepEqual(bins.map(b => b.n).sort((a, b) => a - b), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    assert.equal(bins[0].other, 'x')
  })

  await check('equal(n, 42) returns one record; equal(s, "v3") returns 30', async () => {
    const q1 = client.query(ns, set)
    q1.where(filter.equal('n', 42))
    assert.deepEqual((await collect(q1)).map(b => b.n), [42])
    const q2 = client.query(ns, set)
    q2.where(filter.equal('s', 'v3'))
    const got = await collect(q2)
    assert.equal(got.length, N / 10)
    assert.ok(got.every(b => b.s === 'v3' && b.n % 10 === 3))
  })

  await check('select(n) projects the bins of each match', async () => {
    const q = client.query(ns, set)
    q.select('n')
    q.where(filter.range('n', 0, 4))
    const bins = await collect(q)
    assert.equal(bins.length, 5)
    assert.ok(bins.every(b => Object.keys(b).join(',') === 'n'), JSON.stringify(bins))
  })

  await check('the index follows updates and deletes', async () => {
    await client.put(key(15), { n: 100000 })
    await client.remove(key(12))
    const q = client.query(ns, set)
    q.where(filter.range('n', 10, 19))
    assert.deepEqual((await collect(q)).map(b => b.n).sort((a, b) => a - b), [10, 11, 13, 14, 16, 17, 18, 19])
    const moved = client.query(ns, set)
    moved.where(filter.equal('n', 100000))
    assert.equal((await collect(moved)).length, 1)
  })

  await check('a paginated range query (maxRecords 17) returns every match once', async () => {
    const q = client.query(ns, set, { paginate: true, maxRecords: 17 })
    q.where(filter.range('n', 100, 299))
    const seen = new Set()
    let pages = 0
    do {
      const page = await q.results()
      for (const r of page) {
        assert.ok(!seen.has(r.bins.n), `record ${r.bins.n} returned twice`)
        seen.add(r.bins.n)
      }
      pages++
    } while (q.hasNextPage() && pages < 100)
    assert.equal(seen.size, 200)
    assert.ok(pages >= 200 / 17, `only ${pages} pages`)
  })

  await check('LIST and MAPKEYS indexes: contains and range over elements, each record once', async () => {
    for (let i = 0; i < 40; i++) {
      await client.put(new Aerospike.Key(ns, 'sqc', i), { tags: [i % 4, (i % 4) + 10, (i % 4) + 10], attrs: { [`k${i % 5}`]: i } })
    }
    const j1 = await client.createIndex({ ns, set: 'sqc', bin: 'tags', index: 'sqc_tags', type: Aerospike.indexType.LIST, datatype: Aerospike.indexDataType.NUMERIC })
    await j1.wait(20)
    const j2 = await client.createIndex({ ns, set: 'sqc', bin: 'attrs', index: 'sqc_keys', type: Aerospike.indexType.MAPKEYS, datatype: Aerospike.indexDataType.STRING })
    await j2.wait(20)
    const q1 = client.query(ns, 'sqc')
    q1.where(filter.contains('tags', 11, Aerospike.indexType.LIST))
    const got1 = await collect(q1)
    assert.equal(got1.length, 10)
    assert.ok(got1.every(b => b.tags.includes(11)))
    // 0..13 matches two elements of every record: still one result per record.
    const q2 = client.query(ns, 'sqc')
    q2.where(filter.range('tags', 0, 13, Aerospike.indexType.LIST))
    assert.equal((await collect(q2)).length, 40)
    const q3 = client.query(ns, 'sqc')
    q3.where(filter.contains('attrs', 'k3', Aerospike.indexType.MAPKEYS))
    const got3 = await collect(q3)
    assert.equal(got3.length, 8)
    assert.ok(got3.every(b => 'k3' in b.attrs))
    await client.indexRemove(ns, 'sqc_tags')
    await client.indexRemove(ns, 'sqc_keys')
  })

  await check('GEO2DSPHERE: points within a polygon and a radius, regions containing a point', async () => {
    const { GeoJSON } = Aerospike
    // A 20 x 20 grid of points around Singapore, 0.01 degree apart, and 5 squares.
    const gk = i => new Aerospike.Key(ns, 'geo', i)
    const points = []
    for (let i = 0; i < 400; i++) {
      const lon = 103.8 + (i % 20) * 0.01
      const lat = 1.2 + Math.floor(i / 20) * 0.01
      points.push([lon, lat])
      await client.put(gk(i), { loc: new GeoJSON({ type: 'Point', coordinates: [lon, lat] }), i })
    }
    const square = (lon, lat, d) => new GeoJSON({
      type: 'Polygon',
      coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]
    })
    for (let j = 0; j < 5; j++) await client.put(gk(1000 + j), { loc: square(103.8 + j * 0.04, 1.2, 0.03), j })
    await (await client.createGeo2DSphereIndex({ ns, set: 'geo', bin: 'loc', index: 'geo_loc' })).wait(20)

    // Within a polygon: the points with lon in [103.85, 103.9] and lat in [1.25, 1.3].
    const region = new GeoJSON({
      type: 'Polygon',
      coordinates: [[[103.845, 1.245], [103.905, 1.245], [103.905, 1.305], [103.845, 1.305], [103.845, 1.245]]]
    })
    const q1 = client.query(ns, 'geo')
    q1.where(filter.geoWithinGeoJSONRegion('loc', region))
    const within = (await collect(q1)).map(b => b.i).sort((a, b) => a - b)
    const want = []
    points.forEach(([lon, lat], i) => {
      if (lon >= 103.845 && lon <= 103.905 && lat >= 1.245 && lat <= 1.305) want.push(i)
    })
    assert.equal(want.length, 36)
    assert.deepEqual(within, want)

    // Within 3.5 km of the first point: the points that close, by great-circle distance.
    const q2 = client.query(ns, 'geo')
    q2.where(filter.geoWithinRadius('loc', 103.8, 1.2, 3500))
    const near = (await collect(q2)).map(b => b.i).sort((a, b) => a - b)
    const rad = d => d * Math.PI / 180
    const dist = ([lon, lat]) => {
      const h = Math.sin(rad(lat - 1.2) / 2) ** 2 + Math.cos(rad(1.2)) * Math.cos(rad(lat)) * Math.sin(rad(lon - 103.8) / 2) ** 2
      return 2 * 6371008.8 * Math.asin(Math.sqrt(h))
    }
    assert.deepEqual(near, points.map((p, i) => [dist(p), i]).filter(([d]) => d <= 3500).map(([, i]) => i))
    assert.ok(near.length > 5 && near.length < 20, String(near.length))

    // Regions containing a point: only the square around it.
    const q3 = client.query(ns, 'geo')
    q3.where(filter.geoContainsPoint('loc', 103.885, 1.21))
    assert.deepEqual((await collect(q3)).map(b => b.j), [2])
    await client.indexRemove(ns, 'geo_loc')
  })

  await check('CDT context indexes: an integer inside a map bin, a list inside a map, queried with the context', async () => {
    const { cdt } = Aerospike
    const ck = i => new Aerospike.Key(ns, 'ctx', i)
    for (let i = 0; i < 100; i++) {
      await client.put(ck(i), { doc: { stats: { score: i, tags: [i % 3, 100 + i] }, name: `n${i}` } })
    }
    const scoreCtx = new cdt.Context().addMapKey('stats').addMapKey('score')
    await (await client.createIndex({ ns, set: 'ctx', bin: 'doc', index: 'ctx_score', datatype: Aerospike.indexDataType.NUMERIC, context: scoreCtx })).wait(20)
    const tagsCtx = new cdt.Context().addMapKey('stats').addMapKey('tags')
    await (await client.createIndex({ ns, set: 'ctx', bin: 'doc', index: 'ctx_tags', type: Aerospike.indexType.LIST, datatype: Aerospike.indexDataType.NUMERIC, context: tagsCtx })).wait(20)
    const listed = await client.infoAny('sindex-list')
    assert.match(listed, /indexname=ctx_score:set=ctx:bin=doc:type=numeric:indextype=default:context=[A-Za-z0-9+/=]+:/)

    const q1 = client.query(ns, 'ctx')
    q1.where(filter.range('doc', 10, 19, Aerospike.indexType.DEFAULT, scoreCtx))
    const got1 = (await collect(q1)).map(b => b.doc.stats.score).sort((a, b) => a - b)
    assert.deepEqual(got1, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    const q2 = client.query(ns, 'ctx')
    q2.where(filter.contains('doc', 2, Aerospike.indexType.LIST, tagsCtx))
    assert.equal((await collect(q2)).length, 33)
    // Without the context the same filter names no index.
    const q3 = client.query(ns, 'ctx')
    q3.where(filter.range('doc', 10, 19))
    await expectError(q3.results(), 201, 'no context')
    // An update moves a record out of the range.
    await client.put(ck(15), { doc: { stats: { score: 500, tags: [] }, name: 'moved' } })
    const q4 = client.query(ns, 'ctx')
    q4.where(filter.range('doc', 10, 19, Aerospike.indexType.DEFAULT, scoreCtx))
    assert.equal((await collect(q4)).length, 9)
    await client.indexRemove(ns, 'ctx_score')
    await client.indexRemove(ns, 'ctx_tags')
  })

  await check('expression indexes: createExpIndex, whereWithExp, updates, sindex-list and the errors', async () => {
    const { exp } = Aerospike
    const ek = i => new Aerospike.Key(ns, 'expi', i)
    for (let i = 0; i < 60; i++) await client.put(ek(i), i % 10 === 9 ? { a: i } : { a: i, b: 1000 })
    const sum = client.expressionToBase64(exp.add(exp.binInt('a'), exp.binInt('b')))
    await (await client.createExpIndex({ ns, set: 'expi', exp: sum, index: 'expi_sum', datatype: Aerospike.indexDataType.NUMERIC })).wait(20)
    const stats = Aerospike.info.parse(await client.infoAny(`sindex/${ns}/expi_sum`))[`sindex/${ns}/expi_sum`]
    assert.equal(stats.entries, 54, JSON.stringify(stats))  // records without b have no value
    const listed = await client.infoAny(`sindex-list:ns=${ns}`)
    assert.ok(listed.includes(`indexname=expi_sum:set=expi:bin=NULL:type=numeric:indextype=default:context=NULL:exp=${sum}:state=RW`), listed)

    const q = client.query(ns, 'expi')
    q.whereWithExp(filter.range(null, 1010, 1019), sum)
    assert.deepEqual((await collect(q)).map(b => b.a).sort((x, y) => x - y), [10, 11, 12, 13, 14, 15, 16, 17, 18])
    // A write changes the expression's value, and the index follows it.
    await client.put(ek(19), { a: 12, b: 1000 })
    await client.remove(ek(12))
    const q2 = client.query(ns, 'expi')
    q2.whereWithExp(filter.range(null, 1010, 1019), sum)
    assert.deepEqual((await collect(q2)).map(b => b.a).sort((x, y) => x - y), [10, 11, 12, 13, 14, 15, 16, 17, 18])
    // A string expression index, queried by equality.
    const name = client.expressionToBase64(exp.binStr('tag'))
    await client.put(ek(100), { tag: 'clive' })
    await client.put(ek(101), { tag: 'other' })
    await (await client.createExpIndex({ ns, set: 'expi', exp: name, index: 'expi_tag', datatype: Aerospike.indexDataType.STRING })).wait(20)
    const q3 = client.query(ns, 'expi')
    q3.whereWithExp(filter.equal(null, 'clive'), name)
    assert.deepEqual((await collect(q3)).map(b => b.tag), ['clive'])

    // The server's refusals: a type that does not match, bin and exp together, a bad
    // expression, an expression no index has.
    await expectError(client.createExpIndex({ ns, set: 'expi', exp: name, index: 'expi_bad', datatype: Aerospike.indexDataType.NUMERIC }), 4, 'string expression for a numeric index')
    const both = await expectError(client.infoAny(`sindex-create:ns=${ns};set=expi;indexname=x;bin=a;exp=${sum};type=numeric`), 4, 'bin and exp')
    assert.match(both.message, /both 'bin' and 'exp' are specified/)
    const bad = await expectError(client.infoAny(`sindex-create:ns=${ns};set=expi;indexname=x;exp=kQ==;type=numeric`), 4, 'bad exp')
    assert.match(bad.message, /bad 'exp'/)
    const q4 = client.query(ns, 'expi')
    q4.whereWithExp(filter.range(null, 0, 5), client.expressionToBase64(exp.binInt('a')))
    await expectError(q4.results(), 201, 'no index on that expression')
    await client.indexRemove(ns, 'expi_sum')
    await client.indexRemove(ns, 'expi_tag')
  })

  await check('a namespace that keeps its bins on the device only (disk): built, maintained, queried', async () => {
    const dk = i => new Aerospike.Key('disk', 'dq', i)
    for (let i = 0; i < 200; i++) await client.put(dk(i), { n: i, s: `d${i % 5}` })
    await (await client.createIntegerIndex({ ns: 'disk', set: 'dq', bin: 'n', index: 'dq_n' })).wait(20)
    await (await client.createStringIndex({ ns: 'disk', set: 'dq', bin: 's', index: 'dq_s' })).wait(20)
    // Updates move records out of and into the range, deletes take them out.
    for (let i = 0; i < 20; i++) await client.put(dk(i), { n: 1000 + i, s: 'moved' })
    for (let i = 20; i < 30; i++) await client.remove(dk(i))
    const q = client.query('disk', 'dq')
    q.where(filter.range('n', 0, 99))
    const got = (await collect(q)).map(b => b.n).sort((a, b) => a - b)
    assert.deepEqual(got, Array.from({ length: 70 }, (_, i) => i + 30))
    const q2 = client.query('disk', 'dq')
    q2.where(filter.range('n', 1000, 1019))
    assert.equal((await collect(q2)).length, 20)
    const q3 = client.query('disk', 'dq')
    q3.where(filter.equal('s', 'moved'))
    assert.equal((await collect(q3)).length, 20)
    const stats = Aerospike.info.parse(await client.infoAny('sindex/disk/dq_n'))['sindex/disk/dq_n']
    assert.equal(stats.entries, 190, JSON.stringify(stats))
  })

  await check('a filter on a bin without an index of that type fails with 201', async () => {
    const q = client.query(ns, set)
    q.where(filter.equal('s', 7))  // sq_s holds strings, not integers
    await expectError(q.results(), 201, 'integer filter on a string index')
  })

  await check('after indexRemove, a query on that bin fails with 201', async () => {
    await client.indexRemove(ns, 'sq_n')
    const q = client.query(ns, set)
    q.where(filter.range('n', 10, 19))
    await expectError(q.results(), 201, 'query after indexRemove')
    await client.indexRemove(ns, 'sq_s')
  })

  await client.close()
}

run('sindex_query', main)
