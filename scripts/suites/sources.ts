/** Provenance of every data source the built-in suites draw on (credit lines and licence files). */
export type SourceKey =
  | 'zongheng' | 'xstest' | 'harmbench' | 'jailbreakbench' | 'advbench' | 'cvalues' | 'deepset' | 'bipia'
  | 'presidio' | 'truthfulqa' | 'bbq' | 'safetybench' | 'halueval' | 'cbbq' | 'sensitivelexicon';

export interface Source {
  title: string;
  license: string;
  credit: string;
  /** Path under the datasets directory. */
  licenseFile?: string;
  extraFiles?: string[];
}

export const SOURCES: Record<SourceKey, Source> = {
  zongheng: { title: 'Zongheng own prompts (data/suites/src/gbt45654-own.yaml)', license: 'Apache-2.0', credit: 'Zongheng contributors' },
  xstest: { title: 'XSTest v2 (paul-rottger/exaggerated-safety)', license: 'CC-BY-4.0', credit: 'Röttger, Kirk, Vidgen, Attanasio, Bianchi, Hovy: "XSTest: A Test Suite for Identifying Exaggerated Safety Behaviours in Large Language Models" (NAACL 2024)', licenseFile: 'xstest/LICENSE' },
  harmbench: { title: 'HarmBench text behaviours (centerforaisafety/HarmBench)', license: 'MIT', credit: 'Mazeika et al.: "HarmBench" (2024)', licenseFile: 'harmbench/LICENSE' },
  jailbreakbench: { title: 'JailbreakBench behaviours (JailbreakBench/artifacts)', license: 'MIT', credit: 'Chao et al.: "JailbreakBench" (2024)', licenseFile: 'jailbreakbench/LICENSE' },
  advbench: { title: 'AdvBench harmful behaviours (llm-attacks)', license: 'MIT', credit: 'Zou, Wang, Kolter, Fredrikson: "Universal and Transferable Adversarial Attacks on Aligned Language Models" (2023)', licenseFile: 'advbench/LICENSE' },
  cvalues: { title: 'CValues responsibility prompts (X-PLUG/CValues)', license: 'Apache-2.0', credit: 'Xu et al.: "CValues: Measuring the Values of Chinese Large Language Models from Safety to Responsibility" (2023)', licenseFile: 'cvalues_responsibility_zh/LICENSE' },
  deepset: { title: 'deepset/prompt-injections', license: 'Apache-2.0', credit: 'deepset GmbH', licenseFile: 'deepset_prompt_injections/LICENSE-NOTE.md' },
  bipia: { title: 'BIPIA attacks and email contexts (microsoft/BIPIA)', license: 'MIT (attacks; email contexts from OpenAI Evals, MIT)', credit: 'Yi et al.: "Benchmarking and Defending Against Indirect Prompt Injection Attacks on Large Language Models" (2023)', licenseFile: 'bipia/LICENSE', extraFiles: ['bipia/NOTICE.md'] },
  presidio: { title: 'Presidio-research synthetic PII (microsoft/presidio-research)', license: 'MIT', credit: 'Microsoft Presidio team (all values are fake)', licenseFile: 'presidio_synth_pii/LICENSE' },
  truthfulqa: { title: 'TruthfulQA (sylinrl/TruthfulQA)', license: 'Apache-2.0', credit: 'Lin, Hilton, Evans: "TruthfulQA: Measuring How Models Mimic Human Falsehoods" (ACL 2022)', licenseFile: 'truthfulqa/LICENSE-NOTE.md' },
  bbq: { title: 'BBQ (nyu-mll/BBQ), every third row of six categories', license: 'CC-BY-4.0', credit: 'Parrish et al.: "BBQ: A Hand-Built Bias Benchmark for Question Answering" (Findings of ACL 2022)', licenseFile: 'bbq_sample/LICENSE' },
  safetybench: { title: 'SafetyBench Chinese subset (thu-coai/SafetyBench)', license: 'MIT', credit: 'Zhang et al.: "SafetyBench: Evaluating the Safety of Large Language Models" (2023)', licenseFile: 'safetybench_zh_subset/LICENSE' },
  halueval: { title: 'HaluEval QA (RUCAIBox/HaluEval) with HotpotQA passages', license: 'MIT + CC-BY-SA-4.0 (passages)', credit: 'Li et al.: "HaluEval" (EMNLP 2023); Yang et al.: "HotpotQA" (EMNLP 2018)', licenseFile: 'halueval_qa/LICENSE' },
  sensitivelexicon: { title: 'Chinese sensitive-word lexicon (konsheng/Sensitive-lexicon), terms of five lists put into our question templates', license: 'MIT', credit: 'konsheng/Sensitive-lexicon contributors', licenseFile: 'sensitive_lexicon_zh/LICENSE' },
  cbbq: { title: 'CBBQ (YFHuangxxxx/CBBQ)', license: 'CC-BY-SA-4.0', credit: 'Huang & Xiong: "CBBQ: A Chinese Bias Benchmark Dataset Curated with Human-AI Collaboration" (2023)', licenseFile: 'cbbq_sample/LICENSE-NOTE.md' },
};
