'use strict'
// bench/columnar/arrow_read.js: reads one asexport Arrow IPC stream back with the
// apache-arrow npm package (tests/compat/node_modules) and prints one JSON line.
//
//   node arrow_read.js FILE RECORDS REPEAT
//
// Two ways, REPEAT times each, alternating so drift hits both alike:
//   stream  RecordBatchReader over fs.createReadStream(FILE): what a consumer of a file
//           or pipe does (async, 64 KiB chunks reassembled into batches)
//   memory  RecordBatchReader over the whole file already in a Buffer: decoding alone
// Each pass touches every value of column x (float64, x = id * 0.5, so its sum is known)
// and checks the row count and the sum, so a short or wrong read fails instead of
// looking fast. MB/s = file bytes / seconds (MB = 1e6 bytes); medians are reported.
const fs = require('node:fs')
const path = require('node:path')
const arrow = require(path.join(__dirname, '../../tests/compat/node_modules/apache-arrow'))

const [file, recordsArg, repeatArg] = process.argv.slice(2)
if (!file || !recordsArg) {
  console.error('usage: node arrow_read.js FILE RECORDS [REPEAT]')
  process.exit(2)
}
const records = Number(recordsArg)
const repeat = Number(repeatArg || 3)
const bytes = fs.statSync(file).size
// Records 0..N-1: x sums to 0.5 * N(N-1)/2, exact in float64 at these sizes.
const expectedSum = 0.5 * records * (records - 1) / 2

function touch (batch, acc) {
  const x = batch.getChild('x')
  if (!x) throw new Error(`${file}: no column x (columns: ${batch.schema.fields.map(f => f.name)})`)
  const values = x.toArray()
  let sum = 0
  for (let i = 0; i < values.length; ++i) sum += values[i]
  acc.sum += sum
  acc.rows += batch.numRows
  acc.batches += 1
}

function check (acc, how) {
  if (acc.rows !== records || acc.sum !== expectedSum) {
    throw new Error(`${how} read of ${file}: ${acc.rows} rows, sum(x) ${acc.sum}; ` +
                    `expected ${records} rows, sum ${expectedSum}`)
  }
}

async function readStream () {
  const acc = { rows: 0, sum: 0, batches: 0 }
  const start = process.hrtime.bigint()
  const reader = await arrow.RecordBatchReader.from(fs.createReadStream(file))
  for await (const batch of reader) touch(batch, acc)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  check(acc, 'stream')
  return { seconds, batches: acc.batches }
}

function readMemory (buffer) {
  const acc = { rows: 0, sum: 0, batches: 0 }
  const start = process.hrtime.bigint()
  for (const batch of arrow.RecordBatchReader.from(buffer)) touch(batch, acc)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  check(acc, 'memory')
  return { seconds, batches: acc.batches }
}

function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function main () {
  const buffer = fs.readFileSync(file)
  await readStream()  // warm-up: JIT and page cache, not counted
  readMemory(buffer)
  const stream = []
  const memory = []
  let batches = 0
  for (let i = 0; i < repeat; ++i) {
    const s = await readStream()
    stream.push(s.seconds)
    memory.push(readMemory(buffer).seconds)
    batches = s.batches
  }
  console.log(JSON.stringify({
    file_bytes: bytes,
    rows: records,
    batches,
    avg_batch_bytes: Math.round(bytes / batches),
    stream_mb_per_s: bytes / 1e6 / median(stream),
    memory_mb_per_s: bytes / 1e6 / median(memory)
  }))
}

main().catch(e => {
  console.error(`arrow_read: ${e.stack || e}`)
  process.exit(1)
})
