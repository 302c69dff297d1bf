/**
 * The self-contained HTML report: inline CSS, inline SVG charts, no scripts and no external
 * resources. Every value from the run is escaped. Prompts and responses of failing examples appear
 * only here (and in results.jsonl), inside collapsed sections behind a content warning.
 */
import type { Locale } from '../../core/i18n.ts';
import { barChart, esc, type Bar } from './charts.ts';
import type { CategoryStat, GbtFigure, RunSummary } from './types.ts';

const L = {
  title: { zh: '纵横 评测报告', en: 'Zongheng evaluation report' },
  overview: { zh: '概览', en: 'Overview' },
  gbt: { zh: 'GB/T 45654-2025 指标', en: 'GB/T 45654-2025 figures' },
  categories: { zh: '分类结果', en: 'Results by category' },
  attacks: { zh: '攻击结果', en: 'Results by attack' },
  observer: { zh: '情境框架效应（观察者效应）', en: 'Context framing (observer effect)' },
  bias: { zh: '配对偏见', en: 'Paired bias' },
  calibration: { zh: '评分器校准', en: 'Scorer calibration' },
  ops: { zh: '运行情况', en: 'Operations' },
  examples: { zh: '未通过样例', en: 'Failing examples' },
  warning: {
    zh: '内容提示：以下样例可能含有有害请求与模型输出，仅用于安全评估，请勿外传。',
    en: 'Content warning: the examples below may contain harmful requests and model output. They are shown for safety assessment only; do not redistribute.',
  },
  decidedOnBound: {
    zh: '判定依据为 95% Wilson 置信区间的边界，而非点估计；“待定”表示点估计达标但区间尚未达标。',
    en: 'Decisions use the 95% Wilson interval bound, not the point estimate; "inconclusive" means the point estimate meets the threshold but the bound does not yet.',
  },
} satisfies Record<string, { zh: string; en: string }>;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const STATUS: Record<string, { zh: string; en: string; cls: string }> = {
  pass: { zh: '通过', en: 'pass', cls: 'ok' },
  fail: { zh: '未通过', en: 'fail', cls: 'bad' },
  inconclusive: { zh: '待定', en: 'inconclusive', cls: 'warn' },
  'no-data': { zh: '无数据', en: 'no data', cls: 'muted' },
};

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#212121;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#616161;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:20px}.card span{color:#757575;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #e0e0e0;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:600}.warn{color:#ef6c00;font-weight:600}.muted{color:#9e9e9e}
.note{color:#616161;font-size:12px;margin:6px 0}
.cw{background:#fff3e0;border:1px solid #ffb74d;padding:8px 12px;border-radius:4px;font-size:13px}
details{background:#fff;border:1px solid #e0e0e0;border-radius:4px;margin:6px 0;padding:6px 10px}
summary{cursor:pointer;font-size:13px}
pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:8px;font-size:12px;max-height:320px;overflow:auto}
.gate-fail{background:#ffebee;border:1px solid #e57373;padding:8px 12px;border-radius:4px}
.gate-ok{background:#e8f5e9;border:1px solid #81c784;padding:8px 12px;border-radius:4px}
.gate-warn{background:#fff8e1;border:1px solid #ffb300;padding:8px 12px;border-radius:4px}
`;

function statusCell(status: string, locale: Locale): string {
  const s = STATUS[status] ?? STATUS['no-data']!;
  return `<span class="${s.cls}">${esc(s[locale])}</span>`;
}

function toneOf(status: string): Bar['tone'] {
  return status === 'pass' ? 'good' : status === 'fail' ? 'bad' : status === 'inconclusive' ? 'warn' : 'neutral';
}

function gbtRow(name: string, f: GbtFigure, locale: Locale): string {
  if (f.n === 0) return `<tr><td>${esc(name)}</td><td colspan="6" class="muted">${locale === 'zh' ? '本次运行无此类用例' : 'no cases of this kind in this run'}</td></tr>`;
  return `<tr><td>${esc(name)}</td><td class="num">${pct(f.rate)}</td><td class="num">${pct(f.lower)} – ${pct(f.upper)}</td><td class="num">${f.direction === 'min' ? '≥' : '≤'} ${pct(f.threshold)}</td><td class="num">${f.n}${f.sampleSufficient ? '' : ` <span class="warn">(&lt; ${f.minSample})</span>`}</td><td>${statusCell(f.status, locale)}</td></tr>`;
}

function catLabel(c: CategoryStat, locale: Locale): string {
  return c.name ? `${c.taxonomyId} ${c.name[locale]}` : c.taxonomyId;
}

export function renderReport(s: RunSummary, opts: { locale?: Locale; showExamples?: boolean } = {}): string {
  const lc = opts.locale ?? 'en';
  const t = (k: keyof typeof L) => esc(L[k][lc]);
  const out: string[] = [];
  out.push(`<!doctype html><html lang="${lc === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`);
  out.push(`<title>${t('title')} ${esc(s.runId)}</title><style>${CSS}</style></head><body><main>`);
  out.push(`<h1>${t('title')}</h1><div class="meta">${esc(s.runId)} · ${esc(s.suite)} → ${esc(s.target.name)} (${esc(s.target.type)}) · ${esc(s.startedAt)} · ${(s.durationMs / 1000).toFixed(1)} s · ${esc(s.status)}${s.attacks.length ? ` · attacks: ${esc(s.attacks.map((a) => a || 'none').join('; '))}` : ''}${s.shard ? ` · shard ${s.shard.index + 1}/${s.shard.count}` : ''}${s.sample ? ` · sample seed ${esc(s.sample.seed)}` : ''}</div>`);

  const tot = s.totals;
  out.push(`<h2>${t('overview')}</h2><div class="cards">`);
  const card = (v: string, label: string) => out.push(`<div class="card"><b>${esc(v)}</b><span>${esc(label)}</span></div>`);
  card(String(tot.results), lc === 'zh' ? '结果数' : 'results');
  card(pct(tot.rate), lc === 'zh' ? `通过率（95% 区间 ${pct(tot.lower)}–${pct(tot.upper)}）` : `pass rate (95% CI ${pct(tot.lower)}–${pct(tot.upper)})`);
  card(String(tot.fail), lc === 'zh' ? '未通过' : 'failed');
  card(String(tot.couldNotScore), lc === 'zh' ? '无法评分' : 'could not score');
  card(String(tot.errors), lc === 'zh' ? '错误' : 'errors');
  if (tot.skipped) card(String(tot.skipped), lc === 'zh' ? '攻击不适用而跳过' : 'skipped (attack n/a)');
  out.push('</div>');
  const gate = s.gate;
  if (gate.failUnder !== undefined || gate.failingCategories.length) {
    out.push(
      `<div class="${gate.failed ? 'gate-fail' : gate.failingCategories.length ? 'gate-warn' : 'gate-ok'}">${gate.failUnder !== undefined ? `failUnder ${pct(gate.failUnder)}: pass rate ${pct(gate.passRate)} → ${gate.failed ? 'FAILED' : 'ok'}. ` : ''}${gate.failingCategories.length ? `${lc === 'zh' ? '未达标分类' : 'Categories below threshold'}: ${esc(gate.failingCategories.slice(0, 30).join(', '))}` : ''}</div>`,
    );
  }

  const g = s.gbt45654;
  if (g.shouldRefuse.n + g.shouldNotRefuse.n + g.generatedContent.n > 0) {
    out.push(`<h2>${t('gbt')}</h2><table><tr><th></th><th>${lc === 'zh' ? '比率' : 'rate'}</th><th>95% CI</th><th>${lc === 'zh' ? '阈值' : 'threshold'}</th><th>n</th><th>${lc === 'zh' ? '结论' : 'status'}</th></tr>`);
    out.push(gbtRow(lc === 'zh' ? '应拒答题库 拒答率' : 'Should-refuse bank: refusal rate', g.shouldRefuse, lc));
    out.push(gbtRow(lc === 'zh' ? '非拒答题库 拒答率' : 'Should-not-refuse bank: refusal rate', g.shouldNotRefuse, lc));
    out.push(gbtRow(lc === 'zh' ? '生成内容 合格率' : 'Generated content: pass rate', g.generatedContent, lc));
    out.push('</table>');
    out.push(`<p class="note">${t('decidedOnBound')} ${lc === 'zh' ? `覆盖的附录 A 风险条目：${g.itemsCovered}/31。` : `Appendix A risk items covered: ${g.itemsCovered}/31.`}</p>`);
    if (g.coverageGaps.length)
      out.push(`<details><summary>${lc === 'zh' ? '题库覆盖不足' : 'Test-bank coverage below the per-item minimum'} (${g.coverageGaps.length})</summary><table><tr><th>bank</th><th>item</th><th>have</th><th>need</th></tr>${g.coverageGaps.map((x) => `<tr><td>${esc(x.bank)}</td><td>${esc(x.taxonomyId)}</td><td class="num">${x.have}</td><td class="num">${x.need}</td></tr>`).join('')}</table></details>`);
  }

  if (s.categories.length) {
    out.push(`<h2>${t('categories')}</h2>`);
    out.push(barChart(s.categories.slice(0, 60).map((c) => ({ label: `${catLabel(c, lc)} · ${c.metric}`, value: c.rate, lower: c.lower, upper: c.upper, threshold: c.threshold, tone: toneOf(c.status), note: `${pct(c.rate)} n=${c.n}` }))));
    const calib = new Map(s.calibration.map((c) => [c.scorer, c]));
    out.push(`<table><tr><th>${lc === 'zh' ? '分类' : 'category'}</th><th>metric</th><th>rate</th><th>95% CI</th><th>threshold</th><th>n</th><th>${lc === 'zh' ? '无法评分/错误' : 'unscored / errors'}</th><th>scorer</th><th>status</th></tr>`);
    for (const c of s.categories) {
      const cal = c.scorers.map((x) => calib.get(x)).filter(Boolean).map((x) => ` (agreement ${pct(x!.agreement)})`).join('');
      out.push(`<tr><td>${esc(catLabel(c, lc))}</td><td>${esc(c.metric)}</td><td class="num">${pct(c.rate)}</td><td class="num">${pct(c.lower)} – ${pct(c.upper)}</td><td class="num">${c.direction === 'min' ? '≥' : '≤'} ${pct(c.threshold)}</td><td class="num">${c.n}</td><td class="num">${c.couldNotScore} / ${c.errors}</td><td>${esc(c.scorers.join(', '))}${esc(cal)}</td><td>${statusCell(c.status, lc)}</td></tr>`);
    }
    out.push('</table>');
  }

  if (s.attackStats.length) {
    out.push(`<h2>${t('attacks')}</h2>`);
    out.push(barChart(s.attackStats.filter((a) => a.success.n > 0).map((a) => ({ label: a.attack, value: a.success.rate, lower: a.success.lower, upper: a.success.upper, threshold: s.thresholds.attackMaxSuccessRate, tone: a.success.upper <= s.thresholds.attackMaxSuccessRate ? 'good' : a.success.rate > s.thresholds.attackMaxSuccessRate ? 'bad' : 'warn', note: `ASR ${pct(a.success.rate)}` })), { title: lc === 'zh' ? '攻击成功率' : 'Attack success rate' }));
    out.push(`<table><tr><th>attack</th><th>probes</th><th>ASR</th><th>95% CI</th><th>n</th><th>pass rate</th><th>unscored / errors / skipped</th><th>${lc === 'zh' ? '最易突破分类' : 'most affected categories'}</th></tr>`);
    for (const a of s.attackStats) {
      out.push(`<tr><td>${esc(a.attack)}</td><td>${esc(a.probes.join(', '))}</td><td class="num">${pct(a.success.rate)}</td><td class="num">${pct(a.success.lower)} – ${pct(a.success.upper)}</td><td class="num">${a.success.n}</td><td class="num">${pct(a.pass.rate)}</td><td class="num">${a.couldNotScore} / ${a.errors} / ${a.skipped}</td><td>${esc(a.byCategory.slice(0, 3).map((b) => `${b.taxonomyId} ${pct(b.rate)} (${b.n})`).join('; '))}</td></tr>`);
    }
    out.push('</table>');
  }

  const oe = s.observerEffect;
  if (oe) {
    out.push(`<h2>${t('observer')}</h2>`);
    out.push(barChart([
      { label: lc === 'zh' ? '明示为安全测试' : 'framed as a safety test', value: oe.test.rate, lower: oe.test.lower, upper: oe.test.upper, tone: 'neutral' },
      { label: lc === 'zh' ? '日常使用' : 'framed as ordinary use', value: oe.ordinary.rate, lower: oe.ordinary.lower, upper: oe.ordinary.upper, tone: 'neutral' },
    ], { title: lc === 'zh' ? '通过率' : 'Pass rate' }));
    out.push(`<p class="note">${lc === 'zh' ? '差距' : 'Gap'} (test − ordinary): <b>${(oe.gap * 100).toFixed(1)} pp</b>; ${oe.pairs} ${lc === 'zh' ? '对配对用例，其中行为不一致' : 'paired cases, behaving differently in'} ${oe.discordant} (${oe.passOnlyWhenTest} ${lc === 'zh' ? '仅在测试框架下通过' : 'pass only when told it is a test'}, ${oe.passOnlyWhenOrdinary} ${lc === 'zh' ? '仅在日常框架下通过' : 'pass only in ordinary use'}).</p>`);
  }

  if (s.bias.length) {
    out.push(`<h2>${t('bias')}</h2><table><tr><th>category</th><th>groups</th><th>consistent</th><th>variants (pass rate)</th><th>gap</th><th>status</th></tr>`);
    for (const b of s.bias)
      out.push(`<tr><td>${esc(b.taxonomyId)}</td><td class="num">${b.groups}</td><td class="num">${pct(b.consistency)}</td><td>${esc(b.variants.map((v) => `${v.variant}: ${pct(v.rate)} (${v.n})`).join('; '))}</td><td class="num">${pct(b.gap)}</td><td>${statusCell(b.passed ? 'pass' : 'fail', lc)}</td></tr>`);
    out.push('</table>');
  }

  if (s.calibration.length) {
    out.push(`<h2>${t('calibration')}</h2><table><tr><th>scorer</th><th>n</th><th>scored</th><th>agreement</th><th>precision</th><th>recall</th><th>kappa</th></tr>`);
    for (const c of s.calibration)
      out.push(`<tr><td>${esc(c.scorer)}</td><td class="num">${c.n}</td><td class="num">${c.scored}</td><td class="num">${pct(c.agreement)}</td><td class="num">${pct(c.precision)}</td><td class="num">${pct(c.recall)}</td><td class="num">${c.kappa.toFixed(3)}</td></tr>`);
    out.push('</table>');
  }

  out.push(`<h2>${t('ops')}</h2><table>`);
  out.push(`<tr><th>latency (ms)</th><td>mean ${s.latencyMs.mean} · p50 ${s.latencyMs.p50} · p95 ${s.latencyMs.p95} · p99 ${s.latencyMs.p99} · max ${s.latencyMs.max}</td></tr>`);
  out.push(`<tr><th>tokens</th><td>in ${s.usage.inputTokens} · out ${s.usage.outputTokens}${s.usage.estimatedShare > 0 ? ` (${pct(s.usage.estimatedShare)} estimated)` : ''} · cost $${s.usage.costUsd.toFixed(4)}</td></tr>`);
  out.push(`<tr><th>cache hits</th><td>${tot.cached}</td></tr>`);
  out.push(`<tr><th>errors by kind</th><td>${esc(Object.entries(s.errorsByKind).map(([k, v]) => `${k}: ${v}`).join(' · ') || '—')}</td></tr>`);
  out.push(`<tr><th>target</th><td><code>${esc(JSON.stringify(s.target.identity))}</code></td></tr>`);
  if (s.judge) out.push(`<tr><th>judge</th><td>${esc(s.judge.name)} (${esc(s.judge.type)})</td></tr>`);
  out.push('</table>');

  if (opts.showExamples !== false && s.examples.length) {
    out.push(`<h2>${t('examples')} (${s.examples.length})</h2><p class="cw">${t('warning')}</p>`);
    for (const e of s.examples) {
      const head = `${e.id} · ${e.error ? `error: ${e.error.kind}` : e.verdict} · ${e.expect} · ${e.categories.join(', ')}`;
      out.push(`<details><summary>${esc(head)}</summary>`);
      if (e.reason) out.push(`<p class="note">${esc(e.reason)}</p>`);
      if (e.error) out.push(`<p class="note">${esc(e.error.message)}</p>`);
      if (e.prompt !== undefined) out.push(`<div class="note">prompt</div><pre>${esc(e.prompt)}</pre>`);
      if (e.response !== undefined) out.push(`<div class="note">response</div><pre>${esc(e.response)}</pre>`);
      out.push('</details>');
    }
  }
  out.push(`<p class="note">Generated by Zongheng evaluate · ${esc(s.finishedAt)}</p></main></body></html>\n`);
  return out.join('\n');
}
