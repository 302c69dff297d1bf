// Shared setup for the browser tests: Debian's chromium through playwright-core, and a console build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.ZONGHENG_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Builds web/dist if it is missing or stale (a no-op when fresh), so the server serves the current console. */
export function buildConsole(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'web/build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`console build failed:\n${r.stderr}\n${r.stdout}`);
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get update && apt-get install -y chromium (or set ZONGHENG_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page that records console errors and uncaught exceptions, so tests can assert there were none. */
export async function newPage(browser: Browser, opts: { locale?: 'en' | 'zh' } = {}): Promise<Page & { errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: opts.locale === 'zh' ? 'zh-CN' : 'en-GB' });
  const page = (await ctx.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 400/401/403 responses the tests provoke on purpose are logged by Chromium as failed resources.
    if (m.type() === 'error' && !/status of 40[013]/.test(m.text())) page.errors.push(`console: ${m.text()}`);
  });
  return page;
}

export async function login(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.locator('#token').fill(token);
  await page.locator('form button[type=submit]').click();
  await page.locator('#page-title').waitFor();
}

export function artifactDir(name: string): string {
  const dir = join(process.env.ZONGHENG_TEST_ARTIFACTS ?? join(ROOT, '.cache/browser-tests'), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
