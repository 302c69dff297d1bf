// Per-system aggregates kept in memory for the periodic guardrail evidence (and live stats).
// The evidence summary names the controls an active policy puts in place: tc260.4.2.1.a
// (input/output filtering) and, when the policy masks PII, tc260.4.2.1.b.

export interface SystemWindow {
  systemId: string;
  since: string;
  requests: number;
  inputBlocked: number;
  outputBlocked: number;
  masked: number;
  piiMasked: number;
  flagged: number;
  toolDenied: number;
  confirmations: number;
  upstreamErrors: number;
  blocksByCategory: Record<string, number>;
  policies: Set<string>;
  piiPolicy: boolean;
}

const PII_CATEGORIES = new Set(['gbt45654.A.4.f', 'owasp-llm-2025.LLM02']);

function blank(systemId: string): SystemWindow {
  return {
    systemId, since: new Date().toISOString(), requests: 0, inputBlocked: 0, outputBlocked: 0, masked: 0, piiMasked: 0, flagged: 0,
    toolDenied: 0, confirmations: 0, upstreamErrors: 0, blocksByCategory: {}, policies: new Set(), piiPolicy: false,
  };
}

export class SystemStats {
  private windows = new Map<string, SystemWindow>();
  /** Since this process started (never reset): for GET /api/gateway/stats. */
  private totals = new Map<string, SystemWindow>();

  private each(systemId: string, fn: (w: SystemWindow) => void): void {
    for (const m of [this.windows, this.totals]) {
      let w = m.get(systemId);
      if (!w) m.set(systemId, (w = blank(systemId)));
      fn(w);
    }
  }

  request(systemId: string, policy: string, piiPolicy: boolean): void {
    this.each(systemId, (w) => {
      w.requests++;
      w.policies.add(policy);
      if (piiPolicy) w.piiPolicy = true;
    });
  }

  decision(systemId: string, direction: 'input' | 'output' | 'tool', action: string, categories: string[]): void {
    this.each(systemId, (w) => {
      if (action === 'block') {
        if (direction === 'input') w.inputBlocked++;
        else if (direction === 'output') w.outputBlocked++;
        else w.toolDenied++;
        for (const c of categories) w.blocksByCategory[c] = (w.blocksByCategory[c] ?? 0) + 1;
      } else if (action === 'mask') {
        w.masked++;
        if (categories.some((c) => PII_CATEGORIES.has(c))) w.piiMasked++;
      } else if (action === 'flag') w.flagged++;
      else if (action === 'confirm') w.confirmations++;
    });
  }

  upstreamError(systemId: string): void {
    this.each(systemId, (w) => w.upstreamErrors++);
  }

  /** Takes the current windows (resetting them) for evidence. */
  drain(): SystemWindow[] {
    const out = [...this.windows.values()].filter((w) => w.requests > 0);
    this.windows.clear();
    return out;
  }

  /** Puts a drained window back (evidence could not be recorded). */
  restore(w: SystemWindow): void {
    const cur = this.windows.get(w.systemId);
    if (!cur) {
      this.windows.set(w.systemId, w);
      return;
    }
    for (const k of ['requests', 'inputBlocked', 'outputBlocked', 'masked', 'piiMasked', 'flagged', 'toolDenied', 'confirmations', 'upstreamErrors'] as const) cur[k] += w[k];
    for (const [c, n] of Object.entries(w.blocksByCategory)) cur.blocksByCategory[c] = (cur.blocksByCategory[c] ?? 0) + n;
    for (const p of w.policies) cur.policies.add(p);
    cur.piiPolicy ||= w.piiPolicy;
    cur.since = w.since < cur.since ? w.since : cur.since;
  }

  live(): Record<string, unknown>[] {
    return [...this.totals.values()].map((w) => ({ ...w, policies: [...w.policies], blockRate: w.requests ? (w.inputBlocked + w.outputBlocked) / w.requests : 0 }));
  }
}

/** The evidence input for one drained window. */
export function evidenceFor(w: SystemWindow, until: string): Record<string, unknown> {
  const metrics: Record<string, number> = {
    requests: w.requests,
    blocked: w.inputBlocked + w.outputBlocked,
    input_blocked: w.inputBlocked,
    output_blocked: w.outputBlocked,
    masked: w.masked,
    pii_masked: w.piiMasked,
    flagged: w.flagged,
    tool_calls_denied: w.toolDenied,
    confirmations: w.confirmations,
    upstream_errors: w.upstreamErrors,
    block_rate: w.requests ? (w.inputBlocked + w.outputBlocked) / w.requests : 0,
  };
  const top = Object.entries(w.blocksByCategory).sort((a, b) => b[1] - a[1]).slice(0, 60);
  for (const [c, n] of top) metrics[`blocked:${c}`.slice(0, 80)] = n;
  const controls = ['tc260.4.2.1.a', ...(w.piiPolicy ? ['tc260.4.2.1.b'] : [])];
  return {
    kind: 'guardrail',
    producer: 'gateway',
    systemId: w.systemId,
    subject: `gateway policies ${[...w.policies].sort().join(', ')} from ${w.since} to ${until}`.slice(0, 500),
    producedAt: until,
    summary: { categories: [], findings: [], metrics, controlsImplemented: controls, controlsVerified: [] },
  };
}
