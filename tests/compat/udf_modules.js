'use strict'
// udf_modules: registering, listing, reading and removing Lua UDF modules with the
// official Node.js client (udfRegister / udfRemove jobs, which poll `udf-list` until
// done), and a module with a syntax error refused as the real server does (status 100,
// with the line and the compiler's message). See wire-protocol.md §10.1.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { Aerospike, assert, connect, check, expectError, rawInfo, run } = require('./common')

const kGood = `-- compat test module
function add(rec, bin, n)
  rec[bin] = (rec[bin] or 0) + n
  aerospike:update(rec)
  return rec[bin]
end
`

function listed (raw, name) {
  return raw.includes(`filename=${name},`)
}

async function main () {
  const client = await connect()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-udf-'))
  const good = path.join(dir, 'compat_counter.lua')
  const broken = path.join(dir, 'compat_broken.lua')
  fs.writeFileSync(good, kGood)
  fs.writeFileSync(broken, 'function f(\n  return 1\nend\n')

  await check('udfRegister(file) resolves and its job completes', async () => {
    const job = await client.udfRegister(good)
    await job.wait(20)
  })

  await check("udf-list names the module with a 40-hex hash and type LUA (info.parse reads it)", async () => {
    const raw = await client.infoAny('udf-list')
    assert.ok(listed(raw, 'compat_counter.lua'), raw)
    assert.match(raw, /filename=compat_counter\.lua,hash=[0-9a-f]{40},type=LUA;/)
    const parsed = Aerospike.info.parse(raw)
    assert.ok(parsed['udf-list'] !== undefined, JSON.stringify(parsed))
  })

  await check('udf-get returns the registered content (base64)', async () => {
    const raw = await rawInfo('udf-get:filename=compat_counter.lua;\n')
    const m = raw.match(/content=([^;]*);/)
    assert.ok(m, raw)
    assert.equal(Buffer.from(m[1], 'base64').toString(), kGood)
  })

  await check('a module with a syntax error is refused with status 100, its line and message', async () => {
    const err = await expectError(client.udfRegister(broken), Aerospike.status.ERR_UDF, 'udfRegister(broken)')
    assert.match(String(err.message), /2/)
    assert.match(String(err.message), /expected near 'return'/)
    assert.ok(!listed(await client.infoAny('udf-list'), 'compat_broken.lua'))
  })

  await check('udfRemove(module) resolves, its job completes and the list no longer names it', async () => {
    const job = await client.udfRemove('compat_counter.lua')
    await job.wait(20)
    assert.ok(!listed(await client.infoAny('udf-list'), 'compat_counter.lua'))
  })

  await check('removing a module that does not exist succeeds, as on the real server', async () => {
    assert.equal(await rawInfo('udf-remove:filename=compat_nothing.lua;\n'), 'udf-remove:filename=compat_nothing.lua;\tok\n')
  })

  fs.rmSync(dir, { recursive: true, force: true })
  await client.close()
}

run('udf_modules', main)
