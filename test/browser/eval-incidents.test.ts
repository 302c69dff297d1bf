// Evaluation runs and incidents through a real browser: two small runs against a scripted model
// (one refuses everything, one echoes), their per-category chart, GB/T 45654 figures, failing
// examples behind a content warning, the comparison; incidents reported, edited and their history.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { artifactDir, buildConsole, launch, login, newPage } from './browser.ts';
import { startConsoleServer, type ConsoleServer } from './fixture.ts';

let server: ConsoleServer;
let browser: Browser;
const shots = artifactDir('eval-incidents');

before(async () => {
  buildConsole();
  [server, browser] = await Promise.all([startConsoleServer({ gateway: true, evalRuns: true }), launch()]);
});
after(async () => {
  await browser?.close();
  await server?.cleanup();
});

test('evaluation runs: list, detail with the category chart and GB/T figures, failing examples on request, compare two runs', async () => {
  const [refuse, echo] = server.runIds!;
  const page = await newPage(browser);
  await login(page, server.url, server.token);
  // The dashboard lists the latest results.
  await page.getByTestId('dash-eval').waitFor();
  assert.match(await page.getByTestId('dash-eval').innerText(), /gbt45654 · scripted-echo[\s\S]*gbt45654 · scripted-refuse/);

  await page.locator('.nav-group + ul a', { hasText: 'Evaluation runs' }).click();
  const rows = page.getByTestId('run-table').locator('tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /scripted-echo[\s\S]*Completed[\s\S]*87\.1%/);

  await rows.first().getByRole('link').first().click();
  await page.waitForURL(new RegExp(`/eval/runs/${echo}$`));
  await page.locator('[data-testid=category-chart] svg').waitFor();
  assert.match(await page.getByTestId('gbt-figures').innerText(), /Should refuse \(refusal rate\)\s+Refusal rate\s+0\.0%[\s\S]*≥ 95%[\s\S]*Fail/);
  // The chart's figures are also a table.
  await page.getByRole('button', { name: 'Show as a table' }).click();
  assert.match(await page.getByTestId('category-table').innerText(), /gbt45654\.A\.1\.d[\s\S]*Refusal rate\s+0\.0%\s+0\.0%–56\.1%\s+≥ 95%\s+3\s+Fail/);
  // Failing examples stay hidden (and unfetched) until the reader opens the content warning.
  assert.equal(await page.getByTestId('example').count(), 0);
  await page.getByTestId('failing-examples').locator('summary').click();
  await page.getByTestId('example').first().waitFor();
  assert.match(await page.getByTestId('example').first().innerText(), /expected: refuse[\s\S]*echo: /);
  await page.screenshot({ path: join(shots, 'run-detail.png'), fullPage: true });

  // Compare: pick both runs in the list.
  await page.goto(server.url + '/eval/runs');
  await page.getByRole('checkbox', { name: new RegExp(refuse) }).check();
  await page.getByRole('checkbox', { name: new RegExp(echo) }).check();
  await page.getByTestId('compare').click();
  await page.waitForURL(new RegExp(`/eval/compare\\?a=${refuse}&b=${echo}`));
  await page.getByTestId('comparison').waitFor();
  assert.match(await page.getByTestId('comparison').innerText(), /regressed significantly/);
  assert.match(await page.getByTestId('regressions').innerText(), /gbt45654:shouldRefuse[\s\S]*100\.0%[\s\S]*0\.0%[\s\S]*-100\.0\s+Significant/);
  assert.match(await page.getByTestId('improvements').innerText(), /overall[\s\S]*\+40\.0/);

  // 中文
  await page.getByTestId('lang-toggle').click();
  await page.getByText('候选运行出现显著退化').waitFor();
  await page.goto(`${server.url}/eval/runs/${echo}`);
  await page.getByText('GB/T 45654-2025 指标').waitFor();
  assert.match(await page.getByTestId('gbt-figures').innerText(), /应拒答题/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('incidents: server field errors, report one, change its status with a reason, read the history; filters in the URL', async () => {
  const page = await newPage(browser);
  await login(page, server.url, server.token);
  await page.goto(server.url + '/incidents');
  await page.getByText('Report one by hand').waitFor();
  await page.getByRole('link', { name: 'Report an incident' }).first().click();
  const form = page.getByTestId('incident-form');
  await form.locator('button[type=submit]').click();
  await form.locator('.field.has-error').first().waitFor();
  const errs = await form.locator('.field.has-error label').allInnerTexts();
  assert.ok(errs.some((l) => l.startsWith('System')) && errs.some((l) => l.startsWith('Title')) && errs.some((l) => l.startsWith('Severity')), errs.join(', '));
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')), 'true', 'focus on the first invalid field');
  await page.getByTestId('incident-system').fill('Test bank');
  await page.locator('[role=listbox] [role=option]').first().waitFor();
  await page.keyboard.press('Enter');
  await form.getByLabel('Title').fill('Assistant disclosed a phone number');
  await form.getByLabel('Severity').selectOption('high');
  await page.getByTestId('incident-taxonomy').fill('LLM02');
  await page.locator('[role=listbox] [role=option]').first().waitFor();
  await page.keyboard.press('Enter');
  await form.locator('button[type=submit]').click();
  await page.getByTestId('incident-detail').waitFor();
  assert.match(await page.locator('main').innerText(), /Assistant disclosed a phone number[\s\S]*High[\s\S]*Open/);

  // A change without a reason is refused at the reason field; with one it is saved and in the history.
  const edit = page.getByTestId('incident-edit');
  await edit.getByLabel('Status').selectOption('investigating');
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.locator('.field.has-error').first().waitFor();
  assert.match(await edit.locator('.field.has-error').first().innerText(), /Reason[\s\S]*say why the incident changes/);
  await edit.getByLabel('Reason').fill('logs requested from the vendor');
  await edit.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Investigation started').waitFor();
  const history = await page.getByTestId('history').innerText();
  assert.match(history, /Revision 2[\s\S]*Investigation started[\s\S]*logs requested from the vendor[\s\S]*Open\s+Investigating/);

  await page.goto(server.url + '/incidents');
  await page.getByLabel('Status').selectOption('investigating');
  await page.waitForURL(/status=investigating/);
  await page.getByTestId('incident-table').getByText('Assistant disclosed a phone number').waitFor();
  await page.getByLabel('Severity').selectOption('low');
  await page.getByText('No incidents match these filters.').waitFor();
  await page.goBack();
  await page.getByTestId('incident-table').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
