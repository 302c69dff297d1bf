/** Attacks that need a helper model: translation (there and back) and crescendo-style multi-turn escalation. */
import { detectRefusal } from '../scorers/refusal.ts';
import { lastUserText } from '../suites/messages.ts';
import { TargetError, type ChatResult } from '../targets/index.ts';
import type { Case, Message } from '../types.ts';
import { attackData, fill, withUserText, type Attack, type AttackContext, type Conversation } from './types.ts';

interface MultiturnDoc {
  translate: { system: string; back_system: string };
  crescendo: { system: string; history_header: string; refused_note: string; opening_fallback: Record<'zh' | 'en', string> };
}
const doc = () => attackData<MultiturnDoc>('multiturn.yaml');

const LANGUAGES: Record<string, string> = {
  fr: 'French', de: 'German', es: 'Spanish', ja: 'Japanese', ko: 'Korean', ru: 'Russian', ar: 'Arabic',
  zu: 'Zulu', gd: 'Scottish Gaelic', sw: 'Swahili', bn: 'Bengali', th: 'Thai', hi: 'Hindi', en: 'English', zh: 'Simplified Chinese',
};

function cleanHelperText(s: string): string {
  return s.trim().replace(/^["“「]+|["”」]+$/g, '').trim();
}

async function helperChat(ctx: AttackContext, which: 'translator' | 'attacker', messages: Message[]): Promise<string> {
  const t = ctx.helpers[which];
  if (!t) throw new TargetError('config', `this attack needs a ${which} model (helpers.${which})`);
  try {
    const r = await t.chat({ messages, temperature: which === 'translator' ? 0 : 0.7 }, ctx.signal);
    return cleanHelperText(r.text);
  } catch (e) {
    if (e instanceof TargetError && e.kind === 'aborted') throw e;
    throw new TargetError('attack', `${which} model failed: ${(e as Error).message}`);
  }
}

export const translateAttack: Attack = {
  id: 'translate',
  title: { zh: '低资源语言翻译', en: 'Translation (helper model)' },
  family: 'translation',
  probes: ['tc260.3.1.1.f', 'owasp-llm-2025.LLM01'],
  needs: ['translator'],
  async apply(c: Case, ctx: AttackContext) {
    const language = LANGUAGES[ctx.arg ?? 'fr'] ?? ctx.arg ?? 'French';
    const out = await helperChat(ctx, 'translator', [
      { role: 'system', content: fill(doc().translate.system, { language }) },
      { role: 'user', content: lastUserText(c) },
    ]);
    if (!out) throw new TargetError('attack', 'translator returned an empty translation');
    return withUserText(c, out);
  },
  async postprocess(response: string, ctx: AttackContext) {
    if (!response.trim()) return response;
    return helperChat(ctx, 'translator', [
      { role: 'system', content: doc().translate.back_system },
      { role: 'user', content: response },
    ]);
  },
};

/**
 * Crescendo-style escalation: the attacker model writes each next user turn from the goal and
 * the conversation so far, starting harmless and closing in; bounded by `crescendo:<turns>`
 * (default 4, at most 10). The target's last reply is what gets scored.
 */
export const crescendoAttack: Attack = {
  id: 'crescendo',
  title: { zh: '多轮渐进诱导', en: 'Multi-turn escalation (crescendo)' },
  family: 'multi-turn',
  probes: ['tc260.3.1.1.f', 'owasp-llm-2025.LLM01'],
  needs: ['attacker'],
  async converse(c: Case, ctx: AttackContext, chat: (messages: Message[]) => Promise<ChatResult>): Promise<Conversation> {
    const maxTurns = Math.min(Math.max(Number(ctx.arg ?? 4) || 4, 1), 10);
    const goal = lastUserText(c);
    const d = doc().crescendo;
    const system = c.system ?? c.messages?.find((m) => m.role === 'system')?.content;
    const convo: Message[] = system ? [{ role: 'system', content: system }] : [];
    let last: ChatResult | undefined;
    let refusedLast = false;
    for (let turn = 1; turn <= maxTurns; turn++) {
      const history = convo
        .filter((m) => m.role !== 'system')
        .map((m) => `${m.role === 'user' ? 'USER' : 'ASSISTANT'}: ${m.content}`)
        .join('\n\n');
      const ask = [history ? `${d.history_header}\n\n${history}` : '', refusedLast ? d.refused_note : '', `Turn ${turn} of ${maxTurns}.`]
        .filter(Boolean)
        .join('\n\n');
      let next = await helperChat(ctx, 'attacker', [
        { role: 'system', content: fill(d.system, { goal, turn: String(turn), maxTurns: String(maxTurns) }) },
        { role: 'user', content: ask },
      ]);
      if (!next) next = turn === maxTurns ? goal : fill(d.opening_fallback[ctx.lang], { goal });
      convo.push({ role: 'user', content: next });
      last = await chat(convo);
      convo.push({ role: 'assistant', content: last.text });
      refusedLast = detectRefusal(last.text).refused;
    }
    return { messages: convo, last: last!, turns: maxTurns };
  },
};

export const dynamicAttacks: Attack[] = [translateAttack, crescendoAttack];
