// Regenerates docs/screenshots/*.png from the demo organisation (`npm run screenshots`).
// Not a test: run it when the console's look changes, then look at the images before committing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildConsole, launch, login, newPage, ROOT } from './browser.ts';
import { startConsoleServer } from './fixture.ts';

const OUT = join(ROOT, 'docs/screenshots');
mkdirSync(OUT, { recursive: true });
buildConsole();
const server = await startConsoleServer({ demo: true, gateway: true, traffic: true, evalRuns: true });
const browser = await launch();
const get = async <T>(path: string) => (await server.api<T>('GET', path)).body;

async function shot(page: Page, name: string, maxHeight = 1600) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(400); // ECharts lays out after the data arrives
  const height = Math.min(maxHeight, await page.evaluate(() => document.documentElement.scrollHeight));
  await page.screenshot({ path: join(OUT, `${name}.png`), clip: { x: 0, y: 0, width: 1400, height }, fullPage: true });
  process.stderr.write(`docs/screenshots/${name}.png\n`);
}

try {
  const systems = (await get<{ items: { id: string; name: string }[] }>('/api/systems?limit=10')).items;
  const bank = systems.find((s) => s.name.includes('Huaheng')) ?? systems[0]!;
  const risks = (await get<{ items: { id: string; treatment: unknown; residual: unknown }[] }>('/api/risks?limit=100&sort=score')).items;
  const risk = risks.find((r) => r.treatment && r.residual) ?? risks[0]!;
  const evidence = (await get<{ items: { id: string; kind: string }[] }>('/api/evidence?limit=20')).items;
  const ev = evidence.find((e) => e.kind === 'evaluation') ?? evidence[0]!;

  const page = await newPage(browser, { locale: 'en' });
  await page.goto(server.url + '/');
  await shot(page, 'login');
  await login(page, server.url, server.token);
  await page.getByTestId('dashboard').waitFor();
  await shot(page, 'dashboard');
  await page.goto(server.url + '/systems');
  await shot(page, 'systems');
  await page.goto(`${server.url}/systems/${bank.id}`);
  await shot(page, 'system-detail', 1900);
  await page.goto(server.url + '/systems/new');
  await page.getByTestId('system-form').getByRole('button', { name: 'Create' }).click();
  await page.locator('.field.has-error').first().waitFor();
  await shot(page, 'system-form-errors', 1300);
  await page.goto(server.url + '/risks?open=true&sort=score');
  await shot(page, 'risk-register', 1300);
  await page.goto(server.url + '/risks?open=true&cell=3-4');
  await shot(page, 'risk-register-heatmap-cell', 900);
  await page.goto(`${server.url}/risks/${risk.id}`);
  await page.getByTestId('history').waitFor();
  await shot(page, 'risk-detail', 2600);
  await page.goto(server.url + '/controls?framework=tc260');
  await shot(page, 'controls', 1400);
  await page.locator('[data-testid=control-matrix] td.st button').first().click();
  await page.getByTestId('control-panel').waitFor();
  await shot(page, 'control-status-dialog', 1000);
  await page.keyboard.press('Escape');
  await page.goto(server.url + '/evidence');
  await shot(page, 'evidence', 1000);
  await page.goto(`${server.url}/evidence/${ev.id}`);
  await shot(page, 'evidence-detail', 1200);
  const inc = (await server.api<{ id: string }>('POST', '/api/incidents', { systemId: bank.id, title: 'Assistant read out a customer\'s phone number', severity: 'high', taxonomyIds: ['owasp-llm-2025.LLM02'] })).body.id;
  await server.api('PATCH', `/api/incidents/${inc}`, { status: 'investigating', reason: 'call recordings requested from the contact centre' });
  await page.goto(server.url + '/incidents');
  await shot(page, 'incidents', 800);
  await page.goto(`${server.url}/incidents/${inc}`);
  await page.getByTestId('history').waitFor();
  await shot(page, 'incident-detail', 1300);
  const [runA, runB] = server.runIds!;
  await page.goto(server.url + '/eval/runs');
  await shot(page, 'eval-runs', 700);
  await page.goto(`${server.url}/eval/runs/${runA}`);
  await page.locator('[data-testid=category-chart] svg').waitFor();
  await shot(page, 'eval-run', 2000);
  await page.goto(`${server.url}/eval/compare?a=${runA}&b=${runB}`);
  await page.getByTestId('comparison').waitFor();
  await shot(page, 'eval-compare', 1300);
  await page.goto(server.url + '/gateway');
  await page.locator('[data-testid=block-rates] svg').waitFor();
  await shot(page, 'gateway', 1100);
  await page.goto(server.url + '/gateway/decisions?paused=1');
  await page.getByTestId('decision-table').waitFor();
  await shot(page, 'gateway-decisions', 1000);
  await page.goto(server.url + '/gateway/policies/new');
  await page.locator('#policy-yaml').fill('name: support-bot\nversion: 1\ninput:\n  - { type: pii, action: mask, entities: [phone, emial] }\n  - { type: keyword, action: blok, terms: [{ term: ignore all previous instructions, categories: [owasp-llm-2025.LLM01] }] }\ngateway: { onBlock: reply }\n');
  await page.locator('[data-testid=policy-issues] .field-error').waitFor();
  await shot(page, 'gateway-policy-editor', 1000);
  await page.goto(server.url + '/gateway/keys');
  await page.getByTestId('key-table').waitFor();
  await shot(page, 'gateway-keys', 800);
  await page.goto(server.url + '/tokens');
  await page.getByTestId('token-table').waitFor();
  await shot(page, 'tokens', 800);
  await page.goto(server.url + '/audit');
  await page.getByTestId('audit-verify').click();
  await page.locator('[data-testid=verify-result] .alert').waitFor();
  await shot(page, 'audit', 1100);

  // The same console in 简体中文.
  await page.goto(server.url + '/');
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('dashboard').waitFor();
  await shot(page, 'dashboard-zh');
  await page.goto(`${server.url}/risks/${risk.id}`);
  await page.getByTestId('history').waitFor();
  await shot(page, 'risk-detail-zh', 2600);
  await page.goto(server.url + '/gateway');
  await page.locator('[data-testid=block-rates] svg').waitFor();
  await shot(page, 'gateway-zh', 1100);
  await page.goto(`${server.url}/eval/runs/${runA}`);
  await page.locator('[data-testid=category-chart] svg').waitFor();
  await shot(page, 'eval-run-zh', 2000);
  if (page.errors.length) throw new Error(`errors in the page:\n${page.errors.join('\n')}`);
} finally {
  await browser.close();
  await server.cleanup();
}
