import { InvalidArgumentError, type Command } from 'commander';
import { keyValues, table } from '../format.ts';
import { parseList } from '../options.ts';
import { print, query, withClient } from '../run.ts';

const COLUMNS = ['id', 'systemId', 'severity', 'status', 'title', 'openedAt', 'closedAt'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const STATUSES = ['open', 'investigating', 'resolved', 'closed'];

function oneOf(allowed: string[]) {
  return (v: string) => {
    if (!allowed.includes(v)) throw new InvalidArgumentError(`one of ${allowed.join(', ')}`);
    return v;
  };
}

/** `zongheng incident add|list|show|update`: incidents reported by hand; evidence rules open them too. */
export function incidentCommands(program: Command): void {
  const inc = program.command('incident').description('AI incidents: report, investigate, resolve, close; 安全事件');
  inc
    .command('add')
    .description('report an incident for a system')
    .requiredOption('--system <id>')
    .requiredOption('--title <text>')
    .requiredOption('--severity <s>', SEVERITIES.join(', '), oneOf(SEVERITIES))
    .option('--description <text>')
    .option('--taxonomy <ids>', 'comma-separated taxonomy ids', parseList)
    .option('--evidence <id>', 'the evidence record that revealed it')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) =>
        api.call('POST', '/api/incidents', { systemId: o.system, title: o.title, severity: o.severity, description: o.description, taxonomyIds: o.taxonomy, sourceEvidenceId: o.evidence }),
      );
      print(o.json, r, () => keyValues(r, COLUMNS));
    });
  inc
    .command('list')
    .description('list incidents, newest first')
    .option('--system <id>')
    .option('--status <s>', STATUSES.join(', '), oneOf(STATUSES))
    .option('--severity <s>', SEVERITIES.join(', '), oneOf(SEVERITIES))
    .option('--limit <n>', 'page size', Number, 100)
    .option('--offset <n>', 'skip', Number, 0)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const r = await withClient(program, (api) => api.call('GET', `/api/incidents${query({ systemId: o.system, status: o.status, severity: o.severity, limit: o.limit, offset: o.offset })}`));
      print(o.json, r, () => table(r.items, COLUMNS));
    });
  inc
    .command('show <id>')
    .description('one incident with its history')
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const r = await withClient(program, (api) => api.call('GET', `/api/incidents/${encodeURIComponent(id)}`));
      print(o.json, r, () =>
        `${keyValues(r, [...COLUMNS, 'description', 'taxonomyIds', 'sourceEvidenceId', 'revision'])}\n\n${table(
          r.history.map((h: any) => ({ revision: h.revision, at: h.at, actor: h.actor, action: h.action, reason: h.reason ?? '', changed: Object.keys(h.changes).join(', ') })),
          ['revision', 'at', 'actor', 'action', 'changed', 'reason'],
        )}`,
      );
    });
  inc
    .command('update <id>')
    .description('change status, severity, title, description or taxonomy ids (reason required)')
    .requiredOption('--reason <text>', 'why (kept in the history)')
    .option('--status <s>', STATUSES.join(', '), oneOf(STATUSES))
    .option('--severity <s>', SEVERITIES.join(', '), oneOf(SEVERITIES))
    .option('--title <text>')
    .option('--description <text>')
    .option('--taxonomy <ids>', 'comma-separated taxonomy ids', parseList)
    .option('--json', 'print JSON')
    .action(async (id: string, o) => {
      const r = await withClient(program, (api) =>
        api.call('PATCH', `/api/incidents/${encodeURIComponent(id)}`, { status: o.status, severity: o.severity, title: o.title, description: o.description, taxonomyIds: o.taxonomy, reason: o.reason }),
      );
      print(o.json, r, () => keyValues(r, COLUMNS));
    });
}
