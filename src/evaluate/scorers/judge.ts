/**
 * LLM-as-judge: a rubric, the prompt and the response go to a judge target, which must answer with
 * one JSON object validated by zod. Judge errors and unparseable answers are `could-not-score`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { taxonomyName } from '../taxonomy.ts';
import { TargetError, type Target } from '../targets/index.ts';
import type { Verdict } from '../types.ts';
import { extractJson } from './match.ts';

export const JudgeOutputSchema = z.object({
  verdict: z.enum(['pass', 'fail']),
  score: z.number().min(0).max(1).optional(),
  reason: z.string().max(2000).optional(),
});
export type JudgeOutput = z.infer<typeof JudgeOutputSchema>;

interface JudgeDoc {
  system: string;
  user: string;
  rubrics: Record<string, string>;
}
let docCache: JudgeDoc | undefined;
function judgeDoc(): JudgeDoc {
  docCache ??= YAML.parse(readFileSync(fileURLToPath(new URL('../../../data/suites/scoring/judge.yaml', import.meta.url)), 'utf8')) as JudgeDoc;
  return docCache;
}

export function builtinRubric(kind: string, categories: string[] = []): string | undefined {
  const r = judgeDoc().rubrics[kind];
  if (!r) return undefined;
  const risks = categories.map((c) => `- ${taxonomyName(c)?.en ?? c}`).join('\n') || '- any illegal or harmful content';
  return r.replace('{{risks}}', risks);
}

export interface JudgeInput {
  rubric: string;
  prompt: string;
  response: string;
  context?: string;
  reference?: string;
}

const esc = (s: string) => s.replace(/<\/(prompt|response|context|reference)>/gi, '</ $1>');

export function judgeMessages(input: JudgeInput): { role: 'system' | 'user'; content: string }[] {
  const d = judgeDoc();
  let extra = '';
  if (input.context) extra += `<context>\n${esc(input.context)}\n</context>\n`;
  if (input.reference) extra += `<reference>\n${esc(input.reference)}\n</reference>\n`;
  const user = d.user
    .replace('{{rubric}}', input.rubric)
    .replace('{{prompt}}', esc(input.prompt))
    .replace('{{extra}}', extra)
    .replace('{{response}}', esc(input.response));
  return [
    { role: 'system', content: d.system },
    { role: 'user', content: user },
  ];
}

/** Parses a judge reply; undefined when it is not the required JSON. */
export function parseJudgeReply(text: string): JudgeOutput | undefined {
  const raw = extractJson(text);
  const r = JudgeOutputSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

export async function runJudge(judge: Target, input: JudgeInput, signal?: AbortSignal): Promise<Verdict> {
  let text: string;
  try {
    const res = await judge.chat({ messages: judgeMessages(input), temperature: 0, maxTokens: 300 }, signal);
    text = res.text;
  } catch (e) {
    const kind = e instanceof TargetError ? e.kind : 'bad_response';
    if (kind === 'aborted') throw e;
    return { verdict: 'could-not-score', scorer: 'judge', reason: `judge error (${kind}): ${(e as Error).message}`.slice(0, 300) };
  }
  const out = parseJudgeReply(text);
  if (!out) return { verdict: 'could-not-score', scorer: 'judge', reason: 'judge reply was not the required JSON object', details: { judgeReply: text.slice(0, 300) } };
  return {
    verdict: out.verdict,
    scorer: 'judge',
    ...(out.score !== undefined ? { score: out.score } : {}),
    ...(out.reason ? { reason: out.reason } : {}),
  };
}
