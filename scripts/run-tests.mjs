#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's built-in test runner (through tsx).
// Usage: npm test [-- <path filter>]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['src', 'test'];
const args = process.argv.slice(2);
const browser = args.includes('--browser');
const filter = args.find((a) => !a.startsWith('--'));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') && (!filter || p.startsWith(filter)) && p.startsWith('test/browser/') === browser) files.push(p);
  }
}
for (const r of roots) { try { walk(r); } catch { /* missing root */ } }
files.sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const concurrency = process.env.ZONGHENG_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
