import type { Command } from 'commander';
import { keyValues, table } from '../format.ts';
import { parseImpact, parseLevel, parseList } from '../options.ts';
import { print, query, withClient } from '../run.ts';
import { readDataFile } from './systems.ts';

const COLUMNS = ['id', 'systemId', 'title', 'status', 'likelihood', 'impact', 'score', 'priority', 'nextReviewAt'];

export function riskCommands(program: Command): void {
  const risk = program.command('risk').description('the risk register: identify → analyse → evaluate → treat → residual → review; 风险登记');
  risk
    .command('add')
    .description('add a risk to a system')
    .requiredOption('--system <id>')
    .requiredOption('--title <text>')
    .requiredOption('--taxonomy <ids>', 'comma-separated taxonomy ids, e.g. tc260.3.1.1.e,gbt45654.A.5.a', parseList)
    .option('--description <text>')
    .option('--likelihood <n>', '1–5', parseLevel)
    .option('--impact <dims>', 'e.g. people=4,financial=3,legal=2', parseImpact)
    .option('--reason <text>')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) =>
        api.call('POST', '/api/risks', { systemId: o.system, title: o.title, taxonomyIds: o.taxonomy, description: o.description, likelihood: o.likelihood, impact: o.impact, reason: o.reason }),
      );
      print(o.json, r, () => keyValues(r, COLUMNS));
    });
  risk
    .command('suggest <systemId>')
    .description('risks suggested by the system\'s attributes; --accept adds them as proposed')
    .option('--accept', 'add all new suggestions to the register as proposed risks')
    .option('--json', 'print JSON')
    .action(async (systemId: string, o) => {
      const path = `/api/systems/${encodeURIComponent(systemId)}/risk-suggestions`;
      const r = await withClient(program, (api) => (o.accept ? api.call('POST', `${path}/accept`, {}) : api.call('GET', path)));
      print(o.json, r, () => (o.accept ? table(r.items, COLUMNS) : table(r.items.map((s: any) => ({ taxonomy: s.taxonomyIds.join(','), title: s.title.en, likelihood: s.likelihood, because: s.because.en, registered: s.alreadyRegistered })), ['taxonomy', 'title', 'likelihood', 'registered', 'because'])));
    });
  risk
    .command('list')
    .description('list risks')
    .option('--system <id>').option('--priority <p>', 'high, medium, low').option('--status <s>').option('--taxonomy <id>').option('--source <s>')
    .option('--open', 'open risks only').option('--overdue', 'review or treatment past due').option('--reassess', 'flagged for re-assessment')
    .option('--sort <by>', 'created, score, review', 'created')
    .option('--limit <n>', 'page size', Number, 100).option('--offset <n>', 'skip', Number, 0)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) =>
        api.call('GET', `/api/risks${query({ systemId: o.system, priority: o.priority, status: o.status, taxonomy: o.taxonomy, source: o.source, open: o.open, overdue: o.overdue, needsReassessment: o.reassess, sort: o.sort, limit: o.limit, offset: o.offset, total: true })}`),
      );
      print(o.json, r, () => `${table(r.items, COLUMNS)}\n${r.items.length} of ${r.total}`);
    });
  risk
    .command('show <id>')
    .description('one risk; --history adds every revision')
    .option('--history', 'include the revision history')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const [r, h] = await withClient(program, async (api) => [await api.call('GET', `/api/risks/${encodeURIComponent(id)}`), o.history ? await api.call('GET', `/api/risks/${encodeURIComponent(id)}/history`) : undefined]);
      print(o.json, h ? { ...r, history: h.items } : r, () => {
        let out = keyValues(r, ['id', 'systemId', 'title', 'taxonomyIds', 'source', 'status', 'likelihood', 'impact', 'score', 'priority', 'acceptable', 'treatment', 'residual', 'nextReviewAt', 'needsReassessment', 'revision']);
        if (r.evaluation) out += `\nevaluation: ${r.evaluation.because.en}`;
        if (h) out += '\n\nHistory:\n' + h.items.map((v: any) => `  #${v.revision} ${v.at} ${v.actor} ${v.action}${v.reason ? ` — ${v.reason}` : ''}\n     changed: ${Object.keys(v.changes).join(', ')}`).join('\n');
        return out;
      });
    });
  const act = (name: string, description: string, build: (c: Command) => Command, body: (o: any) => unknown) => {
    build(risk.command(`${name} <id>`).description(description))
      .option('--reason <text>', 'why (kept in the history)')
      .option('--json', 'print JSON')
      .action(async (id: string, o) => {
        const r = await withClient(program, (api) => api.call('POST', `/api/risks/${encodeURIComponent(id)}/${name}`, { ...(body(o) as object), ...(o.reason ? { reason: o.reason } : {}) }));
        print(o.json, r, () => keyValues(r, COLUMNS.concat(['acceptable', 'treatment', 'residual'])));
      });
  };
  act('assess', 'analyse likelihood and impact; evaluates priority against the system\'s acceptability threshold',
    (c) => c.requiredOption('--likelihood <n>', '1–5', parseLevel).requiredOption('--impact <dims>', 'e.g. people=4,financial=3', parseImpact).option('--loss <value>', 'estimated loss', Number).option('--rationale <text>'),
    (o) => ({ likelihood: o.likelihood, impact: o.impact, lossValue: o.loss, rationale: o.rationale }));
  act('treat', 'choose a treatment: avoid, mitigate, accept (needs --justification), transfer',
    (c) => c.requiredOption('--strategy <s>', 'avoid, mitigate, accept, transfer').requiredOption('--owner <name>').requiredOption('--due <YYYY-MM-DD>').option('--controls <ids>', 'control ids, comma-separated', parseList).option('--justification <text>').option('--plan <text>'),
    (o) => ({ strategy: o.strategy, owner: o.owner, dueDate: o.due, controlIds: o.controls ?? [], justification: o.justification, plan: o.plan }));
  act('residual', 'record the residual risk after treatment',
    (c) => c.requiredOption('--likelihood <n>', '1–5', parseLevel).requiredOption('--impact <dims>', 'e.g. people=2', parseImpact).option('--rationale <text>'),
    (o) => ({ likelihood: o.likelihood, impact: o.impact, rationale: o.rationale }));
  act('review', 'record a review: unchanged, reassess or close',
    (c) => c.requiredOption('--outcome <o>', 'unchanged, reassess, close').option('--notes <text>').option('--next <ISO date>', 'next review date'),
    (o) => ({ outcome: o.outcome, notes: o.notes, nextReviewAt: o.next }));
  act('status', 'move a risk: identified (accept a proposal), rejected, closed',
    (c) => c.requiredOption('--to <status>', 'identified, rejected, closed'),
    (o) => ({ status: o.to }));
}

export function controlCommands(program: Command): void {
  const ctl = program.command('control').description('controls per system and coverage per framework; 控制措施');
  ctl
    .command('list')
    .description('list controls')
    .option('--system <id>').option('--framework <f>').option('--status <s>').option('--limit <n>', 'page size', Number, 200)
    .option('--coverage', 'show coverage per framework instead')
    .option('--json', 'print JSON')
    .action(async (o) => {
      if (o.coverage) {
        const r = await withClient(program, (api) => api.call('GET', `/api/controls/coverage${query({ systemId: o.system })}`));
        return print(o.json, r, () => table(r.items, ['framework', 'total', 'implemented', 'verified', 'implementedPct', 'verifiedPct', 'notApplicable']));
      }
      const r = await withClient(program, (api) => api.call('GET', `/api/controls${query({ systemId: o.system, framework: o.framework, status: o.status, limit: o.limit })}`));
      print(o.json, r, () => table(r.items, ['id', 'systemId', 'measureId', 'framework', 'status', 'needsReverification', 'reason']));
    });
  ctl
    .command('set <id> <status>')
    .description('set status: planned, in-progress, implemented, verified, not-applicable (needs --reason)')
    .option('--reason <text>').option('--owner <name>').option('--evidence <ids>', 'evidence ids, comma-separated', parseList)
    .option('--json', 'print JSON')
    .action(async (id: string, status: string, o) => {
      const r = await withClient(program, (api) => api.call('POST', `/api/controls/${encodeURIComponent(id)}/status`, { status, reason: o.reason, owner: o.owner, evidenceIds: o.evidence }));
      print(o.json, r, () => keyValues(r, ['id', 'measureId', 'status', 'reason', 'needsReverification', 'revision']));
    });
}

export function evidenceCommands(program: Command): void {
  const ev = program.command('evidence').description('evidence from technical modules; 证据');
  ev.command('add')
    .description('record evidence from a JSON/YAML file (same shape as POST /api/evidence)')
    .requiredOption('--file <path>')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('POST', '/api/evidence', readDataFile(o.file)));
      print(o.json, r, () => `${keyValues(r, ['id', 'systemId', 'kind', 'subject', 'duplicate'])}\neffects:\n${r.effects.map((e: any) => `  - ${e.outcome} (${e.because.en})`).join('\n')}`);
    });
  ev.command('list')
    .description('list evidence')
    .option('--system <id>').option('--kind <k>').option('--limit <n>', 'page size', Number, 50)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('GET', `/api/evidence${query({ systemId: o.system, kind: o.kind, limit: o.limit })}`));
      print(o.json, r, () => table(r.items, ['id', 'systemId', 'kind', 'producer', 'subject', 'recordedAt']));
    });
}
