import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import { DIST_DIR, isFresh, WEB_DIR } from '../../web/build.mjs';

/**
 * Serves the web console (web/, React + Vite) from web/dist on the API's own port: `/assets/*` with
 * long-lived caching (file names carry content hashes), and index.html for every other path that is
 * not `/api`, `/v1` or `/healthz`, so the console's client-side URLs can be bookmarked and reloaded.
 *
 * web/dist is normally built by the npm `prepare` script (`npm ci` runs it). When it is missing or was
 * built from other sources (a `git pull` without reinstalling, an edit under web/), the first console
 * request starts `node web/build.mjs` in a child process — the API keeps answering meanwhile — and
 * the console shows a page that reloads itself until the build is done.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};
const RESERVED = /^\/(api|v1|healthz)(\/|$)/;
// The console talks only to its own origin; React escapes text; ECharts sets inline styles.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'content-security-policy': CSP, 'x-frame-options': 'DENY' };

type State = { kind: 'unknown' } | { kind: 'ready' } | { kind: 'building'; since: number; log: string[] } | { kind: 'failed'; log: string[] };

export interface ConsoleOptions {
  distDir?: string;
  /** Build web/dist on demand when it is missing or stale (default true). */
  autoBuild?: boolean;
}

export function mountConsole(app: Hono, opts: ConsoleOptions = {}): void {
  const dist = opts.distDir ?? DIST_DIR;
  const autoBuild = opts.autoBuild ?? process.env.ZONGHENG_CONSOLE_AUTOBUILD !== '0';
  let state: State = { kind: 'unknown' };
  const files = new Map<string, Buffer | null>();

  function startBuild(): void {
    const log: string[] = [];
    state = { kind: 'building', since: Date.now(), log };
    files.clear();
    const child = spawn(process.execPath, [join(WEB_DIR, 'build.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer) => {
      log.push(...b.toString('utf8').split('\n').filter(Boolean));
      if (log.length > 60) log.splice(0, log.length - 60);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => (state = { kind: 'failed', log: [...log, e.message] }));
    child.on('exit', (code) => {
      files.clear();
      state = code === 0 ? { kind: 'ready' } : { kind: 'failed', log };
    });
  }

  function ensure(): State {
    if (state.kind === 'unknown') {
      if (!autoBuild || isFresh()) state = { kind: 'ready' };
      else startBuild();
    }
    return state;
  }

  function read(rel: string): Buffer | null {
    if (files.has(rel)) return files.get(rel)!;
    const p = normalize(join(dist, rel));
    let buf: Buffer | null = null;
    if (p.startsWith(dist + sep)) {
      try {
        if (statSync(p).isFile()) buf = readFileSync(p);
      } catch {
        buf = null;
      }
    }
    // Only content-hashed assets are kept in memory; index.html is re-read so a rebuild shows at once.
    if (rel.startsWith('assets/')) files.set(rel, buf);
    return buf;
  }

  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (RESERVED.test(path)) return next();
    const s = ensure();
    if (s.kind === 'building') return statusPage(c, 'building', s.log, s.since);
    if (s.kind === 'failed') return statusPage(c, 'failed', s.log);
    let rel: string;
    try {
      rel = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return next();
    }
    if (rel && !rel.startsWith('.')) {
      const buf = read(rel);
      if (buf) {
        const immutable = rel.startsWith('assets/');
        return c.body(new Uint8Array(buf), 200, {
          'content-type': TYPES[extname(rel)] ?? 'application/octet-stream',
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          'x-content-type-options': 'nosniff',
        });
      }
      // A missing file (has an extension) is a 404, not the app: a stale asset URL must not get HTML.
      if (extname(rel)) return next();
    }
    const index = read('index.html');
    if (!index) return statusPage(c, 'failed', [`${join(dist, 'index.html')} is missing; run: node web/build.mjs`]);
    return c.body(new Uint8Array(index), 200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  });
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function statusPage(c: Context, kind: 'building' | 'failed', log: string[], since?: number): Response {
  const building = kind === 'building';
  const secs = since ? Math.round((Date.now() - since) / 1000) : 0;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zongheng 纵横</title>${building ? '<meta http-equiv="refresh" content="2">' : ''}
<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:760px;margin:60px auto;padding:0 20px;color:#1b2733}pre{background:#f4f6f9;padding:12px;overflow:auto;font-size:13px}</style></head><body>
<h1>${building ? 'Building the console… 正在构建控制台…' : 'The console could not be built 控制台构建失败'}</h1>
<p>${building ? `web/dist is missing or out of date, so the server is building it (${secs} s so far; usually under a minute). This page reloads itself. The API at <a href="/api/openapi.json">/api/openapi.json</a> is already available.` : 'Run <code>node web/build.mjs</code> in the Zongheng directory to see the full error, then restart the server. The API at <a href="/api/openapi.json">/api/openapi.json</a> works regardless.'}</p>
${log.length ? `<pre>${esc(log.join('\n'))}</pre>` : ''}</body></html>`;
  return c.body(html, 503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '2' });
}
