import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Bilingual } from '../../core/i18n.ts';
import type { Target, ChatResult } from '../targets/index.ts';
import type { Case, Message } from '../types.ts';
import { idHash } from '../suites/reader.ts';

export type AttackFamily = 'encoding' | 'chinese' | 'jailbreak' | 'injection' | 'leak' | 'translation' | 'multi-turn' | 'framing';

export interface AttackHelpers {
  /** Helper model for the `translate` attack. */
  translator?: Target;
  /** Attacker model for multi-turn escalation. */
  attacker?: Target;
}

export interface AttackContext {
  /** Stable per (case, chain): every random-looking choice is derived from it. */
  key: string;
  lang: 'zh' | 'en';
  /** The argument after a colon, e.g. `translate:fr` → "fr". */
  arg?: string;
  helpers: AttackHelpers;
  signal?: AbortSignal;
}

/** What an interactive attack leaves behind: the whole conversation and the target's last reply. */
export interface Conversation {
  messages: Message[];
  last: ChatResult;
  turns: number;
}

export interface Attack {
  id: string;
  title: Bilingual;
  family: AttackFamily;
  /** Taxonomy ids this attack probes (reported as attack_success_rate). */
  probes: string[];
  needs?: ('translator' | 'attacker')[];
  /** Rewrites the case; `null` means the attack does not apply (e.g. pinyin on an English prompt). */
  apply?: (c: Case, ctx: AttackContext) => Case | null | Promise<Case | null>;
  /** Drives the conversation itself (multi-turn); must be the last attack of a chain. */
  converse?: (c: Case, ctx: AttackContext, chat: (messages: Message[]) => Promise<ChatResult>) => Promise<Conversation>;
  /** Rewrites the target's reply before scoring (e.g. translating it back). */
  postprocess?: (response: string, ctx: AttackContext) => Promise<string>;
}

const DATA_DIR = fileURLToPath(new URL('../../../data/attacks/', import.meta.url));
const cache = new Map<string, unknown>();

/** Reads (once) a YAML or JSON file from data/attacks. */
export function attackData<T>(file: string): T {
  let v = cache.get(file);
  if (v === undefined) {
    const text = readFileSync(DATA_DIR + file, 'utf8');
    v = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
    cache.set(file, v);
  }
  return v as T;
}

/** Deterministic choice from a list, keyed by a string. */
export function pick<T>(list: readonly T[], key: string): T {
  return list[idHash(key) % list.length]!;
}

export function fill(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in vars ? vars[k]! : m));
}

export function langOf(c: Case): 'zh' | 'en' {
  if (c.lang) return c.lang.startsWith('zh') ? 'zh' : 'en';
  const t = c.prompt ?? c.messages?.map((m) => m.content).join(' ') ?? '';
  return /[\u4e00-\u9fff]/.test(t) ? 'zh' : 'en';
}

/** Returns a copy of the case with its last user message (or prompt) replaced. */
export function withUserText(c: Case, text: string): Case {
  if (c.messages) {
    const msgs = c.messages.map((m) => ({ ...m }));
    for (let i = msgs.length - 1; i >= 0; i--) {
      if (msgs[i]!.role === 'user') {
        msgs[i]!.content = text;
        return { ...c, messages: msgs };
      }
    }
    return { ...c, messages: [...msgs, { role: 'user', content: text }] };
  }
  return { ...c, prompt: text };
}

/** A short per-case marker such as ZH-7F3A91C2. */
export function marker(prefix: string, key: string): string {
  return `${prefix}-${(idHash(key) % 0xffffffff).toString(16).toUpperCase().padStart(8, '0')}`;
}
