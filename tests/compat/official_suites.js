'use strict'
// Driven by official_suites.sh (through run_scenario.sh, which starts asd): runs each
// suite in $SUITES with mocha from $SUITES_DIR against ASD_HOST:ASD_PORT and prints its
// counts and failing titles. The suites read the server address from OPTIONS, and the
// server version from AEROSPIKE_VERSION_OVERRIDE (set here to asd's build, so that no
// version-gated test is skipped for want of an answer yet).
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const dir = process.env.SUITES_DIR
const env = {
  ...process.env,
  OPTIONS: `--host ${process.env.ASD_HOST} --port ${process.env.ASD_PORT}`,
  AEROSPIKE_VERSION_OVERRIDE: process.env.AEROSPIKE_VERSION_OVERRIDE || '7.2.0.0'
}
const mocha = path.join(dir, 'node_modules', '.bin', 'mocha')

for (const suite of process.env.SUITES.split(/\s+/).filter(Boolean)) {
  const r = spawnSync(mocha, ['--require', 'tsx/cjs', '--timeout', '20000', '--reporter', 'spec', '--exit',
    path.join('test', suite)], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900000 })
  const out = (r.stdout || '') + (r.stderr || '')
  const count = word => Number((new RegExp(`(\\d+) ${word}`).exec(out) || [0, 0])[1])
  console.log(`${suite}: ${count('passing')} passing, ${count('failing')} failing, ${count('pending')} pending`)
  // The spec reporter lists failures as "  N) suite\n       title:\n     Error: ..." at the end.
  const summary = out.slice(Math.max(0, out.search(/\d+ failing/)))
  const failures = summary.split(/\n\s+\d+\) /).slice(1)
  for (const f of failures) {
    const lines = f.split('\n').map(l => l.trim()).filter(Boolean)
    const error = lines.find(l => /Error|expected/i.test(l)) || ''
    console.log(`    - ${lines.slice(0, 3).join(' > ').slice(0, 160)} | ${error.slice(0, 160)}`)
  }
}
