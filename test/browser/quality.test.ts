// Every main page on the demo organisation, in English and 简体中文: renders without errors, has a
// heading, labels every form control, shows no untranslated message keys, and is keyboard-usable.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildConsole, launch, login, newPage } from './browser.ts';
import { startConsoleServer, type ConsoleServer } from './fixture.ts';

let server: ConsoleServer;
let browser: Browser;
let pages: string[];

before(async () => {
  buildConsole();
  [server, browser] = await Promise.all([startConsoleServer({ demo: true, gateway: true, traffic: true, evalRuns: true }), launch()]);
  const sys = (await server.api<{ items: { id: string }[] }>('GET', '/api/systems?limit=1')).body.items[0]!.id;
  const risk = (await server.api<{ items: { id: string }[] }>('GET', '/api/risks?limit=1&sort=score')).body.items[0]!.id;
  const ev = (await server.api<{ items: { id: string }[] }>('GET', '/api/evidence?limit=1')).body.items[0]!.id;
  const inc = (await server.api<{ id: string }>('POST', '/api/incidents', { systemId: sys, title: 'Quality check incident', severity: 'medium' })).body.id;
  pages = ['/', '/systems', `/systems/${sys}`, `/systems/${sys}/edit`, '/systems/new', '/risks', '/risks/new', `/risks/${risk}`, '/controls', '/evidence', `/evidence/${ev}`, '/incidents', '/audit', '/modules/evaluate', '/no/such/page',
    '/gateway', '/gateway/decisions', '/gateway/confirmations', '/gateway/policies', '/gateway/policies/strict', '/gateway/policies/new', '/gateway/upstreams', '/gateway/keys', '/tokens', '/evidence/new',
    '/eval/runs', `/eval/runs/${server.runIds![1]}`, `/eval/compare?a=${server.runIds![0]}&b=${server.runIds![1]}`, '/incidents/new', `/incidents/${inc}`];
});
after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const KEY = /\b(app|nav|lang|auth|common|error|login|dash|sys|risk|hist|ctl|ev|evf|inc|audit|mod|notFound|gw|secret|tok|evr)\.[a-z][A-Za-z.]+\b/;

async function check(page: Page, path: string) {
  await page.goto(server.url + path);
  await page.locator('#page-title').waitFor();
  await page.waitForLoadState('networkidle');
  const report = await page.evaluate(() => {
    const unlabeled = [...document.querySelectorAll<HTMLElement>('main input, main select, main textarea, main button')]
      .filter((el) => el.offsetParent !== null || el.closest('.sr-only-focusable'))
      .filter((el) => {
        const named = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent!.trim());
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120));
    const clone = document.querySelector('main')!.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('code, .ids, .payload').forEach((c) => c.remove());
    return { unlabeled, text: clone.innerText, h1: document.querySelectorAll('h1').length };
  });
  assert.deepEqual(report.unlabeled, [], `${path}: form controls without a label`);
  assert.equal(report.h1, 1, `${path}: one h1`);
  const key = KEY.exec(report.text);
  assert.equal(key, null, `${path}: untranslated key ${key?.[0]}`);
  return report.text;
}

for (const locale of ['en', 'zh'] as const) {
  test(`every page renders, labels its controls and is translated (${locale})`, async () => {
    const page = await newPage(browser, { locale });
    await login(page, server.url, server.token);
    for (const path of pages) {
      const text = await check(page, path);
      if (locale === 'zh' && path === '/') assert.match(text, /治理总览/);
      if (locale === 'en' && path === '/') assert.match(text, /Governance at a glance/);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('keyboard: skip link first, visible focus, nav reachable, dialog closes with Escape', async () => {
  const page = await newPage(browser);
  await login(page, server.url, server.token);
  await page.goto(server.url + '/');
  await page.locator('#page-title').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.notEqual(outline, 'none', 'focused element has a visible outline');
  // Tab into the navigation and open the register with the keyboard.
  for (let i = 0; i < 10; i++) {
    if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Risk register') break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/risks$/);
  // Focus moves to the new page's heading once it renders (the page's code loads on demand).
  await page.waitForFunction(() => document.activeElement?.id === 'page-title' && document.activeElement.textContent === 'Risk register', undefined, { timeout: 10_000 });
  // The control-status dialog is modal and closes with Escape.
  await page.goto(server.url + '/controls');
  await page.locator('[data-testid=control-matrix] td.st button').first().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('control-panel').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('control-panel').waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('mouse: selecting a heat-map cell in the chart opens the register filtered to that cell', async () => {
  const page = await newPage(browser);
  await login(page, server.url, server.token);
  await page.locator('[data-testid=heatmap-chart] svg').waitFor();
  // The busiest cell, and where the chart draws it (grid insets as set in HeatMap.tsx).
  const cells = await page.locator('[data-testid=heatmap-table] td[data-cell]').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-cell')!, Number(td.getAttribute('data-count'))] as const));
  const [cell, count] = [...cells].sort((a, b) => b[1] - a[1])[0]!;
  const [l, i] = cell.split('-').map(Number) as [number, number];
  const box = (await page.locator('[data-testid=heatmap-chart]').boundingBox())!;
  const w = box.width - 56 - 12;
  const h = box.height - 8 - 44;
  await page.mouse.click(box.x + 56 + (w * (i - 0.5)) / 5, box.y + 8 + h * (1 - (l - 0.5) / 5));
  await page.waitForURL(new RegExp(`cell=${cell}`));
  await page.getByTestId('risk-table').waitFor();
  const rows = await page.getByTestId('risk-table').locator('tbody tr').count();
  assert.equal(rows, Math.min(count, 50));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
