'use strict'
// cluster_wire: the raw wire helpers of cluster_kit.js (which re-exports them),
// so a node is asked directly, whatever the client's view of the cluster.
//
// rawInfo() sends one info command over a raw socket (type-1 proto) to a given
// port: an asd node's service port, or an xdr daemon's xdr-info-port (same
// protocol). rawGet() reads one record from one given node over the wire
// protocol (type-3 AS_MSG, by digest) to check that any node answers for any
// record; rawBatchGet() sends one batch of keys to one given node.
//
// On a node with access control (security { }), setRawLogin(user, credential) makes
// every raw request log in first on its socket (an admin LOGIN proto, type 2, sent
// ahead of the request; its answer must be OK). `credential` is what clients send:
// bcrypt(password) under the clients' fixed salt.
//
// Environment: CLUSTER_OP_TIMEOUT_MS (default per-request timeout of rawGet and
// rawBatchGet, default 10000).

const net = require('node:net')
const crypto = require('node:crypto')

const kOpTimeoutMs = Number(process.env.CLUSTER_OP_TIMEOUT_MS || 10000)

function protoHeader (type, size) {
  const hdr = Buffer.alloc(8)
  hdr.writeBigUInt64BE((2n << 56n) | (BigInt(type) << 48n) | BigInt(size))
  return hdr
}

let rawLogin = null

// One admin field (wire-protocol §1.6): 4-byte length counting the id, id, data.
function adminField (id, data) {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')
  const h = Buffer.alloc(5)
  h.writeUInt32BE(b.length + 1)
  h[4] = id
  return Buffer.concat([h, b])
}

// An admin request body: the 16-byte header with the command and field count, then fields.
function adminBody (command, fields) {
  const header = Buffer.alloc(16)
  header[2] = command
  header[3] = fields.length
  return Buffer.concat([header, ...fields])
}

// An admin LOGIN proto (command 20; fields USER 0 and CREDENTIAL 3).
function loginProto (user, credential) {
  const body = adminBody(20, [adminField(0, user), adminField(3, credential)])
  return Buffer.concat([protoHeader(2, body.length), body])
}

// bcrypt('admin') under the clients' fixed salt: what a client sends for password admin
// (the first start's user on a secured node).
const kAdminCredential = '$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa'

function setRawLogin (user, credential) {
  rawLogin = user === null ? null : loginProto(user, credential)
}

// One request on a fresh socket; resolves to the response body (Buffer).
function rawRequest (port, type, payload, ms, what) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    let got = Buffer.alloc(0)
    let done = false
    let loggedIn = rawLogin === null
    const fail = e => { if (!done) { done = true; sock.destroy(); reject(e) } }
    sock.setTimeout(ms, () => fail(new Error(`${what} on port ${port}: timeout after ${ms} ms`)))
    sock.on('connect', () => sock.write(Buffer.concat([rawLogin || Buffer.alloc(0), protoHeader(type, payload.length), payload])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      for (;;) {
        if (got.length < 8) return
        const h = got.readBigUInt64BE(0)
        const version = Number(h >> 56n)
        const t = Number((h >> 48n) & 0xffn)
        const size = Number(h & 0xffffffffffffn)
        const want = loggedIn ? type : 2
        if (version !== 2 || t !== want) return fail(new Error(`${what} on port ${port}: bad proto header version=${version} type=${t}`))
        if (got.length < 8 + size) return
        if (!loggedIn) {
          if (got[9] !== 0) return fail(new Error(`${what} on port ${port}: login refused with code ${got[9]}`))
          loggedIn = true
          got = got.subarray(8 + size)
          continue
        }
        done = true
        sock.destroy()
        return resolve(got.subarray(8, 8 + size))
      }
    })
    sock.on('error', e => fail(new Error(`${what} on port ${port}: ${e.code || e.message}`)))
    sock.on('close', () => fail(new Error(`${what} on port ${port}: connection closed early`)))
  })
}

// Sends info `cmd` to the node on `port`; resolves to the value text (what
// follows `cmd\t`, without the trailing newline).
async function rawInfo (port, cmd, ms = 3000) {
  const body = (await rawRequest(port, 1, Buffer.from(cmd + '\n', 'utf8'), ms, `info ${JSON.stringify(cmd)}`)).toString('utf8')
  const line = body.split('\n')[0]
  const tab = line.indexOf('\t')
  return tab >= 0 ? line.slice(tab + 1) : line
}

function parseKv (text) {
  const out = {}
  for (const kv of text.split(';')) {
    const i = kv.indexOf('=')
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1)
  }
  return out
}

// RIPEMD-160(set ‖ key type ‖ key bytes), the record digest.
function digestOf (set, key) {
  let typed
  if (typeof key === 'number' || typeof key === 'bigint') {
    typed = Buffer.alloc(9)
    typed[0] = 1
    typed.writeBigInt64BE(BigInt(key), 1)
  } else if (typeof key === 'string') {
    typed = Buffer.concat([Buffer.from([3]), Buffer.from(key, 'utf8')])
  } else {
    throw new TypeError(`digestOf: unsupported key ${key}`)
  }
  return crypto.createHash('ripemd160').update(Buffer.from(set || '', 'utf8')).update(typed).digest()
}

function partitionOf (digest) {
  return digest.readUInt16LE(0) & 0x0fff
}

// Parses a `replicas` answer (ns:regime,n,bitmap,...;...) into, for
// namespace `ns`, one Set of partition ids per column (0: master, 1.. replicas).
function parseReplicas (answer, ns) {
  for (const part of answer.split(';')) {
    const colon = part.indexOf(':')
    if (part.slice(0, colon) !== ns) continue
    const cols = part.slice(colon + 1).split(',')
    const n = Number(cols[1])
    const maps = cols.slice(2)
    if (maps.length !== n) throw new Error(`replicas answer for ${ns} has ${maps.length} bitmaps, says ${n}: ${part.slice(0, 80)}`)
    return maps.map(b64 => {
      const bits = Buffer.from(b64, 'base64')
      if (bits.length !== 512) throw new Error(`replicas bitmap of ${bits.length} bytes, want 512`)
      const set = new Set()
      for (let p = 0; p < 4096; p++) if (bits[p >> 3] & (0x80 >> (p & 7))) set.add(p)
      return set
    })
  }
  throw new Error(`no namespace ${ns} in replicas answer ${answer.slice(0, 120)}`)
}

function field (type, data) {
  const h = Buffer.alloc(5)
  h.writeUInt32BE(data.length + 1, 0)
  h[4] = type
  return Buffer.concat([h, data])
}

// Reads record (ns, set, key) from the node on `port` over the wire protocol
// (read all bins, by digest): resolves to { result, gen, ttl, bins } where
// result is the server's result code (0 ok, 2 not found); integer, float and
// string bins are decoded, others come back as Buffers.
async function rawGet (port, ns, set, key, ms = kOpTimeoutMs) {
  const msg = Buffer.alloc(22)
  msg[0] = 22
  msg[1] = 0x01 | 0x02 // READ | GET_ALL
  msg.writeUInt32BE(ms, 14) // transaction ttl
  msg.writeUInt16BE(3, 18) // n_fields
  msg.writeUInt16BE(0, 20) // n_ops
  const payload = Buffer.concat([msg, field(0, Buffer.from(ns)), field(1, Buffer.from(set)), field(4, digestOf(set, key))])
  const b = await rawRequest(port, 3, payload, ms + 1000, `get ${ns}/${set}/${key}`)
  return decodeMessage(b, 0).msg
}

// One AS_MSG at `at` in `b`: { msg: { result, gen, ttl, index, last, bins }, next }
// (index: the transaction_ttl slot, a batch row's index; last: info3 LAST).
function decodeMessage (b, at) {
  const msg = { result: b[at + 5], gen: b.readUInt32BE(at + 6), ttl: b.readUInt32BE(at + 10), index: b.readUInt32BE(at + 14), last: (b[at + 3] & 1) !== 0, bins: {} }
  const nFields = b.readUInt16BE(at + 18)
  const nOps = b.readUInt16BE(at + 20)
  let off = at + b[at]
  for (let i = 0; i < nFields; i++) off += 4 + b.readUInt32BE(off)
  for (let i = 0; i < nOps; i++) {
    const size = b.readUInt32BE(off)
    const ptype = b[off + 5]
    const nameLen = b[off + 7]
    const name = b.subarray(off + 8, off + 8 + nameLen).toString('utf8')
    const val = b.subarray(off + 8 + nameLen, off + 4 + size)
    if (ptype === 1) msg.bins[name] = Number(val.readBigInt64BE(0))
    else if (ptype === 2) msg.bins[name] = val.readDoubleBE(0)
    else if (ptype === 3) msg.bins[name] = val.toString('utf8')
    else msg.bins[name] = Buffer.from(val)
    off += 4 + size
  }
  return { msg, next: off }
}

// Sends one batch read of `keys` (ns, set; all bins) to the node on `port`,
// whatever partitions it serves, and resolves to one row per key, in key order:
// { result, gen, bins } as rawGet. Rows this node does not serve come back
// through the node that does (a proxied batch row).
function rawBatchGet (port, ns, set, keys, ms = kOpTimeoutMs) {
  const parts = [Buffer.alloc(5)]
  parts[0].writeUInt32BE(keys.length, 0)
  keys.forEach((k, i) => {
    const row = Buffer.alloc(4 + 20 + 1 + 3 + 4 + 4)
    row.writeUInt32BE(i, 0)
    digestOf(set, k).copy(row, 4)
    row[24] = 0x02 | 0x08 // has info, has ttl
    row[25] = 0x01 | 0x02 // READ | GET_ALL
    row.writeUInt16BE(2, 32) // n_fields
    row.writeUInt16BE(0, 34) // n_ops
    parts.push(row, field(0, Buffer.from(ns)), field(1, Buffer.from(set)))
  })
  const msg = Buffer.alloc(22)
  msg[0] = 22
  msg[1] = 0x01 | 0x02 | 0x08 // READ | GET_ALL | BATCH
  msg.writeUInt32BE(ms, 14)
  msg.writeUInt16BE(1, 18)
  const payload = Buffer.concat([msg, field(42, Buffer.concat(parts))])
  const what = `batch of ${keys.length} on port ${port}`
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    const rows = new Array(keys.length)
    let got = Buffer.alloc(0)
    let done = false
    const fail = e => { if (!done) { done = true; sock.destroy(); reject(e) } }
    sock.setTimeout(ms, () => fail(new Error(`${what}: timeout after ${ms} ms`)))
    sock.on('connect', () => sock.write(Buffer.concat([protoHeader(3, payload.length), payload])))
    sock.on('data', d => {
      got = Buffer.concat([got, d])
      while (got.length >= 8) {
        const size = Number(got.readBigUInt64BE(0) & 0xffffffffffffn)
        if (got.length < 8 + size) return
        const body = got.subarray(8, 8 + size)
        got = got.subarray(8 + size)
        for (let at = 0; at < body.length;) {
          const { msg, next } = decodeMessage(body, at)
          at = next
          if (msg.last) {
            done = true
            sock.destroy()
            if (msg.result !== 0) return reject(new Error(`${what}: batch answered result ${msg.result}`))
            const missing = rows.findIndex(r => r === undefined)
            if (missing >= 0) return reject(new Error(`${what}: no answer for row ${missing}`))
            return resolve(rows)
          }
          if (msg.index < rows.length) rows[msg.index] = { result: msg.result, gen: msg.gen, bins: msg.bins }
        }
      }
    })
    sock.on('error', e => fail(new Error(`${what}: ${e.code || e.message}`)))
    sock.on('close', () => fail(new Error(`${what}: connection closed early`)))
  })
}

module.exports = { protoHeader, adminField, adminBody, kAdminCredential, setRawLogin, rawInfo, rawGet, rawBatchGet, parseKv, parseReplicas, digestOf, partitionOf }
