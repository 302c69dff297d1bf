// Tool calls the agent tier says need confirmation are held: a pending confirmation is stored,
// and the request waits (up to holdMs) for a person to approve or deny it through the API. If no
// one decides in time, the client is told the call is pending (with its id); an approval that
// arrives later lets the same call (same key, tool and arguments) through once on a retry.
import { createHash } from 'node:crypto';
import { conflict, notFound } from '../core/errors.ts';
import { fastId } from './ids.ts';
import type { ConfirmationRecord, ConfirmationStatus, GatewayRepo } from '../store/index.ts';


export type HoldOutcome = { status: 'approved' | 'denied' | 'expired' | 'pending'; id: string };

export interface ConfirmationOptions {
  holdMs: number;
  expiryMs: number;
  /** Poll the store while holding (another instance may take the decision). */
  pollMs?: number;
}

export function argsDigest(name: string, args: string): string {
  return createHash('sha256').update(name).update('\0').update(args).digest('hex');
}

export class Confirmations {
  private waiters = new Map<string, Set<(s: ConfirmationStatus) => void>>();
  constructor(private readonly repo: () => GatewayRepo, private readonly opts: ConfirmationOptions) {}

  /**
   * Holds one tool call. Resolves with `approved` (release it), `denied`/`expired` (drop it) or
   * `pending` (hold time over; the client may retry after approval).
   */
  async hold(c: { keyId: string; systemId: string; requestId: string; toolName: string; arguments: string; rule: string; reason: { zh: string; en: string }; keepArguments: boolean; holdMs?: number }): Promise<HoldOutcome> {
    const digest = argsDigest(c.toolName, c.arguments);
    const repo = this.repo();
    const approved = await repo.findApproved(c.keyId, c.toolName, digest);
    if (approved && (await repo.transitionConfirmation(approved.id, ['approved'], 'consumed', null, null))) return { status: 'approved', id: approved.id };
    const now = Date.now();
    const rec: ConfirmationRecord = {
      id: fastId('cfm'), status: 'pending', keyId: c.keyId, systemId: c.systemId, requestId: c.requestId, toolName: c.toolName,
      argumentsSha256: digest, arguments: c.keepArguments ? c.arguments.slice(0, 20_000) : null, rule: c.rule, reason: c.reason,
      createdAt: new Date(now).toISOString(), expiresAt: new Date(now + this.opts.expiryMs).toISOString(), decidedAt: null, decidedBy: null, note: null,
    };
    await repo.insertConfirmation(rec);
    const holdMs = Math.min(c.holdMs ?? this.opts.holdMs, this.opts.expiryMs);
    const status = await this.wait(rec.id, holdMs);
    if (status === 'approved') {
      await repo.transitionConfirmation(rec.id, ['approved'], 'consumed', null, null);
      return { status: 'approved', id: rec.id };
    }
    if (status === 'denied' || status === 'expired') return { status, id: rec.id };
    return { status: 'pending', id: rec.id };
  }

  private wait(id: string, ms: number): Promise<ConfirmationStatus> {
    if (ms <= 0) return Promise.resolve('pending');
    return new Promise((resolve) => {
      let done = false;
      const finish = (s: ConfirmationStatus) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.get(id)?.delete(finish);
        if (this.waiters.get(id)?.size === 0) this.waiters.delete(id);
        resolve(s);
      };
      if (!this.waiters.has(id)) this.waiters.set(id, new Set());
      this.waiters.get(id)!.add(finish);
      const timer = setTimeout(() => finish('pending'), ms);
      const poll = setInterval(() => {
        void this.repo().getConfirmation(id).then((r) => {
          if (r && r.status !== 'pending') finish(r.status);
        }, () => undefined);
      }, this.opts.pollMs ?? 1000);
    });
  }

  /** Approve or deny a pending confirmation (409 when it was already decided or has expired). */
  async decide(id: string, decision: 'approve' | 'deny', by: string, note?: string): Promise<ConfirmationRecord> {
    const repo = this.repo();
    const cur = await repo.getConfirmation(id);
    if (!cur) throw notFound('confirmation', id);
    if (cur.status === 'pending' && new Date(cur.expiresAt).getTime() <= Date.now()) {
      await repo.transitionConfirmation(id, ['pending'], 'expired', null, null);
      this.notify(id, 'expired');
      throw conflict(`confirmation ${id} expired at ${cur.expiresAt}`);
    }
    const to: ConfirmationStatus = decision === 'approve' ? 'approved' : 'denied';
    const rec = await repo.transitionConfirmation(id, ['pending'], to, by, note ?? null);
    if (!rec) throw conflict(`confirmation ${id} is ${cur.status}, not pending`);
    this.notify(id, to);
    return rec;
  }

  private notify(id: string, s: ConfirmationStatus): void {
    for (const w of [...(this.waiters.get(id) ?? [])]) w(s);
  }

  async expire(): Promise<number> {
    return this.repo().expireConfirmations();
  }
}
