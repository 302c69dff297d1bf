// End to end through the real server and a real browser: log in, register a system, add and assess
// a risk, watch the heat map change, follow a cell into the register, switch language, read the
// history; plus the 401 and 403 paths and URL-synced filters.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { bankSystem, startTestServer, type TestServer } from '../helpers.ts';
import { artifactDir, buildConsole, launch, login, newPage } from './browser.ts';

let server: TestServer;
let browser: Browser;
const shots = artifactDir('console');

before(async () => {
  buildConsole();
  [server, browser] = await Promise.all([startTestServer(), launch()]);
});
after(async () => {
  await browser?.close();
  await server?.cleanup();
});

test('the server serves the console for client-side routes and keeps API 404s as JSON', async () => {
  const html = await fetch(server.url + '/risks/rsk_x?priority=high');
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type') ?? '', /text\/html/);
  assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.match(await html.text(), /<div id="root">/);
  const api = await fetch(server.url + '/api/nope', { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not_found');
  assert.equal((await fetch(server.url + '/assets/missing-file.js')).status, 404);
  assert.equal((await fetch(server.url + '/healthz')).status, 200);
});

test('log in, register a system, add and assess a risk, see the heat map change, switch language, read the history', async () => {
  const page = await newPage(browser, { locale: 'en' });
  const url = server.url;

  // A wrong token stays on the login page with the server's reason.
  await page.goto(url + '/');
  await page.locator('#token').fill('zh_not_a_real_token');
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('login-error').waitFor();
  assert.match(await page.getByTestId('login-error').innerText(), /not accepted/);

  await login(page, url, server.token);
  // An empty organisation tells the user what to do next.
  await page.getByText('No systems yet').first().waitFor();
  assert.ok(await page.getByText('--demo').count());
  await page.screenshot({ path: join(shots, '01-empty-dashboard.png') });

  // The server's field errors appear next to the fields.
  await page.getByRole('link', { name: 'Register a system' }).first().click();
  await page.getByTestId('system-form').waitFor();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.locator('.field.has-error').first().waitFor();
  const errorFields = await page.locator('.field.has-error label').allInnerTexts();
  assert.ok(errorFields.some((l) => l.startsWith('Name')), `errors shown at: ${errorFields.join(', ')}`);
  assert.ok(errorFields.some((l) => l.startsWith('Domain')));
  assert.ok(errorFields.some((l) => l.startsWith('Users')));

  await page.getByLabel('Name', { exact: false }).first().fill('Browser-test bank assistant');
  await page.getByLabel('Owner').fill('Retail Digital');
  await page.getByLabel('Domain').selectOption('finance');
  await page.getByLabel('Users', { exact: false }).first().selectOption('public');
  await page.getByLabel('Text generation').check();
  await page.getByLabel('Financial', { exact: true }).check();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByTestId('system-detail').waitFor();
  assert.match(page.url(), /\/systems\/sys_/);
  const systemId = page.url().split('/systems/')[1]!.split('?')[0]!;
  assert.ok((await page.getByTestId('obligations').locator('tbody tr').count()) > 0, 'obligations with their rules are listed');
  assert.match(await page.getByTestId('obligations').innerText(), /obl\./);
  await page.screenshot({ path: join(shots, '02-system.png'), fullPage: true });

  // Add a risk without analysis; pick its taxonomy item by a Chinese search term.
  await page.getByRole('link', { name: 'Add a risk' }).first().click();
  await page.getByTestId('risk-form').waitFor();
  await page.getByLabel('Title').fill('Prompt injection leaks account data');
  await page.getByTestId('risk-taxonomy').fill('注入');
  await page.getByRole('option').first().waitFor();
  const picked = await page.getByRole('option').first().innerText();
  await page.getByTestId('risk-taxonomy').press('Enter');
  await page.locator('.chip').filter({ hasText: picked.split('\n')[0]! }).first().waitFor();
  await page.getByLabel('Analyse now', { exact: false }).uncheck();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByTestId('risk-detail').waitFor();
  const riskId = page.url().split('/risks/')[1]!.split('?')[0]!;
  assert.ok(riskId.startsWith('rsk_'));

  // Nothing analysed yet: the heat map is empty.
  const heat0 = await server.api<{ cells: number[][] }>('GET', `/api/heatmap`);
  assert.equal(heat0.body.cells.flat().reduce((a, b) => a + b, 0), 0);

  // Assess: likelihood 4, legal impact 5 → score 20 → high.
  await page.getByTestId('risk-detail').getByRole('tab', { name: 'Assess' }).click();
  const assess = page.getByTestId('form-assess');
  await assess.getByLabel('Likelihood (1–5)').selectOption('4');
  await assess.getByLabel('Legal', { exact: true }).selectOption('5');
  await assess.getByLabel('Reason').fill('risk workshop, November');
  await assess.getByRole('button', { name: 'Submit' }).click();
  await assess.getByText('Recorded as revision 2').waitFor();
  await page.locator('.score.big', { hasText: '20' }).first().waitFor();

  // The dashboard's heat map now has the risk in likelihood 4 × impact 5.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByTestId('heatmap-table').waitFor({ state: 'attached' });
  assert.equal(await page.locator('[data-cell="4-5"]').getAttribute('data-count'), '1');
  assert.equal(await page.locator('[data-testid=heatmap-chart] svg').count(), 1, 'the ECharts heat map rendered');
  await page.screenshot({ path: join(shots, '03-dashboard.png'), fullPage: true });

  // Keyboard: the cell link in the accessible table opens the register filtered to that cell.
  await page.locator('[data-cell="4-5"] a').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('cell-filter').waitFor();
  assert.match(page.url(), /cell=4-5/);
  await page.locator(`[data-risk-id="${riskId}"]`).waitFor();
  assert.equal(await page.getByTestId('risk-table').locator('tbody tr').count(), 1);

  // Switch to Chinese at any time: chrome, enumerations and taxonomy names follow.
  await page.getByTestId('lang-toggle').click();
  await page.getByRole('navigation').getByRole('link', { name: '风险登记册' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.match(await page.getByTestId('risk-table').innerText(), /高/);

  // Risk history as a timeline: who changed what and why.
  await page.locator(`[data-risk-id="${riskId}"] a`).first().click();
  await page.getByTestId('history').waitFor();
  const history = await page.getByTestId('history').innerText();
  assert.match(history, /第 2 版/);
  assert.match(history, /评估/);
  assert.match(history, /risk workshop, November/);
  assert.match(history, /第 1 版/);
  assert.match(await page.getByTestId('risk-detail').innerText(), /提示词注入|注入/);
  await page.screenshot({ path: join(shots, '04-risk-history-zh.png'), fullPage: true });

  // The system page's own heat map shows the risk too.
  await page.goto(`${url}/systems/${systemId}`);
  await page.getByTestId('system-detail').waitFor();
  await page.locator('[data-cell="4-5"][data-count="1"]').waitFor({ state: 'attached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('filters and sorting live in the URL: a reload or a shared link shows the same register', async () => {
  const sys = await server.api<{ id: string }>('POST', '/api/systems', { ...bankSystem, name: 'Filter-test system' });
  for (const [title, likelihood] of [['URL filter risk A', 5], ['URL filter risk B', 1]] as const) {
    const r = await server.api('POST', '/api/risks', { systemId: sys.body.id, title, taxonomyIds: ['tc260.3.1.1.f'], likelihood, impact: { legal: 4 } });
    assert.equal(r.status, 201);
  }
  const page = await newPage(browser);
  await login(page, server.url, server.token);
  await page.goto(server.url + '/risks');
  await page.getByTestId('risk-table').waitFor();
  await page.getByTestId('filter-priority').selectOption('high');
  await page.waitForURL(/priority=high/);
  await page.getByTestId('risk-sort').selectOption('score');
  await page.waitForURL(/sort=score/);
  await page.getByTestId('risk-search').fill('URL filter');
  await page.waitForURL(/q=URL/);
  await page.reload();
  await page.getByTestId('risk-table').waitFor();
  assert.equal(await page.getByTestId('filter-priority').inputValue(), 'high');
  assert.equal(await page.getByTestId('risk-sort').inputValue(), 'score');
  assert.equal(await page.getByTestId('risk-search').inputValue(), 'URL filter');
  await page.getByTestId('risk-table').locator('tbody tr').nth(1).waitFor({ state: 'detached' });
  assert.deepEqual(await page.getByTestId('risk-table').locator('tbody tr td.title-cell a').allInnerTexts(), ['URL filter risk A']);
  await page.getByTestId('filter-status').selectOption('closed');
  await page.getByText('No risks match these filters.').waitFor();
  await page.goBack();
  await page.getByTestId('risk-table').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a rejected token returns to the login page with a message; a role without permission is told so', async () => {
  const auditor = await server.api<{ token: string }>('POST', '/api/tokens', { name: 'Audit Anna', role: 'auditor' });
  assert.equal(auditor.status, 201);
  const page = await newPage(browser);
  await login(page, server.url, auditor.body.token);
  assert.match(await page.getByTestId('whoami').innerText(), /Auditor/);

  // 403: the auditor may read but not register systems.
  await page.goto(server.url + '/systems/new');
  await page.getByLabel('Name', { exact: false }).first().fill('Not allowed');
  await page.getByLabel('Owner').fill('x');
  await page.getByLabel('Domain').selectOption('retail');
  await page.getByLabel('Users', { exact: false }).first().selectOption('internal');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.locator('.alert.forbidden').waitFor();
  assert.match(await page.locator('.alert.forbidden').innerText(), /Your role \(Auditor\) can't do this/);

  // 401: a token that stops working (here: replaced by garbage) sends the user back to log in.
  await page.evaluate(() => sessionStorage.setItem('zongheng.token', 'zh_revoked'));
  await page.goto(server.url + '/risks?priority=high');
  await page.getByTestId('login-flash').waitFor();
  assert.match(await page.getByTestId('login-flash').innerText(), /not accepted/);
  assert.match(page.url(), /\/login\?next=/);
  // Logging in again returns to where the user was.
  await page.locator('#token').fill(server.token);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('risk-table').or(page.getByText('No risks match')).first().waitFor();
  assert.match(page.url(), /\/risks\?priority=high/);
  await page.context().close();
});
