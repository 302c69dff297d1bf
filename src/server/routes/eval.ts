import { z } from 'zod';
import { ZonghengError } from '../../core/errors.ts';
import { readResults } from '../../jobs/eval-results.ts';
import { EvalRunRecordSchema, EvalRunStartSchema, type EvalRunService } from '../../jobs/eval-runs.ts';
import { Page, type AddRoute } from '../route.ts';

const RUN_STATUSES = ['running', 'completed', 'aborted', 'failed', 'interrupted'] as const;

/** Evaluation runs: start, follow, stop, resume, record (from the CLI), results, compare. */
export function evalRoutes(add: AddRoute, runs: EvalRunService | undefined): void {
  const svc = (): EvalRunService => {
    if (!runs) throw new ZonghengError('bad_request', 'evaluation runs are not available in this process (no data directory)');
    return runs;
  };
  add({
    method: 'post', path: '/api/eval/runs', tag: 'evaluation', permission: 'eval:run', status: 202, bodyDoc: EvalRunStartSchema,
    summary: 'Start an evaluation run on this server (built-in suite or inline cases); it runs in the background — follow it with GET /api/eval/runs/:id',
    handler: ({ actor, body }) => svc().start(body, actor),
  });
  add({
    method: 'post', path: '/api/eval/runs/record', tag: 'evaluation', permission: 'eval:run', status: 201, bodyDoc: EvalRunRecordSchema,
    summary: 'Record a run made elsewhere (the CLI calls this after `zongheng eval run`)',
    handler: ({ actor, body }) => svc().record(body, actor),
  });
  add({
    method: 'get', path: '/api/eval/runs', tag: 'evaluation', permission: 'read', summary: 'List evaluation runs, newest first, with headline figures (filter by system, status, suite)',
    query: z.object({ systemId: z.string().max(60).optional(), status: z.enum(RUN_STATUSES).optional(), suite: z.string().max(200).optional(), ...Page }).strict(),
    handler: async ({ query }) => ({ items: await svc().list(query), limit: query.limit, offset: query.offset }),
  });
  add({
    method: 'get', path: '/api/eval/compare', tag: 'evaluation', permission: 'read', summary: 'Compare run b against run a: regressions (significant when the 95% intervals do not overlap) and improvements',
    query: z.object({ a: z.string().min(1).max(60), b: z.string().min(1).max(60) }).strict(),
    handler: ({ query }) => svc().compare(query.a, query.b),
  });
  add({ method: 'get', path: '/api/eval/runs/:id', tag: 'evaluation', permission: 'read', summary: 'One run: status and progress while running; the full summary (categories with Wilson intervals, GB/T 45654 figures, attacks, failing examples) once done', handler: ({ params }) => svc().get(params.id!) });
  add({
    method: 'get', path: '/api/eval/runs/:id/results', tag: 'evaluation', permission: 'read', summary: 'Per-case results of a run (from its results.jsonl), filtered by outcome, category or attack',
    query: z.object({ outcome: z.enum(['pass', 'fail', 'could-not-score', 'error']).optional(), category: z.string().max(100).optional(), attack: z.string().max(200).optional(), ...Page }).strict(),
    handler: async ({ params, query }) => readResults((await svc().get(params.id!)).outDir, query),
  });
  add({ method: 'post', path: '/api/eval/runs/:id/stop', tag: 'evaluation', permission: 'eval:run', summary: 'Stop a running run after the cases in flight; it stays resumable', handler: ({ actor, params }) => svc().stop(params.id!, actor) });
  add({ method: 'post', path: '/api/eval/runs/:id/resume', tag: 'evaluation', permission: 'eval:run', status: 202, summary: 'Resume a stopped, failed or interrupted run started over the API: done cases are not repeated', handler: ({ actor, params }) => svc().resume(params.id!, actor) });
}
