import { z } from 'zod';

/** Bilingual text: every user-facing name in Zongheng carries both Simplified Chinese and English. */
export const BilingualSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
export type Bilingual = z.infer<typeof BilingualSchema>;

export type Locale = 'zh' | 'en';

export function pick(text: Bilingual, locale: Locale): string {
  return text[locale];
}

export function bi(zh: string, en: string): Bilingual {
  return { zh, en };
}
