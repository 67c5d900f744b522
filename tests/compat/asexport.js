'use strict'
// asexport: 5,000 records written with the official client, exported by
// build/bin/asexport as an Arrow IPC stream, JSON lines and CSV, and read back:
// the Arrow stream with Apache Arrow's own JS reader (apache-arrow), record by
// record, fixed_size_binary columns included. Then the failures: a value that does not
// fit a given --schema, an unknown namespace, an unreachable host, a full disk
// (/dev/full) and a reader that closes the pipe, each a clear message, exit status 1 and
// no file left behind (a device named by -o is never removed).
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const arrow = require('apache-arrow')
const { Aerospike, assert, host, port, connect, check, parallel, run } = require('./common')

const { Key } = Aerospike
const ns = 'test'
const set = 'export5k'
const total = 5000
const asexport = process.env.ASEXPORT_BIN || path.join(__dirname, '../../build/bin/asexport')

// The record each i was written as; every 7th has no `d`.
function expected (i) {
  const rec = { i, s: `name-${i}`, b: Buffer.from([i & 255, (i >> 8) & 255, 7]), l: [i, 'x'] }
  if (i % 7 !== 0) rec.d = i + 0.25
  return rec
}

function runExport (args) {
  const r = spawnSync(asexport, ['-h', `${host}:${port}`, ...args], { encoding: 'buffer', maxBuffer: 1 << 28 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() }
}

async function main () {
  const client = await connect()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asexport-'))
  try {
    await check(`put ${total} records into ${ns}/${set}`, () =>
      parallel(total, 200, i => client.put(new Key(ns, set, i), expected(i))))

    const file = path.join(dir, 'out.arrow')
    await check('asexport --format arrow --batch-rows 1000 exits 0 with a progress line', () => {
      const r = runExport(['-n', ns, '-s', set, '--format', 'arrow', '--batch-rows', '1000', '-o', file])
      assert.equal(r.status, 0, r.stderr)
      assert.match(r.stderr, new RegExp(`asexport: ${total} records written, \\d+ records/s`))
    })

    await check('apache-arrow reads the stream: schema, 5 batches, every record', () => {
      const table = arrow.tableFromIPC(fs.readFileSync(file))
      assert.equal(table.numRows, total)
      assert.equal(table.batches.length, 5)
      const types = Object.fromEntries(table.schema.fields.map(f => [f.name, String(f.type)]))
      assert.deepEqual(types, { i: 'Int64', s: 'Utf8', b: 'Binary', l: 'Utf8', d: 'Float64' })
      const seen = new Set()
      for (const row of table) {
        const i = Number(row.i)
        const want = expected(i)
        assert.ok(!seen.has(i), `record ${i} twice`)
        seen.add(i)
        assert.equal(row.s, want.s, `record ${i}: s`)
        assert.deepEqual(Buffer.from(row.b), want.b, `record ${i}: b`)
        assert.deepEqual(JSON.parse(row.l), want.l, `record ${i}: l`)
        if (want.d === undefined) assert.equal(row.d, null, `record ${i}: d should be null`)
        else assert.equal(row.d, want.d, `record ${i}: d`)
      }
      assert.equal(seen.size, total)
    })

    await check('a given --schema picks and types the columns (stdout)', () => {
      const r = runExport(['-n', ns, '-s', set, '--schema', 'i:int64,d:float64', '--format', 'arrow', '-o', '-'])
      assert.equal(r.status, 0, r.stderr)
      const table = arrow.tableFromIPC(r.stdout)
      assert.deepEqual(table.schema.fields.map(f => f.name), ['i', 'd'])
      assert.equal(table.numRows, total)
    })

    await check('fixed_size_binary[4]: apache-arrow reads the blobs zero-padded to 4 bytes', () => {
      const r = runExport(['-n', ns, '-s', set, '--schema', 'i:int64,b:fixed_size_binary[4]', '--format', 'arrow', '-o', '-'])
      assert.equal(r.status, 0, r.stderr)
      const table = arrow.tableFromIPC(r.stdout)
      assert.equal(String(table.schema.fields[1].type), 'FixedSizeBinary[4]')
      assert.equal(table.numRows, total)
      for (const row of table) {
        const want = Buffer.concat([expected(Number(row.i)).b, Buffer.from([0])])
        assert.deepEqual(Buffer.from(row.b), want, `record ${row.i}: b`)
      }
    })

    await check('a blob longer than its fixed_size_binary column: message, status 1', () => {
      const r = runExport(['-n', ns, '-s', set, '--schema', 'b:fixed_size_binary[2]', '--format', 'arrow', '-o', '-'])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /a blob of 3 bytes does not fit column b \(fixed_size_binary\[2\]\); give the column types with --schema/)
    })

    await check('jsonl: one object per record, the same values', () => {
      const out = path.join(dir, 'out.jsonl')
      const r = runExport(['-n', ns, '-s', set, '--format', 'jsonl', '-o', out])
      assert.equal(r.status, 0, r.stderr)
      const lines = fs.readFileSync(out, 'utf8').trim().split('\n')
      assert.equal(lines.length, total)
      for (const line of lines) {
        const rec = JSON.parse(line)
        const want = expected(rec.i)
        assert.equal(rec.s, want.s)
        assert.deepEqual(rec.l, want.l)
        assert.equal(rec.d, want.d)
      }
    })

    await check('csv: a header and one line per record', () => {
      const out = path.join(dir, 'out.csv')
      const r = runExport(['-n', ns, '-s', set, '--bins', 'i,s,d', '--format', 'csv', '-o', out])
      assert.equal(r.status, 0, r.stderr)
      const lines = fs.readFileSync(out, 'utf8').trim().split('\r\n')
      assert.equal(lines[0], '"i","s","d"')
      assert.equal(lines.length, total + 1)
      assert.ok(lines.includes('14,"name-14",'), 'a record without d ends in an empty field')
      assert.ok(lines.includes('15,"name-15",15.25'))
    })

    await check('a value that does not fit the --schema: message, status 1, file removed', () => {
      const out = path.join(dir, 'bad.arrow')
      const r = runExport(['-n', ns, '-s', set, '--schema', 'i:int64,s:int64', '--format', 'arrow', '-o', out])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /bin 's': a string does not fit column s \(int64\); give the column types with --schema/)
      assert.ok(!fs.existsSync(out), 'the partial file is gone')
    })

    await check('unknown namespace, unreachable host, bad schema type: clear messages', () => {
      let r = runExport(['-n', 'nosuch', '--format', 'csv', '-o', path.join(dir, 'x.csv')])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /unknown namespace 'nosuch'/)
      r = spawnSync(asexport, ['-h', '127.0.0.1:1', '-n', ns, '-o', path.join(dir, 'y.arrow')], { encoding: 'utf8' })
      assert.equal(r.status, 1)
      assert.match(r.stderr, /cannot connect to 127\.0\.0\.1:1/)
      r = runExport(['-n', ns, '--schema', 'i:int32', '-o', path.join(dir, 'z.arrow')])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /--schema: bad schema type 'int32' for i/)
    })

    await check('a full disk (/dev/full): status 1 and why; the device is left alone', () => {
      const r = runExport(['-n', ns, '-s', set, '--format', 'jsonl', '-o', '/dev/full'])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /cannot write \/dev\/full: No space left on device/)
      assert.doesNotMatch(r.stderr, /removed/)
      assert.ok(fs.statSync('/dev/full').isCharacterDevice(), '/dev/full still exists')
      const ok = runExport(['-n', ns, '-s', set, '--format', 'arrow', '-o', '/dev/null'])
      assert.equal(ok.status, 0, ok.stderr)
      assert.ok(fs.statSync('/dev/null').isCharacterDevice())
    })

    await check('a reader that closes the pipe: status 1 and why', () => {
      const r = spawnSync('bash', ['-c',
        `"${asexport}" -h ${host}:${port} -n ${ns} -s ${set} --format jsonl -o - | head -c 100 > /dev/null; ` +
        'echo "status=${PIPESTATUS[0]}"'], { encoding: 'utf8' })
      assert.match(r.stdout, /status=1/, r.stderr)
      assert.match(r.stderr, /cannot write standard output: its reader closed it/)
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    await client.close()
  }
}

run('asexport', main)
