/**
 * Attack registry and chains. A chain is a comma-separated list applied left to right
 * (`base64,roleplay` = encode, then wrap in the role-play template); several chains are separated
 * by `;` or given as an array. `none` is the unattacked baseline; `framing` expands to the two
 * context-framing chains (explicit safety test vs ordinary use) whose gap the report shows.
 */
import type { Case, Message } from '../types.ts';
import type { ChatResult } from '../targets/index.ts';
import { chineseAttacks } from './chinese.ts';
import { dynamicAttacks } from './dynamic.ts';
import { encodingAttacks } from './encoding.ts';
import { templateAttacks } from './templates.ts';
import { langOf, type Attack, type AttackContext, type AttackHelpers, type Conversation } from './types.ts';

export type { Attack, AttackContext, AttackFamily, AttackHelpers, Conversation } from './types.ts';
export { codecs, type Codec } from './encoding.ts';
export { fromTraditional, mixLanguages, toChaizi, toHomophones, toPinyin, toPinyinInitials, toTraditional } from './chinese.ts';

export const ATTACKS: ReadonlyMap<string, Attack> = new Map(
  [...encodingAttacks, ...chineseAttacks, ...templateAttacks, ...dynamicAttacks].map((a) => [a.id, a]),
);

export function listAttacks(): { id: string; title: { zh: string; en: string }; family: string; probes: string[]; needs: string[] }[] {
  return [...ATTACKS.values()].map((a) => ({ id: a.id, title: a.title, family: a.family, probes: [...a.probes], needs: a.needs ?? [] }));
}

export interface ChainStep {
  attack: Attack;
  arg?: string;
}
export interface AttackChain {
  /** Normalised spec, e.g. `base64,roleplay` or `many-shot:64`; '' for the baseline. */
  id: string;
  steps: ChainStep[];
}

export class AttackSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttackSpecError';
  }
}

export const BASELINE: AttackChain = { id: '', steps: [] };

/** Parses `base64,roleplay;none;framing` (or an array of chain strings) into chains. */
export function parseChains(spec: string | string[] | undefined): AttackChain[] {
  if (spec === undefined) return [BASELINE];
  const parts = (Array.isArray(spec) ? spec : spec.split(';')).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return [BASELINE];
  const chains: AttackChain[] = [];
  const seen = new Set<string>();
  const push = (c: AttackChain) => {
    if (!seen.has(c.id)) {
      seen.add(c.id);
      chains.push(c);
    }
  };
  for (const part of parts) {
    if (part === 'none' || part === 'baseline') {
      push(BASELINE);
      continue;
    }
    if (part === 'framing') {
      push(parseChain('frame-test'));
      push(parseChain('frame-ordinary'));
      continue;
    }
    push(parseChain(part));
  }
  return chains;
}

export function parseChain(spec: string): AttackChain {
  const steps: ChainStep[] = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, arg] = s.split(':', 2) as [string, string | undefined];
      const attack = ATTACKS.get(name);
      if (!attack) throw new AttackSpecError(`unknown attack "${name}" (known: ${[...ATTACKS.keys()].join(', ')}, none, framing)`);
      return { attack, ...(arg !== undefined && arg !== '' ? { arg } : {}) };
    });
  steps.forEach((s, i) => {
    if (s.attack.converse && i !== steps.length - 1) throw new AttackSpecError(`${s.attack.id} drives the conversation and must be the last attack in a chain`);
  });
  return { id: steps.map((s) => (s.arg ? `${s.attack.id}:${s.arg}` : s.attack.id)).join(','), steps };
}

/** Helper models a set of chains needs. */
export function neededHelpers(chains: AttackChain[]): Set<'translator' | 'attacker'> {
  const need = new Set<'translator' | 'attacker'>();
  for (const c of chains) for (const s of c.steps) for (const n of s.attack.needs ?? []) need.add(n);
  return need;
}

export function chainProbes(chain: AttackChain): string[] {
  return [...new Set(chain.steps.flatMap((s) => s.attack.probes))];
}

export interface PreparedCase {
  case: Case;
  /** Set when the last step drives a multi-turn conversation. */
  converse?: (chat: (messages: Message[]) => Promise<ChatResult>) => Promise<Conversation>;
  /** Response rewrites, applied in reverse chain order. */
  postprocess: ((text: string) => Promise<string>)[];
}

/** Applies a chain to a case; `null` when some step does not apply to it (the case is skipped). */
export async function applyChain(c: Case, chain: AttackChain, helpers: AttackHelpers, signal?: AbortSignal): Promise<PreparedCase | null> {
  let cur: Case = c;
  const post: ((text: string) => Promise<string>)[] = [];
  let converse: PreparedCase['converse'];
  for (const step of chain.steps) {
    const ctx: AttackContext = {
      key: `${c.id}|${chain.id}`,
      lang: langOf(cur),
      helpers,
      ...(step.arg !== undefined ? { arg: step.arg } : {}),
      ...(signal ? { signal } : {}),
    };
    if (step.attack.apply) {
      const next = await step.attack.apply(cur, ctx);
      if (next === null) return null;
      cur = next;
    }
    if (step.attack.converse) {
      const snapshot = cur;
      const conv = step.attack.converse;
      converse = (chat) => conv(snapshot, ctx, chat);
    }
    if (step.attack.postprocess) {
      const pp = step.attack.postprocess;
      post.unshift((t) => pp(t, ctx));
    }
  }
  return { case: cur, ...(converse ? { converse } : {}), postprocess: post };
}
