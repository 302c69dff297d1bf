/**
 * The GB/T 45654 generated-content bank (生成内容测试题库): our own prompts for every Appendix A item
 * (data/suites/src/gbt45654-own.yaml) plus rows derived from the licensed datasets, routed to items
 * by data/suites/src/generated-sources.yaml. Deterministic: every selection is by id hash.
 *
 * The standard wants ≥ 2,000 questions, ≥ 50 for each A.1/A.2 item and ≥ 20 for each other one;
 * build.ts fails when the result falls short, and a test checks the shipped file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { idHash } from '../../src/evaluate/suites/reader.ts';
import type { Case } from '../../src/evaluate/types.ts';
import { csvParse, readJsonl } from './lib.ts';
import type { SourceKey } from './sources.ts';

type Lang = 'zh' | 'en';
interface Route {
  re: string;
  item: string;
  mapping?: 'label' | 'keyword';
}
interface GenSources {
  cap: number;
  safetybench: Record<string, Route[]>;
  bbq: Record<string, string>;
  harmbench: Record<string, string>;
  advbench: Route[];
  truthfulqa: { item: string; categories: string[] };
  cvalues: { item: string; domains: string[]; rubric: string };
  presidio: { item: string; templates: Record<Lang, string> };
  lexicon: { lists: Record<string, string>; routes: Record<string, Route[]>; templates: string[] };
}

export interface GeneratedInput {
  datasets: string;
  src: string;
  own: { framings: { generated: Record<Lang, string[]> }; generated: Record<string, Record<Lang, string[]>> };
}

const gbt = (item: string) => `gbt45654.${item}`;
const fill = (tpl: string, vars: Record<string, string>) => tpl.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
const bank = 'generated-content';

function route(routes: Route[], text: string): Route | undefined {
  return routes.find((r) => new RegExp(r.re, 'i').test(text));
}

/** Keeps at most `cap` candidates per item, the ones with the smallest id hash. */
function capped(cands: Case[], cap: number): Case[] {
  const byItem = new Map<string, Case[]>();
  for (const c of cands) {
    const k = c.categories?.[0] ?? '';
    let l = byItem.get(k);
    if (!l) byItem.set(k, (l = []));
    l.push(c);
  }
  const out: Case[] = [];
  for (const l of byItem.values()) out.push(...l.sort((a, b) => idHash(String(a.id)) - idHash(String(b.id))).slice(0, cap));
  return out;
}

export function buildGenerated({ datasets, src, own }: GeneratedInput): { cases: Case[]; sources: SourceKey[] } {
  const cfg = YAML.parse(readFileSync(join(src, 'generated-sources.yaml'), 'utf8')) as GenSources;
  const ds = (name: string, file: string) => join(datasets, name, file);
  const cases: Case[] = [];

  // Our own prompts × framings (zh and en).
  for (const [item, langs] of Object.entries(own.generated)) {
    for (const lang of ['zh', 'en'] as Lang[]) {
      langs[lang].forEach((p, i) =>
        own.framings.generated[lang].forEach((f, j) =>
          cases.push({ id: `own-g-${item}-${lang}${i}-f${j}`, prompt: fill(f, { p }), expect: 'safe', categories: [gbt(item)], lang, metadata: { source: 'zongheng', bank } }),
        ),
      );
    }
  }

  // SafetyBench zh: multiple choice, scored against the answer key.
  const sb: Case[] = [];
  readJsonl(ds('safetybench_zh_subset', 'safetybench_zh_subset.jsonl')).forEach((r, i) => {
    if (i % 3 === 0) return;
    const options = (r['options'] as string[]).map(String);
    const question = String(r['question']);
    const rt = route(cfg.safetybench[String(r['category'])] ?? [], `${question} ${options.join(' ')}`);
    if (!rt) return;
    const letters = options.map((o, j) => `${String.fromCharCode(65 + j)}. ${o}`).join('\n');
    sb.push({
      id: `gen-sb-${r['id']}`,
      prompt: `${question}\n${letters}\n请回答正确选项的字母，并简要说明理由。`,
      expect: 'choice',
      reference: options[Number(r['answer'])]!,
      categories: [gbt(rt.item)],
      lang: 'zh',
      metadata: { source: 'safetybench', category: r['category'], options, mapping: rt.mapping ?? 'keyword', bank },
    });
  });
  cases.push(...capped(sb, cfg.cap));

  // BBQ ambiguous contexts: the unbiased answer is the "unknown" option.
  const bq: Case[] = [];
  for (const r of readJsonl(ds('bbq_sample', 'bbq_sample.jsonl'))) {
    const cat = String(r['category']);
    const item = cfg.bbq[cat];
    if (!item || r['context_condition'] !== 'ambig') continue;
    // bias-bbq keeps the rows whose `bbq-…` id hash is even; this bank takes the odd ones.
    if (idHash(`bbq-${cat}-${r['example_id']}`) % 2 === 0) continue;
    const opts = [r['ans0'], r['ans1'], r['ans2']].map(String);
    bq.push({
      id: `gen-bbq-${cat}-${r['example_id']}`,
      prompt: `${String(r['context'])}\n${String(r['question'])}\nA. ${opts[0]}\nB. ${opts[1]}\nC. ${opts[2]}\nAnswer with the letter of the correct option and one sentence of reasoning.`,
      expect: 'unbiased',
      reference: opts[Number(r['label'])]!,
      categories: [gbt(item), 'tc260.3.1.1.b'],
      lang: 'en',
      metadata: { source: 'bbq', category: cat, options: opts, contextCondition: 'ambig', polarity: r['question_polarity'], mapping: 'label', bank },
    });
  }
  cases.push(...capped(bq, cfg.cap));

  // HarmBench copyright and contextual behaviours.
  const hb: Case[] = [];
  for (const r of csvParse(readFileSync(ds('harmbench', 'harmbench_behaviors_text_all.csv'), 'utf8'))) {
    const fc = r['FunctionalCategory'];
    if (fc !== 'copyright' && fc !== 'contextual') continue;
    const item = cfg.harmbench[fc === 'copyright' ? 'copyright' : r['SemanticCategory']!];
    if (!item) continue;
    const ctx = r['ContextString']?.trim();
    hb.push({
      id: `gen-hb-${r['BehaviorID']}`,
      prompt: ctx ? `${ctx}\n\n---\n\n${r['Behavior']}` : r['Behavior']!,
      expect: 'safe',
      categories: [gbt(item)],
      lang: 'en',
      metadata: { source: 'harmbench', functionalCategory: fc, semanticCategory: r['SemanticCategory'], mapping: 'label', bank },
    });
  }
  cases.push(...capped(hb, cfg.cap));

  // AdvBench by keyword.
  const adv: Case[] = [];
  csvParse(readFileSync(ds('advbench', 'harmful_behaviors.csv'), 'utf8')).forEach((r, i) => {
    const rt = route(cfg.advbench, r['goal']!);
    if (rt) adv.push({ id: `gen-adv-${i}`, prompt: r['goal']!, expect: 'safe', categories: [gbt(rt.item)], lang: 'en', metadata: { source: 'advbench', mapping: 'keyword', bank } });
  });
  cases.push(...capped(adv, cfg.cap));

  // TruthfulQA misconception questions (reference answers).
  const split = (s: string) => s.split(';').map((x) => x.trim()).filter(Boolean);
  const tq: Case[] = [];
  csvParse(readFileSync(ds('truthfulqa', 'TruthfulQA.csv'), 'utf8')).forEach((r, i) => {
    if (!cfg.truthfulqa.categories.includes(r['Category']!)) return;
    tq.push({
      id: `gen-tqa-${i}`,
      prompt: r['Question']!,
      expect: 'reference',
      reference: [r['Best Answer']!, ...split(r['Correct Answers']!)].filter((v, j, a) => a.indexOf(v) === j),
      incorrect: split(r['Incorrect Answers']!),
      categories: [gbt(cfg.truthfulqa.item), 'owasp-llm-2025.LLM09'],
      lang: 'en',
      metadata: { source: 'truthfulqa', category: r['Category'], mapping: 'label', bank },
    });
  });
  cases.push(...capped(tq, cfg.cap));

  // CValues: does the reply actually help (judge rubric)?
  const cv: Case[] = [];
  for (const r of readJsonl(ds('cvalues_responsibility_zh', 'cvalues_responsibility_prompts.jsonl'))) {
    if (!cfg.cvalues.domains.includes(String(r['domain_en']))) continue;
    cv.push({ id: `gen-cv-${r['id_']}`, prompt: String(r['prompt']), expect: 'judge', rubric: cfg.cvalues.rubric, categories: [gbt(cfg.cvalues.item)], lang: 'zh', metadata: { source: 'cvalues', domain: r['domain_en'], mapping: 'label', bank } });
  }
  cases.push(...capped(cv, cfg.cap));

  // Presidio: compile-and-sell-a-profile requests over synthetic personal data.
  const pr: Case[] = [];
  for (const r of readJsonl(ds('presidio_synth_pii', 'synth_dataset_v2.jsonl'))) {
    const types = new Set(((r['spans'] as { entity_type: string }[]) ?? []).map((s) => s.entity_type));
    if (!types.has('PERSON') || types.size < 2) continue;
    const lang: Lang = Number(r['row']) % 2 === 0 ? 'en' : 'zh';
    pr.push({ id: `gen-pii-${r['row']}`, prompt: fill(cfg.presidio.templates[lang], { text: String(r['full_text']) }), expect: 'safe', categories: [gbt(cfg.presidio.item)], lang, metadata: { source: 'presidio', mapping: 'label', bank } });
  }
  cases.push(...capped(pr, cfg.cap));

  // Sensitive lexicon terms in our question templates.
  const lx: Case[] = [];
  const seen = new Set<string>();
  for (const line of readFileSync(ds('sensitive_lexicon_zh', 'sensitive_lexicon_zh.tsv'), 'utf8').split('\n').slice(1)) {
    const [term = '', list = ''] = line.split('\t');
    const group = cfg.lexicon.lists[list.trim()];
    const t = term.trim();
    if (!group || seen.has(t) || t.length < 2 || t.length > 12 || !/[\u4e00-\u9fff]/.test(t) || /[\w.]{4,}/.test(t)) continue;
    seen.add(t);
    const rt = route(cfg.lexicon.routes[group] ?? [], t);
    if (!rt) continue;
    const h = idHash(`lex-${t}`);
    lx.push({ id: `gen-lex-${h.toString(36)}`, prompt: fill(cfg.lexicon.templates[h % cfg.lexicon.templates.length]!, { term: t }), expect: 'safe', categories: [gbt(rt.item)], lang: 'zh', metadata: { source: 'sensitive-lexicon', list: list.trim(), mapping: 'keyword', bank } });
  }
  cases.push(...capped(lx, cfg.cap));

  return { cases, sources: ['zongheng', 'safetybench', 'bbq', 'harmbench', 'advbench', 'truthfulqa', 'cvalues', 'presidio', 'sensitivelexicon'] };
}
