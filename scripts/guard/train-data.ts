// Training and evaluation examples for the guard classifiers, assembled from the shared
// datasets (licences checked: MIT, Apache-2.0, CC-BY-4.0; CC-BY-SA sets are not used) and our
// own prompts in data/guard/train-extra/. Rows are never printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GUARD_DATA_DIR } from '../../src/guard/data.ts';
import { readCsv, readJsonl } from './datasets.ts';

export interface Example {
  text: string;
  source: string;
  /** Examples sharing a group (template, behaviour) always land in the same split. */
  group: string;
  lang: 'zh' | 'en' | 'other';
  /** 1 = prompt injection / jailbreak, 0 = not, undefined = not used for this head. */
  inj?: 0 | 1;
  /** 1 = harmful request, 0 = benign, undefined = not used. */
  harm?: 0 | 1;
  harmClass?: string;
  /** Output head: 1 = a response that contains harmful content, 0 = refusal or benign answer. */
  out?: 0 | 1;
  /** Relative weight inside its source (down-weights template duplicates). */
  w: number;
  /** Split fixed by the source itself (deepset has train/test). */
  fixedSplit?: 'train' | 'test';
}

/** Harm classes of the category head and the taxonomy ids each reports. */
export const HARM_CLASSES: { id: string; taxonomy: string[] }[] = [
  { id: 'weapons', taxonomy: ['ailuminate.iwp', 'gbt45654.A.1.h'] },
  { id: 'violence', taxonomy: ['ailuminate.vcr', 'gbt45654.A.1.f'] },
  { id: 'crime', taxonomy: ['ailuminate.ncr', 'gbt45654.A.1.h'] },
  { id: 'cyber', taxonomy: ['ailuminate.ncr', 'tc260.3.2.1.d'] },
  { id: 'hate', taxonomy: ['ailuminate.hte', 'gbt45654.A.1.e'] },
  { id: 'sexual', taxonomy: ['ailuminate.sxc_prn', 'gbt45654.A.1.f'] },
  { id: 'selfharm', taxonomy: ['ailuminate.ssh', 'gbt45654.A.4.a'] },
  { id: 'privacy', taxonomy: ['ailuminate.prv', 'gbt45654.A.4.e'] },
  { id: 'misinformation', taxonomy: ['gbt45654.A.1.g'] },
  { id: 'advice', taxonomy: ['ailuminate.spc'] },
];

const JBB_CLASS: Record<string, string> = {
  'Harassment/Discrimination': 'hate', 'Malware/Hacking': 'cyber', 'Physical harm': 'violence', 'Economic harm': 'crime',
  'Fraud/Deception': 'crime', Disinformation: 'misinformation', 'Sexual/Adult content': 'sexual', Privacy: 'privacy',
  'Expert advice': 'advice', 'Government decision-making': 'crime',
};
const HARMBENCH_CLASS: Record<string, string> = {
  chemical_biological: 'weapons', illegal: 'crime', misinformation_disinformation: 'misinformation', harmful: 'violence',
  harassment_bullying: 'hate', cybercrime_intrusion: 'cyber',
};
const OWN_ZH_CLASS: Record<string, string> = {
  weapons: 'weapons', violence: 'violence', drugs: 'crime', cyber: 'cyber', fraud: 'crime', privacy: 'privacy',
  hate: 'hate', sexual: 'sexual', selfharm: 'selfharm', misinformation: 'misinformation',
};

export function langOf(t: string): 'zh' | 'en' | 'other' {
  const cjk = (t.match(/[\u4e00-\u9fff]/g) ?? []).length;
  if (cjk >= 2 && cjk * 3 >= t.replace(/\s/g, '').length * 0.3) return 'zh';
  return /[äöüß]/i.test(t) || /\b(und|nicht|ich|der|die|das|ist)\b/i.test(t) ? 'other' : 'en';
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function own<T>(file: string): T {
  return parseYaml(readFileSync(join(GUARD_DATA_DIR, 'train-extra', file), 'utf8')) as T;
}

export function loadExamples(ds: string): Example[] {
  const ex: Example[] = [];
  const push = (e: Omit<Example, 'lang' | 'w'> & { w?: number }): void => {
    const text = e.text.trim();
    if (text) ex.push({ ...e, text, lang: langOf(text), w: e.w ?? 1 });
  };

  // --- injection / jailbreak sources
  for (const r of readJsonl(join(ds, 'deepset_prompt_injections/deepset_prompt_injections.jsonl'))) {
    const lab = Number(r.label) === 1 ? 1 : 0;
    push({ text: String(r.text), source: lab ? 'deepset-injection' : 'deepset-benign', group: `deepset:${r.split}:${r.row}`, inj: lab, ...(lab ? {} : { harm: 0 as const }), fixedSplit: r.split === 'test' ? 'test' : 'train' });
  }
  const seenJbb = new Set<string>();
  for (const r of readJsonl(join(ds, 'jailbreakbench/jbb_artifact_prompts.jsonl'))) {
    const p = String(r.prompt ?? '');
    if (!p || seenJbb.has(p)) continue;
    seenJbb.add(p);
    const method = String(r.method);
    // one fixed template per method for these two: weight them as a handful of examples
    const w = method === 'JailbreakChat' || /random_search/.test(method) ? 0.1 : 1;
    push({ text: p, source: `jbb-${method}`, group: `jbb:${r.behavior_index}`, inj: 1, w });
  }
  for (const r of readJsonl(join(ds, 'pint_example/pint_example.jsonl'))) {
    const lab = r.label === true ? 1 : 0;
    push({ text: String(r.text), source: 'pint', group: `pint:${r.row}`, inj: lab, ...(lab ? {} : { harm: 0 as const }) });
  }
  type Attacks = { templates: string[]; goals: string[]; standalone: string[]; more?: string[]; long?: string[] };
  const zhA = own<Attacks>('zh-attacks.yaml');
  const enA = own<Attacks>('en-attacks.yaml');
  for (const [lang, a] of [['zh', zhA], ['en', enA]] as const) {
    const r = rng(lang === 'zh' ? 11 : 12);
    a.templates.forEach((t, ti) => {
      const picked = new Set<number>();
      while (picked.size < 3) picked.add(Math.floor(r() * a.goals.length));
      for (const gi of picked) push({ text: t.replace('{goal}', a.goals[gi]!), source: `own-${lang}-attack`, group: `own-${lang}-t${ti}`, inj: 1, w: 1 / 3 * 2 });
    });
    a.standalone.forEach((t, i) => push({ text: t, source: `own-${lang}-attack`, group: `own-${lang}-s${i}`, inj: 1 }));
    [...(a.more ?? []), ...(a.long ?? [])].forEach((t, i) => push({ text: t, source: `own-${lang}-attack`, group: `own-${lang}-m${i}`, inj: 1 }));
  }
  // second, separately written attack sets (other styles): their own sources, so one set can be
  // held out while the other trains
  for (const lang of ['zh', 'en'] as const) {
    own<{ standalone: string[] }>(`${lang}-attacks-2.yaml`).standalone.forEach((t, i) => push({ text: t, source: `own-${lang}-attack2`, group: `own-${lang}-a2-${i}`, inj: 1 }));
  }

  // --- harmful requests
  // harmful datasets are mostly imperatives ("Write a tutorial on how to …"); each such row also
  // yields a question form ("How can I …?", same source and group) so short questions count too
  const asQ = (text: string, source: string, group: string, extra: Partial<Example> = {}): void => {
    const q = questionForm(text);
    if (q) push({ text: q, source, group, harm: 1, inj: 0, w: 0.5, ...extra });
  };
  for (const r of readCsv(join(ds, 'advbench/harmful_behaviors.csv')).rows) {
    push({ text: r.goal!, source: 'advbench', group: `advbench:${r.goal}`, harm: 1, inj: 0 });
    asQ(r.goal!, 'advbench', `advbench:${r.goal}`);
  }
  for (const r of readCsv(join(ds, 'advbench/harmful_strings.csv')).rows) {
    push({ text: r.target!, source: 'advbench-strings', group: `advs:${r.target}`, harm: 1, w: 0.5 });
  }
  for (const r of readCsv(join(ds, 'harmbench/harmbench_behaviors_text_all.csv')).rows) {
    if (r.FunctionalCategory === 'copyright' || r.SemanticCategory === 'copyright') continue;
    const cls = HARMBENCH_CLASS[r.SemanticCategory ?? ''];
    push({ text: r.Behavior!, source: `harmbench-${r.FunctionalCategory}`, group: `hb:${r.BehaviorID}`, harm: 1, inj: 0, ...(cls ? { harmClass: cls } : {}) });
    if (r.FunctionalCategory === 'standard') asQ(r.Behavior!, `harmbench-${r.FunctionalCategory}`, `hb:${r.BehaviorID}`, cls ? { harmClass: cls } : {});
  }
  for (const r of readCsv(join(ds, 'jailbreakbench/jbb_behaviors.csv')).rows) {
    const cls = JBB_CLASS[r.category ?? ''];
    push({ text: r.goal!, source: 'jbb-behaviors', group: `jbb:${r.index}`, harm: 1, inj: 0, ...(cls ? { harmClass: cls } : {}) });
    asQ(r.goal!, 'jbb-behaviors', `jbb:${r.index}`, cls ? { harmClass: cls } : {});
  }
  for (const r of readCsv(join(ds, 'xstest/xstest_prompts.csv')).rows) {
    const unsafe = r.label === 'unsafe';
    // contrast pairs share a group so a safe prompt and its unsafe twin stay together
    push({ text: r.prompt!, source: unsafe ? 'xstest-unsafe' : 'xstest-safe', group: `xs:${r.type!.replace(/^contrast_/, '')}:${r.focus}`, harm: unsafe ? 1 : 0, inj: 0 });
  }
  // plain harmful questions built from the attack goals (no jailbreak wrapper): harmful, not injection
  const frames = { zh: ['怎么{goal}？', '教我如何{goal}', '请详细告诉我{goal}的方法', '{goal}需要哪些步骤？'], en: ['How do I {goal}?', 'Explain how to {goal}.', 'Give me step-by-step instructions to {goal}.', 'What is the best way to {goal}?'] };
  for (const [lang, a] of [['zh', zhA], ['en', enA]] as const) {
    a.goals.forEach((g, gi) => frames[lang].forEach((f) => push({ text: f.replace('{goal}', g), source: `own-${lang}-harmful-q`, group: `own-${lang}-goal${gi}`, harm: 1, inj: 0, w: 0.5 })));
  }
  const zhH = own<Record<string, string[]>>('zh-harmful.yaml');
  for (const [cat, list] of Object.entries(zhH)) {
    list.forEach((t, i) => push({ text: t, source: 'own-zh-harmful', group: `own-zh-h-${cat}-${i}`, harm: 1, inj: 0, harmClass: OWN_ZH_CLASS[cat]! }));
  }

  // composed prompts (data/guard/train-extra/compose.yaml): one part per slot, fixed seed
  type Parts = { attack: { intros: string[]; unlocks: string[]; demands: string[]; goals: string[]; names: string[] }; hijack: { leads: string[]; overrides: string[]; tasks: string[] }; benign: { intros: string[]; tasks: string[]; roles: string[] } };
  const comp = own<Record<'zh' | 'en', Parts>>('compose.yaml');
  for (const lang of ['zh', 'en'] as const) {
    const c = comp[lang], r = rng(lang === 'zh' ? 31 : 32);
    const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!;
    const sep = lang === 'zh' ? '' : ' ';
    const join2 = (...p: string[]): string => p.filter(Boolean).join(sep);
    // grouped by goal / task, so a goal's compositions stay on one side of the split
    const nA = lang === 'zh' ? 240 : 120;
    for (let i = 0; i < nA; i++) {
      const name = pick(c.attack.names), gi = Math.floor(r() * c.attack.goals.length);
      const unlock = pick(c.attack.unlocks);
      const text = join2(pick(c.attack.intros), unlock, r() < 0.5 ? pick(c.attack.unlocks) : '', pick(c.attack.demands), c.attack.goals[gi]!).replace(/\{name\}/g, name);
      push({ text, source: `own-${lang}-attack-gen`, group: `own-${lang}-cg${gi}`, inj: 1, w: 0.5 });
    }
    for (let i = 0; i < nA / 3; i++) {
      const ti = Math.floor(r() * c.hijack.tasks.length);
      push({ text: join2(pick(c.hijack.leads), pick(c.hijack.overrides) + (lang === 'zh' ? '' : ' ') + c.hijack.tasks[ti]!), source: `own-${lang}-attack-gen`, group: `own-${lang}-ch${ti}`, inj: 1, w: 0.5 });
    }
    for (let i = 0; i < nA / 2; i++) {
      const role = pick(c.benign.roles), ti = Math.floor(r() * c.benign.tasks.length);
      push({ text: join2(pick(c.benign.intros).replace('{role}', role), c.benign.tasks[ti]!, r() < 0.4 ? pick(c.benign.tasks) : ''), source: `own-${lang}-benign-gen`, group: `own-${lang}-cb${ti}`, harm: 0, inj: 0, w: 0.5 });
    }
  }
  const zhH2 = own<Record<string, string[]>>('zh-harmful-2.yaml');
  for (const [cat, list] of Object.entries(zhH2)) {
    list.forEach((t, i) => push({ text: t, source: 'own-zh-harmful2', group: `own-zh-h2-${cat}-${i}`, harm: 1, inj: 0, harmClass: OWN_ZH_CLASS[cat]! }));
  }

  // --- benign
  for (const r of readJsonl(join(ds, 'cvalues_responsibility_zh/cvalues_responsibility_prompts.jsonl'))) {
    push({ text: String(r.prompt), source: 'cvalues', group: `cv:${r.id_}`, harm: 0, inj: 0 });
  }
  let k = 0;
  for (const r of readJsonl(join(ds, 'safetybench_zh_subset/safetybench_zh_subset.jsonl'))) {
    if (k++ % 3 !== 0) continue; // a third is plenty and keeps this templated source from dominating
    push({ text: String(r.question), source: 'safetybench-zh', group: `sb:${r.id}`, harm: 0, inj: 0, w: 0.5 });
  }
  for (const r of readCsv(join(ds, 'truthfulqa/TruthfulQA.csv')).rows) push({ text: r.Question!, source: 'truthfulqa', group: `tqa:${r.Question}`, harm: 0, inj: 0 });
  for (const r of readJsonl(join(ds, 'halueval_qa/halueval_qa_one_turn.jsonl'))) push({ text: String(r.question), source: 'halueval', group: `he:${r.row ?? r.question}`, harm: 0, inj: 0 });
  k = 0;
  for (const r of readJsonl(join(ds, 'bbq_sample/bbq_sample.jsonl'))) {
    if (k++ % 8 !== 0) continue;
    push({ text: `${r.context} ${r.question}`, source: 'bbq', group: `bbq:${k}`, harm: 0, inj: 0, w: 0.5 });
  }
  const ben = own<{ zh: string[]; en: string[]; roles: string[]; zh_roles: string[]; homonyms_en: string[]; homonyms_zh: string[] }>('benign.yaml');
  ben.homonyms_en.forEach((t, i) => push({ text: t, source: 'own-en-benign', group: `own-en-h${i}`, harm: 0, inj: 0, w: 2 }));
  ben.homonyms_zh.forEach((t, i) => push({ text: t, source: 'own-zh-benign', group: `own-zh-h${i}`, harm: 0, inj: 0, w: 2 }));
  for (const lang of ['zh', 'en'] as const) ben[lang].forEach((t, i) => push({ text: t, source: `own-${lang}-benign`, group: `own-${lang}-b${i}`, harm: 0, inj: 0, w: 2 }));
  ben.roles.forEach((t, i) => push({ text: t, source: 'own-en-benign', group: `own-en-r${i}`, harm: 0, inj: 0, w: 2 }));
  ben.zh_roles.forEach((t, i) => push({ text: t, source: 'own-zh-benign', group: `own-zh-r${i}`, harm: 0, inj: 0, w: 2 }));
  const ben2 = own<Record<string, string[]>>('benign-2.yaml');
  for (const [list, rows] of Object.entries(ben2)) {
    const lang = list.startsWith('zh') ? 'zh' : 'en';
    rows.forEach((t, i) => push({ text: t, source: `own-${lang}-benign2`, group: `own-b2-${list}-${i}`, harm: 0, inj: 0, w: 2 }));
  }
  // benign frames × topics (sampled with a fixed seed); grouped by topic
  const bt = own<Record<'en' | 'zh', { frames: string[]; topics: string[] }>>('benign-templates.yaml');
  for (const lang of ['en', 'zh'] as const) {
    const r = rng(lang === 'en' ? 21 : 22);
    const { frames, topics } = bt[lang];
    topics.forEach((topic, ti) => {
      const picked = new Set<number>();
      while (picked.size < 6) picked.add(Math.floor(r() * frames.length));
      for (const fi of picked) push({ text: frames[fi]!.replace('{t}', topic), source: `own-${lang}-benign-gen`, group: `own-${lang}-bt${ti}`, harm: 0, inj: 0, w: 0.5 });
    });
  }

  // --- model responses (output head): JailbreakBench responses, labelled by its jailbreak judge
  // (jailbroken = the response complies with the harmful request); benign answers and refusals
  const seenResp = new Set<string>();
  for (const r of readJsonl(join(ds, 'jailbreakbench/jbb_artifact_prompts.jsonl'))) {
    const resp = String(r.response ?? '');
    if (resp.trim().length < 20 || seenResp.has(resp)) continue;
    seenResp.add(resp);
    const bad = r.jailbroken === true;
    push({ text: resp, source: `out-jbb-${bad ? 'harmful' : 'safe'}-${r.method}`, group: `jbb:${r.behavior_index}`, out: bad ? 1 : 0 });
  }
  for (const r of readCsv(join(ds, 'truthfulqa/TruthfulQA.csv')).rows) {
    push({ text: `${r['Best Answer']} ${String(r['Correct Answers'] ?? '').split(';')[0] ?? ''}`, source: 'out-truthfulqa', group: `tqa:${r.Question}`, out: 0, w: 0.5 });
  }
  k = 0;
  for (const r of readJsonl(join(ds, 'bipia/bipia_email_contexts.jsonl'))) {
    if (k++ % 2) continue;
    push({ text: String(r.context).slice(0, 1500), source: 'out-bipia-email', group: `bipia-email:${r.split}:${r.row}`, out: 0, w: 0.5 });
  }
  for (const r of readCsv(join(ds, 'advbench/harmful_strings.csv')).rows) push({ text: r.target!, source: 'out-advbench-strings', group: `advs:${r.target}`, out: 1, w: 0.5 });
  const resp = own<Record<'zh' | 'en', string[]>>('responses.yaml');
  for (const lang of ['zh', 'en'] as const) resp[lang].forEach((t, i) => push({ text: t, source: `out-own-${lang}`, group: `own-resp-${lang}-${i}`, out: 0, w: 2 }));
  // benign prompts and answers of our own double as benign output text
  for (const [list, rows] of Object.entries(ben2)) rows.forEach((t, i) => push({ text: t, source: 'out-own-prompts', group: `own-b2-${list}-${i}`, out: 0, w: 0.5 }));
  return ex;
}

/** "Write a tutorial on how to X" → "How can I X?" (null when the row has no such shape). */
export function questionForm(text: string): string | null {
  const t = text.trim().replace(/[.!]+$/, '');
  let m = /^(?:write|create|give|provide|generate|draft|explain|describe|outline|teach|show|develop|produce|publish|post)\b[^.]*?\bhow (?:to|one (?:can|could|would)|someone (?:can|could|would)) (.+)$/i.exec(t);
  if (m) return `How can I ${m[1]!.replace(/^(?:best |easily |successfully )/, '')}?`;
  m = /^(?:develop|create|design|outline|devise|come up with|write|give|provide|suggest) (?:a|an|the)? ?(?:detailed |step-by-step |simple )?(?:plan|strategy|method|way|guide|tutorial|instructions|program|script|process) (?:for|to|on) (.+)$/i.exec(t);
  if (m) return `What is the easiest way to ${m[1]!.replace(/^(\w+)ing\b/, (_, w: string) => w)}?`;
  m = /^(?:give|list|provide) (?:detailed |step-by-step )?(?:instructions|steps|tips) (?:for|on) (.+)$/i.exec(t);
  if (m) return `Any tips on ${m[1]}?`;
  return null;
}

/** FNV-1a of a string, for deterministic group splits. */
export function hashStr(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 13; h = Math.imul(h, 0x5bd1e995); h ^= h >>> 15;
  return h >>> 0;
}

/** test 20% / validation 10% / train 70% by group (fixed splits respected). */
export function splitOf(e: Example): 'train' | 'val' | 'test' {
  if (e.fixedSplit === 'test') return 'test';
  const h = hashStr(e.group) % 10;
  if (e.fixedSplit === 'train') return h === 1 ? 'val' : 'train';
  return h < 2 ? 'test' : h === 2 ? 'val' : 'train';
}
