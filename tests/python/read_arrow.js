'use strict'
// Reads an Arrow IPC stream (a file path, or standard input when none) with Apache Arrow's
// own JS reader (the apache-arrow npm package from tests/compat/install.sh) and prints it
// as JSON for tests/python/test_arrow.py: the schema as [name, type, nullable], the rows
// of each record batch, with int64 as decimal strings and binary as hex.
const fs = require('node:fs')
const arrow = require('apache-arrow')

function plain (v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  return v
}

const bytes = fs.readFileSync(process.argv[2] || 0)
const reader = arrow.RecordBatchReader.from(bytes)
const out = { schema: null, batches: [] }
for (const batch of reader) {
  if (!out.schema) out.schema = batch.schema.fields.map(f => [f.name, String(f.type), f.nullable])
  const rows = []
  for (let r = 0; r < batch.numRows; r++) {
    rows.push(batch.schema.fields.map((f, c) => plain(batch.getChildAt(c).get(r))))
  }
  out.batches.push(rows)
}
if (!out.schema && reader.schema) out.schema = reader.schema.fields.map(f => [f.name, String(f.type), f.nullable])
process.stdout.write(JSON.stringify(out))
