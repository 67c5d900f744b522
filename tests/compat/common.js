'use strict'
// Shared helpers for the compat scenarios: connection settings from the
// harness (ASD_HOST / ASD_PORT), a global timeout, named checks that print
// what they verify, and error-code assertions.

const Aerospike = require('aerospike')
const assert = require('node:assert/strict')

const host = process.env.ASD_HOST || '127.0.0.1'
const port = Number(process.env.ASD_PORT || 3000)

// Generous per-command timeouts: CI runs several daemons and builds on 2 cores.
const kTimeoutMs = Number(process.env.COMPAT_OP_TIMEOUT_MS || 10000)

function config (extra = {}) {
  const t = { totalTimeout: kTimeoutMs, socketTimeout: kTimeoutMs }
  return {
    hosts: [{ addr: host, port }],
    log: { level: Aerospike.log.WARN },
    maxConnsPerNode: 300,
    policies: {
      read: t, write: t, operate: t, remove: t, batch: t, info: { timeout: kTimeoutMs },
      scan: { totalTimeout: 0, socketTimeout: kTimeoutMs },
      query: { totalTimeout: 0, socketTimeout: kTimeoutMs }
    },
    ...extra
  }
}

// An explicit per-command policy replaces the client defaults entirely in the
// Node binding (it starts from the C client's 1 s timeout), so every explicit
// policy goes through here.
function policy (extra = {}) {
  return { totalTimeout: kTimeoutMs, socketTimeout: kTimeoutMs, ...extra }
}

function connect (extra) {
  return Aerospike.connect(config(extra))
}

// Runs one named check and prints it; the first failure propagates.
async function check (name, fn) {
  process.stdout.write(`check: ${name} ... `)
  try {
    const r = await fn()
    console.log('ok')
    return r
  } catch (e) {
    console.log('FAILED')
    e.message = `[${name}] ${e.message}`
    throw e
  }
}

function describeError (e) {
  if (e && typeof e.code === 'number') return `AerospikeError code=${e.code} message=${JSON.stringify(e.message)}`
  return String(e && e.stack ? e.stack : e)
}

// Awaits `promise`, expects it to fail with one of `codes` (number or array);
// returns the error.
async function expectError (promise, codes, what) {
  const want = Array.isArray(codes) ? codes : [codes]
  let err = null
  let value
  try {
    value = await promise
  } catch (e) {
    err = e
  }
  if (!err) {
    assert.fail(`${what}: expected error code ${want.join(' or ')}, got success (${safeJson(value)})`)
  }
  if (!want.includes(err.code)) {
    assert.fail(`${what}: expected error code ${want.join(' or ')}, got ${describeError(err)}`)
  }
  return err
}

function safeJson (v) {
  try {
    return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x))
  } catch (_) {
    return String(v)
  }
}

// The record digest the client computes (wire-protocol.md §6.1):
// RIPEMD-160(set ‖ key type ‖ key bytes). Key objects leave .digest null
// until a command fills it in, so scenarios compute it themselves.
function digestOf (set, key) {
  let typed
  if (typeof key === 'number' || typeof key === 'bigint') {
    typed = Buffer.alloc(9)
    typed[0] = 1
    typed.writeBigInt64BE(BigInt(key), 1)
  } else if (typeof key === 'string') {
    typed = Buffer.concat([Buffer.from([3]), Buffer.from(key, 'utf8')])
  } else if (Buffer.isBuffer(key)) {
    typed = Buffer.concat([Buffer.from([4]), key])
  } else {
    throw new TypeError(`digestOf: unsupported key ${key}`)
  }
  return require('node:crypto').createHash('ripemd160')
    .update(Buffer.from(set || '', 'utf8')).update(typed).digest()
}

// Sends one raw info request (type-1 proto) on a fresh socket and resolves to
// the response body text; lets scenarios check exact bytes the client hides.
function rawInfo (body, ms = kTimeoutMs) {
  const net = require('node:net')
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body, 'utf8')
    const hdr = Buffer.alloc(8)
    hdr.writeBigUInt64BE((2n << 56n) | (1n << 48n) | BigInt(payload.length))
    const sock = net.connect(port, host)
    let got = Buffer.alloc(0)
    sock.setTimeout(ms, () => { sock.destroy(); reject(new Error(`raw info ${JSON.stringify(body)}: timeout`)) })
    sock.on('connect', () => sock.write(Buffer.concat([hdr, payload])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      if (got.length < 8) return
      const h = got.readBigUInt64BE(0)
      const version = Number(h >> 56n)
      const type = Number((h >> 48n) & 0xffn)
      const size = Number(h & 0xffffffffffffn)
      if (version !== 2 || type !== 1) {
        sock.destroy()
        reject(new Error(`raw info ${JSON.stringify(body)}: bad proto header version=${version} type=${type}`))
        return
      }
      if (got.length >= 8 + size) {
        sock.destroy()
        resolve(got.subarray(8, 8 + size).toString('utf8'))
      }
    })
    sock.on('error', reject)
    sock.on('close', () => reject(new Error(`raw info ${JSON.stringify(body)}: connection closed early`)))
  })
}

// Polls `pred` until it returns truthy or `ms` elapse; returns the last value.
async function eventually (pred, ms = 5000, stepMs = 50) {
  const end = Date.now() + ms
  for (;;) {
    const v = await pred()
    if (v || Date.now() > end) return v
    await sleep(stepMs)
  }
}

function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

// Runs up to `limit` async jobs from `count` at a time; job(i) -> Promise.
async function parallel (count, limit, job) {
  let next = 0
  async function worker () {
    while (next < count) {
      const i = next++
      await job(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
}

// Entry point: global timeout, PASS/FAIL line, exit status.
function run (name, main, timeoutMs = 120000) {
  const timer = setTimeout(() => {
    console.error(`\n${name}: TIMEOUT after ${timeoutMs} ms`)
    process.exit(2)
  }, timeoutMs)
  timer.unref()
  console.log(`${name}: asd at ${host}:${port}`)
  main().then(() => {
    console.log(`${name}: PASS`)
    process.exit(0)
  }, e => {
    console.error(`${name}: FAIL: ${e && e.message}`)
    if (e && typeof e.code === 'number') console.error(`  (${describeError(e)})`)
    else if (e && e.stack) console.error(e.stack)
    process.exit(1)
  })
}

module.exports = {
  Aerospike, assert, host, port, config, policy, connect, check, expectError,
  describeError, safeJson, digestOf, rawInfo, eventually, sleep, parallel, run
}
