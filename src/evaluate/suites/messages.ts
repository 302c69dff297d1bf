import type { Case, Message } from '../types.ts';

/** The conversation a case sends: its messages (or prompt), with the case's system prompt first. */
export function caseMessages(c: Case): Message[] {
  const msgs: Message[] = c.messages ? c.messages.map((m) => ({ ...m })) : [{ role: 'user', content: c.prompt ?? '' }];
  if (c.system && !msgs.some((m) => m.role === 'system')) msgs.unshift({ role: 'system', content: c.system });
  return msgs;
}

/** The text of the last user message (what most transforms rewrite). */
export function lastUserText(c: Case): string {
  if (c.messages) {
    for (let i = c.messages.length - 1; i >= 0; i--) if (c.messages[i]!.role === 'user') return c.messages[i]!.content;
    return '';
  }
  return c.prompt ?? '';
}
