import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { keyValues, table } from '../format.ts';
import { parseList } from '../options.ts';
import { print, query, withClient } from '../run.ts';

export function readDataFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

export function systemCommands(program: Command): void {
  const sys = program.command('system').description('AI systems inventory and grading; AI 系统清单与分级');
  sys
    .command('add')
    .description('register a system (attributes from --file YAML/JSON and/or flags)')
    .option('--file <path>', 'YAML or JSON with the system attributes')
    .option('--name <name>')
    .option('--owner <owner>')
    .option('--domain <domain>', 'e.g. finance, medical, government, education, software-engineering, general')
    .option('--population <p>', 'internal, business, public or minors')
    .option('--role <role>', 'organisationRole: technology-provider, application-provider, both')
    .option('--stage <stage>', 'lifecycleStage')
    .option('--autonomy <level>', 'L1–L4')
    .option('--deployment <mode>', 'deploymentMode')
    .option('--capabilities <list>', 'comma-separated, e.g. text-generation,rag', parseList)
    .option('--data <list>', 'dataCategories, comma-separated', parseList)
    .option('--jurisdictions <list>', 'cn, eu, us, other', parseList)
    .option('--model <name[@version]>', 'a model the system uses (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--threshold <n>', 'acceptability threshold 1–25', Number)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const attrs: Record<string, unknown> = o.file ? ((readDataFile(o.file) as Record<string, unknown>) ?? {}) : {};
      const set = (k: string, v: unknown) => v !== undefined && (attrs[k] = v);
      set('name', o.name); set('owner', o.owner); set('domain', o.domain); set('population', o.population); set('organisationRole', o.role);
      set('lifecycleStage', o.stage); set('autonomyLevel', o.autonomy); set('deploymentMode', o.deployment); set('capabilities', o.capabilities);
      set('dataCategories', o.data); set('jurisdictions', o.jurisdictions); set('acceptabilityThreshold', o.threshold);
      if (o.model) attrs.models = (o.model as string[]).map((m) => { const [name, version] = m.split('@'); return { name, ...(version ? { version } : {}) }; });
      const s = await withClient(program, (api) => api.call('POST', '/api/systems', attrs));
      print(o.json, s, () => `${keyValues(s, ['id', 'name', 'owner', 'domain', 'population', 'grade', 'euAiActTier', 'financeAutonomyLevel'])}\nwhy: ${s.classification.gradeReasons.map((r: any) => r.because.en).join('; ')}\nobligations: ${s.obligations.length}`);
    });
  sys
    .command('list')
    .description('list systems')
    .option('--domain <d>').option('--grade <g>').option('--population <p>').option('--owner <o>').option('--q <text>', 'name contains')
    .option('--limit <n>', 'page size', Number, 100)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('GET', `/api/systems${query({ domain: o.domain, grade: o.grade, population: o.population, owner: o.owner, q: o.q, limit: o.limit })}`));
      print(o.json, r, () => table(r.items, ['id', 'name', 'domain', 'population', 'grade', 'euAiActTier', 'owner']));
    });
  sys
    .command('show <id>')
    .description('one system: attributes, grade and obligations with the rule behind each')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const s = await withClient(program, (api) => api.call('GET', `/api/systems/${encodeURIComponent(id)}`));
      print(o.json, s, () => {
        const head = keyValues(s, ['id', 'name', 'owner', 'domain', 'population', 'lifecycleStage', 'autonomyLevel', 'capabilities', 'dataCategories', 'jurisdictions', 'grade', 'euAiActTier', 'financeAutonomyLevel', 'acceptabilityThreshold', 'revision']);
        const why = s.classification.gradeReasons.map((r: any) => `  - ${r.because.en} / ${r.because.zh} [${r.ruleId}]`).join('\n');
        const obl = s.obligations.map((ob: any) => `  - ${ob.id} (${ob.framework}): ${ob.title.en} / ${ob.title.zh}\n      because ${ob.reason.because.en} [${ob.reason.ruleId}]`).join('\n');
        return `${head}\n\nGrade reasons:\n${why}\n\nObligations (${s.obligations.length}):\n${obl}`;
      });
    });
  sys
    .command('update <id>')
    .description('change attributes (from --file); a change of models, domain or population is a major change')
    .requiredOption('--file <path>', 'YAML or JSON with the attributes to change')
    .option('--reason <text>')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const patch = { ...(readDataFile(o.file) as object), ...(o.reason ? { reason: o.reason } : {}) };
      const s = await withClient(program, (api) => api.call('PATCH', `/api/systems/${encodeURIComponent(id)}`, patch));
      print(o.json, s, () => `${keyValues(s, ['id', 'grade', 'revision', 'majorChange'])}`);
    });
}
