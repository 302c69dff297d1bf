// Shapes of the gateway management API (src/server/routes/guard.ts). Only what the console reads.
import type { Bilingual } from '../../i18n/index.tsx';

export interface ScannerInfo {
  type: string;
  name: string;
  action: string;
}
export interface PolicyInfo {
  name: string;
  source: 'builtin' | 'config' | 'api' | string;
  revision: number;
  digest: string;
  loadedAt: string;
  file?: string;
  description: string | null;
  input: ScannerInfo[];
  output: ScannerInfo[];
  tools: { default: string; rules: number } | null;
  piiMasking: boolean;
  gateway: { onBlock: string; label: { enabled: boolean; text: string; position: string }; logContent: boolean; streamOverlap: number };
  yaml?: string;
}
export interface PolicyRevision {
  revision: number;
  action: string;
  at: string;
  actor: string;
  yaml: string | null;
}
export interface Validation {
  valid: boolean;
  name?: string;
  issues: { field: string; message: string }[];
}
export interface Circuit {
  state: string;
  consecutiveFailures: number;
  opens: number;
  openedAt: string | null;
}
export interface UpstreamInfo {
  name: string;
  source: 'config' | 'api' | string;
  type: string;
  baseUrl: string;
  apiKeyEnv?: string;
  apiKeySet: boolean;
  timeoutMs: number;
  models?: string[];
  circuit: Circuit | null;
}
export interface AppKey {
  id: string;
  prefix: string;
  systemId: string;
  policy: string;
  upstream: string;
  rpm: number;
  label: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
export interface Confirmation {
  id: string;
  status: string;
  keyId: string;
  systemId: string;
  requestId: string;
  toolName: string;
  arguments: string | null;
  rule: string;
  reason: Bilingual;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
}
export interface Decision {
  id: string;
  at: string;
  requestId: string;
  keyId: string | null;
  systemId: string | null;
  policy: string | null;
  upstream: string | null;
  direction: 'input' | 'output' | 'tool';
  action: string;
  categories: string[];
  scanners: { name: string; action: string; ms: number }[];
  guardMs: number | null;
  upstreamMs: number | null;
  content: string | null;
}
export interface SystemStats {
  systemId: string | null;
  requests: number;
  inputBlocked: number;
  outputBlocked: number;
  masked: number;
  flagged: number;
  toolDenied: number;
  toolConfirm: number;
  guardMsAvg: number;
  upstreamMsAvg: number | null;
  blocksByCategory: Record<string, number>;
  blockRate: number;
}
export interface GatewayStats {
  since: string;
  systems: SystemStats[];
  decisionLog: { recorded: number; written: number; spilled: number; replayed: number; failures: number; pending: number; storeDown: boolean; spillFiles: number };
  upstreams: { name: string; type: string; circuit: Circuit | null }[];
}

/** Blocks per category across systems, as a share of all requests, highest first. */
export function categoryRates(stats: SystemStats[]): { category: string; blocks: number; rate: number }[] {
  const requests = stats.reduce((a, s) => a + s.requests, 0);
  const blocks = new Map<string, number>();
  for (const s of stats) for (const [c, n] of Object.entries(s.blocksByCategory)) blocks.set(c, (blocks.get(c) ?? 0) + n);
  return [...blocks].map(([category, n]) => ({ category, blocks: n, rate: requests ? n / requests : 0 })).sort((a, b) => b.blocks - a.blocks);
}
