#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>/index.ts (through tsx) and passes the args on.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const [name, ...rest] = process.argv.slice(2);
const available = existsSync('bench') ? readdirSync('bench').filter((d) => existsSync(`bench/${d}/index.ts`)) : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [args]\navailable: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}/index.ts`, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
