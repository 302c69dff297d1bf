// Ids on the request path. ulid draws fresh randomness for every id (crypto.randomFillSync per
// character), which showed up at ~5% of gateway CPU; here each process draws 48 random bits once
// and appends a counter: unique across processes and restarts, roughly time-ordered, and cheap.
import { randomBytes } from 'node:crypto';

const PROC = randomBytes(6).toString('hex');
let counter = 0;
let lastMs = 0;

export function fastId(prefix: string): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    counter = 0;
  }
  // 9 base-36 digits of milliseconds sort correctly until the year 5188.
  return `${prefix}_${now.toString(36).padStart(9, '0')}${PROC}${(counter++).toString(36).padStart(4, '0')}`;
}
