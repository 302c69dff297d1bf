import { z } from 'zod';
import { EXPECTS, type Case } from '../types.ts';

export const MessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: z.string().max(1_000_000),
    toolCallId: z.string().max(200).optional(),
    name: z.string().max(200).optional(),
    toolCalls: z
      .array(z.object({ id: z.string().max(200), name: z.string().max(200), arguments: z.string().max(100_000) }).strict())
      .max(50)
      .optional(),
  })
  .strict();

/** Taxonomy id: `<framework>.<item…>`, e.g. gbt45654.A.1.a, tc260.3.1.1.e, owasp-llm-2025.LLM01, ailuminate.vcr. */
export const TaxonomyIdSchema = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*\.[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a taxonomy id such as gbt45654.A.1.a or owasp-llm-2025.LLM01');

const AssertSchema = z
  .object({
    contains: z.array(z.string()).max(50).optional(),
    containsAny: z.array(z.string()).max(50).optional(),
    notContains: z.array(z.string()).max(50).optional(),
    regex: z.array(z.string().max(2000)).max(20).optional(),
    notRegex: z.array(z.string().max(2000)).max(20).optional(),
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    caseSensitive: z.boolean().optional(),
  })
  .strict();

export const CaseSchema = z
  .object({
    id: z.union([z.string().min(1).max(300), z.number().int()]).transform((v) => String(v)),
    prompt: z.string().max(1_000_000).optional(),
    messages: z.array(MessageSchema).min(1).max(2000).optional(),
    system: z.string().max(100_000).optional(),
    expect: z.enum(EXPECTS),
    categories: z.array(TaxonomyIdSchema).max(20).default([]),
    reference: z.union([z.string().max(100_000), z.array(z.string().max(100_000)).max(100)]).optional(),
    incorrect: z.array(z.string().max(100_000)).max(100).optional(),
    context: z.string().max(1_000_000).optional(),
    group: z.string().min(1).max(300).optional(),
    lang: z.string().min(2).max(20).optional(),
    canary: z.string().min(4).max(500).optional(),
    assert: AssertSchema.optional(),
    rubric: z.string().max(20_000).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    response: z.string().max(1_000_000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.prompt === undefined && c.messages === undefined)
      ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'give prompt or messages' });
    if ((c.expect === 'reference' || c.expect === 'unbiased' || c.expect === 'choice') && c.reference === undefined)
      ctx.addIssue({ code: 'custom', path: ['reference'], message: `expect "${c.expect}" needs a reference answer` });
    if (c.expect === 'faithful' && c.context === undefined)
      ctx.addIssue({ code: 'custom', path: ['context'], message: 'expect "faithful" needs a context' });
    if (c.expect === 'match' && c.assert === undefined)
      ctx.addIssue({ code: 'custom', path: ['assert'], message: 'expect "match" needs an assert block' });
  });

export function parseCase(raw: unknown): { ok: true; value: Case } | { ok: false; field: string; message: string } {
  const r = CaseSchema.safeParse(raw);
  if (r.success) {
    const v = r.data;
    const c: Case = { id: v.id, expect: v.expect, categories: v.categories };
    for (const k of ['prompt', 'messages', 'system', 'reference', 'incorrect', 'context', 'group', 'lang', 'canary', 'assert', 'rubric', 'metadata', 'response'] as const) {
      if (v[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = v[k];
    }
    return { ok: true, value: c };
  }
  const issue = r.error.issues[0]!;
  let field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    field = [field, keys[0]].filter(Boolean).join('.');
    message = `unknown field (allowed: id, prompt, messages, system, expect, categories, reference, incorrect, context, group, lang, canary, assert, rubric, metadata, response)`;
  }
  if (issue.code === 'invalid_value' && issue.path[0] === 'expect') message = `expect must be one of ${EXPECTS.join(', ')}`;
  return { ok: false, field: field || '(line)', message };
}
