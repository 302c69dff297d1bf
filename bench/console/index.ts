import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../../src/server/start.ts';
import { seedBench } from '../store/seed.ts';
import { build } from '../../web/build.mjs';

/**
 * `npm run bench -- console [--systems N] [--risks N] [--runs N]`: seeds 10,000 systems and 200,000
 * risks (bench/store/seed.ts), serves the real console from the real server, and measures in headless
 * Chromium (Debian's /usr/bin/chromium):
 *  - dashboard first render: navigation start → KPIs, charts and the ECharts heat map in the DOM
 *    (cold = new browser context, empty cache; warm = assets cached), and → every card loaded;
 *  - register filtering: a filter or sort control changed → the table shows the server's new rows
 *    (next animation frame after the DOM update), measured inside the page with performance.now().
 * Targets: dashboard < 1,500 ms, register filtering < 300 ms. Prints JSON.
 */
const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const SYSTEMS = Number(arg('systems', '10000'));
const RISKS = Number(arg('risks', '200000'));
const RUNS = Number(arg('runs', '10'));
const CHROMIUM = process.env.ZONGHENG_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
  return { p50: at(0.5), p95: at(0.95), max: Math.round(s.at(-1)!), runs: s.length };
};
const log = (m: string) => process.stderr.write(`[bench/console] ${m}\n`);

const built = await build({ log });
// --data-dir DIR keeps the seeded store between runs (seeding 200k risks takes minutes); reused if present.
const keepDir = args.includes('--data-dir') ? arg('data-dir', '') : '';
const dataDir = keepDir || mkdtempSync(join(tmpdir(), 'zh-bench-console-'));
let seedResult: unknown;
const server = await startServer(
  { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent' },
  {
    quiet: true,
    beforeListen: async (rt) => {
      if ((await rt.gov.deps.store.read.systems.list({ limit: 1 })).length) {
        seedResult = { reused: dataDir };
        log(`reusing the seeded store in ${dataDir}`);
        return;
      }
      log(`seeding ${SYSTEMS} systems and ${RISKS} risks…`);
      seedResult = await seedBench(rt.gov.deps.store, { systems: SYSTEMS, risks: RISKS, onProgress: (d, t) => d % 50_000 === 0 && log(`seeded ${d}/${t} risks`) });
      await rt.gov.deps.store.db.exec('analyze');
    },
  },
);
const token = readFileSync(server.adminTokenPath, 'utf8').trim();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });

async function authedContext() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' });
  await ctx.addInitScript((t) => sessionStorage.setItem('zongheng.token', t), token);
  // tsx (esbuild keepNames) wraps named functions in __name(); functions sent to page.evaluate need it too.
  await ctx.addInitScript('globalThis.__name = (f) => f');
  return ctx;
}

/** ms from navigation start until `selector` is in the DOM (read inside the page: no driver round trip). */
async function sinceNavigation(page: Page, selector: string): Promise<number> {
  await page.waitForSelector(selector, { state: 'attached', timeout: 60_000 });
  return page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))));
}

const RENDERED = '[data-testid=dashboard][data-ready=true] [data-testid=heatmap-chart] svg';
const COMPLETE = '[data-testid=dashboard] .plain-list, [data-testid=dashboard] .mono-list';

async function dashboard() {
  const cold: number[] = [];
  const warm: number[] = [];
  const complete: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await authedContext();
    const page = await ctx.newPage();
    await page.goto(server.url + '/', { waitUntil: 'commit' });
    cold.push(await sinceNavigation(page, RENDERED));
    const p2 = await ctx.newPage();
    await p2.goto(server.url + '/', { waitUntil: 'commit' });
    warm.push(await sinceNavigation(p2, RENDERED));
    await p2.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2 && !document.querySelector('[data-testid=dashboard] .loading'), COMPLETE, { timeout: 60_000 });
    complete.push(await p2.evaluate(() => performance.now()));
    await ctx.close();
  }
  const apiMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await (await fetch(`${server.url}/api/dashboard`, { headers: { authorization: `Bearer ${token}` } })).json();
    apiMs.push(performance.now() - t);
  }
  return { cold: stats(cold), warm: stats(warm), allCardsWarm: stats(complete), apiDashboardOnly: stats(apiMs) };
}

/** Changes a <select> or checkbox the way a user does and waits for the table to show the new rows. */
async function timeFilter(page: Page, testId: string, value: string | boolean): Promise<number> {
  return page.evaluate(
    async ({ testId, value }) => {
      const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid="${testId}"]`)!;
      const table = () => document.querySelector<HTMLTableElement>('[data-testid=risk-table]');
      // Done = the table went into its loading state for this change and came out of it again.
      let sawLoading = false;
      const t0 = performance.now();
      if (typeof value === 'boolean') (el as HTMLInputElement).click();
      else {
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(el, value);
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`filter ${testId}=${value} did not settle`)), 30_000);
        const check = () => {
          const tb = table();
          if (tb?.dataset.loading === 'true') sawLoading = true;
          const settled = (sawLoading && tb?.dataset.loading === 'false') || document.querySelector('main .empty');
          if (settled) {
            clearTimeout(timer);
            obs.disconnect();
            requestAnimationFrame(() => resolve());
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(document.querySelector('main')!, { subtree: true, childList: true, attributes: true });
      });
      return performance.now() - t0;
    },
    { testId, value },
  );
}

async function register() {
  const ctx = await authedContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/risks');
  await page.waitForSelector('[data-testid=risk-table][data-loading=false]', { timeout: 60_000 });
  const steps: [string, string, string | boolean][] = [
    ['priority', 'filter-priority', 'high'],
    ['priority', 'filter-priority', 'medium'],
    ['status', 'filter-status', 'treating'],
    ['sort by score', 'risk-sort', 'score'],
    ['status', 'filter-status', 'analysed'],
    ['sort by review date', 'risk-sort', 'review'],
    ['open only', 'filter-open', true],
    ['priority', 'filter-priority', 'low'],
    ['status', 'filter-status', ''],
    ['sort newest', 'risk-sort', 'created'],
    ['open only', 'filter-open', false],
    ['priority', 'filter-priority', ''],
  ];
  await timeFilter(page, 'filter-priority', 'high'); // warm-up (plans, JIT)
  await timeFilter(page, 'filter-priority', '');
  const byKind: Record<string, number[]> = {};
  const all: number[] = [];
  const apiByKind: Record<string, number[]> = {};
  const apiAll: number[] = [];
  for (let r = 0; r < Math.max(1, Math.round(RUNS / 2)); r++) {
    for (const [kind, id, v] of steps) {
      const ms = await timeFilter(page, id, v);
      (byKind[kind] ??= []).push(ms);
      all.push(ms);
      // The same request from Node right after, to separate the API's share from the browser's.
      const search = new URLSearchParams(new URL(page.url()).search);
      search.delete('offset');
      const t = performance.now();
      await (await fetch(`${server.url}/api/risks?${search}&limit=50&offset=0&total=true`, { headers: { authorization: `Bearer ${token}` } })).json();
      const apiMs = performance.now() - t;
      (apiByKind[kind] ??= []).push(apiMs);
      apiAll.push(apiMs);
    }
  }
  await ctx.close();
  const table = (m: Record<string, number[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, stats(v)]));
  return { all: stats(all), byFilter: table(byKind), apiOnly: { all: stats(apiAll), byFilter: table(apiByKind) } };
}

/** Heat-map cell drill-down: the register opened on a cell (as the dashboard's click does), client-side navigation. */
async function cells() {
  const ctx = await authedContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/risks');
  await page.waitForSelector('[data-testid=risk-table][data-loading=false]', { timeout: 60_000 });
  const cellList = ['3-4', '4-5', '2-2', '5-5', '1-3', '4-3'];
  const ui: number[] = [];
  const apiMs: number[] = [];
  for (let r = 0; r < Math.max(1, Math.round(RUNS / 2)); r++) {
    for (const cell of cellList) {
      ui.push(
        await page.evaluate(async (cell) => {
          const t0 = performance.now();
          let sawLoading = false;
          window.history.pushState(null, '', `/risks?open=true&cell=${cell}`);
          window.dispatchEvent(new PopStateEvent('popstate'));
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`cell ${cell} did not settle`)), 30_000);
            const check = () => {
              const tb = document.querySelector<HTMLTableElement>('[data-testid=risk-table]');
              if (tb?.dataset.loading === 'true') sawLoading = true;
              if ((sawLoading && tb?.dataset.loading === 'false') || document.querySelector('main .empty')) {
                clearTimeout(timer);
                obs.disconnect();
                requestAnimationFrame(() => resolve());
              }
            };
            const obs = new MutationObserver(check);
            obs.observe(document.querySelector('main')!, { subtree: true, childList: true, attributes: true });
          });
          return performance.now() - t0;
        }, cell),
      );
      const [l, i] = cell.split('-');
      const t = performance.now();
      await (await fetch(`${server.url}/api/risks?open=true&likelihood=${l}&impact=${i}&sort=created&limit=50&offset=0&total=true`, { headers: { authorization: `Bearer ${token}` } })).json();
      apiMs.push(performance.now() - t);
    }
  }
  await ctx.close();
  return { ui: stats(ui), apiOnly: stats(apiMs) };
}

const loadavgAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
try {
  log('measuring the dashboard…');
  const dash = await dashboard();
  log('measuring register filtering…');
  const reg = await register();
  log('measuring heat-map cell drill-down…');
  const cell = await cells();
  const js = readFileSync(join(import.meta.dirname, '../../web/dist/index.html'), 'utf8').match(/assets\/[^"]+\.js/g) ?? [];
  console.log(
    JSON.stringify(
      {
        bench: 'console',
        systems: SYSTEMS,
        risks: RISKS,
        seed: seedResult,
        // The load average shows whether other work shared the machine while this ran.
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, chromium: browser.version(), loadavgAtStart, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
        consoleBuild: { built: built.built, scripts: js },
        targetsMs: { dashboardFirstRender: 1500, registerFilter: 300 },
        dashboardFirstRenderMs: dash,
        registerFilterMs: reg,
        heatMapCellMs: cell,
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await server.stop();
  if (!keepDir) rmSync(dataDir, { recursive: true, force: true });
}
