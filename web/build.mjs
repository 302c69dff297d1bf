#!/usr/bin/env node
// Builds the web console (web/) into web/dist with Vite — unless web/dist was already built from
// exactly these sources and toolchain versions (a content hash kept in web/dist/.build.json).
//
//   node web/build.mjs            build if out of date (exit 1 on failure)
//   node web/build.mjs --force    always build
//   node web/build.mjs --check    exit 0 if up to date, 3 if not (no build)
//   node web/build.mjs --soft     as the npm `prepare` step: never fails the install; on failure the
//                                 server builds again on first start and shows the error there
//
// The server (src/server/console.ts) runs this same file as a child process when it finds web/dist
// missing or stale, so `npm ci && npm start` is enough in every case.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');
const STAMP = '.build.json';
const LOCK = join(WEB_DIR, '.build.lock');
const INPUTS = ['index.html', 'vite.config.ts', 'src', 'public'];
const TOOLCHAIN = ['vite', '@vitejs/plugin-react', 'react', 'react-dom', 'echarts'];

function walk(p, out) {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name), out);
  else out.push(p);
}

/** Hash of every source file (path + content) and the installed versions of the build toolchain. */
export function sourceHash() {
  const h = createHash('sha256');
  const files = [];
  for (const i of INPUTS) walk(join(WEB_DIR, i), files);
  for (const f of files) {
    h.update(relative(WEB_DIR, f).split('\\').join('/'));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  const req = createRequire(join(WEB_DIR, 'package.json'));
  for (const name of TOOLCHAIN) {
    let v = 'missing';
    try {
      v = JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')).version;
    } catch { /* not installed */ }
    h.update(`${name}@${v}\0`);
  }
  return h.digest('hex');
}

/** True when web/dist holds a build of the current sources. */
export function isFresh() {
  try {
    const stamp = JSON.parse(readFileSync(join(DIST_DIR, STAMP), 'utf8'));
    return stamp.hash === sourceHash() && existsSync(join(DIST_DIR, 'index.html'));
  } catch {
    return false;
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** One build at a time per checkout: a lock file holding the builder's pid (stale locks are taken over). */
async function withLock(fn) {
  for (let waited = 0; ; waited += 250) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const pid = Number(readFileSync(LOCK, 'utf8') || '0');
      if (!pid || !pidAlive(pid)) {
        rmSync(LOCK, { force: true });
        continue;
      }
      if (waited > 300_000) throw new Error(`another build (pid ${pid}) has held ${LOCK} for 5 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

export async function build({ force = false, log = console.error } = {}) {
  return withLock(async () => {
    if (!force && isFresh()) return { built: false };
    const started = performance.now();
    const hash = sourceHash();
    const tmp = join(WEB_DIR, `.dist-tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    const vite = await import(pathToFileURL(createRequire(join(WEB_DIR, 'package.json')).resolve('vite')).href);
    await vite.build({
      root: WEB_DIR,
      configFile: join(WEB_DIR, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
    writeFileSync(join(tmp, STAMP), JSON.stringify({ hash, builtAt: new Date().toISOString() }) + '\n');
    rmSync(DIST_DIR, { recursive: true, force: true });
    mkdirSync(dirname(DIST_DIR), { recursive: true });
    renameSync(tmp, DIST_DIR);
    const ms = Math.round(performance.now() - started);
    log(`zongheng console built into ${relative(process.cwd(), DIST_DIR) || DIST_DIR} in ${ms} ms`);
    return { built: true, ms };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes('--check')) process.exit(isFresh() ? 0 : 3);
  try {
    const r = await build({ force: args.includes('--force') });
    if (!r.built) console.error('zongheng console is up to date (web/dist)');
  } catch (e) {
    console.error(`zongheng console build failed: ${e?.stack ?? e}`);
    if (args.includes('--soft')) {
      console.error('continuing: the server will try again on first start and show what went wrong');
      process.exit(0);
    }
    process.exit(1);
  }
}
