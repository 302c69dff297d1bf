import { useEffect, useRef, useState } from 'react';
import { Badge, Card, DateText, ErrorBox, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { api, ApiError } from '../../lib/api.ts';
import { useApi } from '../../lib/data.tsx';
import { Link, useRouter } from '../../lib/router.tsx';
import { GatewayHeader } from './GatewayTabs.tsx';
import type { PolicyInfo, PolicyRevision, Validation } from './types.ts';

const TEMPLATE = `name: my-policy
version: 1
description: Blocks prompt injection, masks personal data
blockReply: { zh: '抱歉，该请求无法处理。', en: "Sorry, this request can't be processed." }
input:
  - { type: keyword, name: injection, action: block, terms: [{ term: ignore all previous instructions, categories: [owasp-llm-2025.LLM01] }] }
  - { type: pii, action: mask, entities: [phone, email, cn_id] }
output:
  - { type: pii, action: mask, entities: [phone, email] }
gateway: { onBlock: reply, label: { enabled: true }, logContent: false }
`;

interface Issue {
  field: string;
  message: string;
  line?: number | undefined;
}

/** Field path → line in the text (the yaml parser is loaded with this page only). */
async function withLines(text: string, issues: { field: string; message: string }[]): Promise<Issue[]> {
  const { linesFor } = await import('../../lib/yamlLines.ts');
  const lines = linesFor(text, issues.map((i) => i.field));
  return issues.map((i, n) => ({ ...i, line: lines[n] ?? (/at line (\d+)/.exec(i.message) ? Number(/at line (\d+)/.exec(i.message)![1]) : undefined) }));
}

export function PolicyEditor({ name }: { name?: string }) {
  const { search } = useRouter();
  const from = name ?? search.get('from') ?? undefined;
  const policy = useApi((s) => (from ? api.get<PolicyInfo>(`/api/gateway/policies/${encodeURIComponent(from)}`, {}, s) : Promise.resolve(null)), [from]);
  if (policy.error) return <ErrorBox error={policy.error} onRetry={policy.reload} />;
  if (from && !policy.data) return <Loading />;
  const p = policy.data ?? null;
  // "Copy to a new policy": the same YAML under a new name.
  const initial = name ? p?.yaml ?? '' : p ? (p.yaml ?? '').replace(/^name:\s*.*$/m, `name: ${p.name}-copy`) : TEMPLATE;
  return <EditorInner key={`${name ?? 'new'}|${from ?? ''}`} policy={name ? p : null} initial={initial} />;
}

function EditorInner({ policy, initial }: { policy: PolicyInfo | null; initial: string }) {
  const { t, e } = useI18n();
  const { navigate, search } = useRouter();
  const [text, setText] = useState(initial);
  const savedRev = search.get('saved');
  const [check, setCheck] = useState<{ text: string; valid: boolean; issues: Issue[] } | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const readOnly = policy !== null && policy.source !== 'api';
  const history = useApi((s) => (policy?.source === 'api' ? api.get<{ items: PolicyRevision[] }>(`/api/gateway/policies/${encodeURIComponent(policy.name)}/history`, {}, s) : Promise.resolve({ items: [] })), [policy?.name, saved]);

  // Validate on the server while typing (after a short pause): the same checks as saving.
  useEffect(() => {
    const ac = new AbortController();
    const h = setTimeout(async () => {
      try {
        const r = await api.post<Validation>('/api/gateway/policies/validate', { yaml: text || ' ' });
        if (ac.signal.aborted) return;
        setCheck({ text, valid: r.valid, issues: await withLines(text, r.issues) });
        setCheckError(null);
      } catch (err) {
        if (!ac.signal.aborted) setCheckError(err);
      }
    }, 400);
    return () => {
      clearTimeout(h);
      ac.abort();
    };
  }, [text]);

  function goToLine(line: number) {
    const el = area.current;
    if (!el) return;
    const lines = el.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lh = parseFloat(getComputedStyle(el).lineHeight) || 20;
    el.scrollTop = Math.max(0, (line - 3) * lh);
  }

  async function save() {
    setBusy(true);
    setSaveError(null);
    setSaved(null);
    try {
      const r = policy ? await api.put<PolicyInfo>(`/api/gateway/policies/${encodeURIComponent(policy.name)}`, { yaml: text }) : await api.post<PolicyInfo>('/api/gateway/policies', { yaml: text });
      // A new policy moves to its own URL (a new editor): the notice travels in the query.
      if (!policy) navigate(`/gateway/policies/${encodeURIComponent(r.name)}?saved=${r.revision}`, { replace: true });
      else setSaved(t('gw.pol.saved', { name: r.name, n: r.revision }));
    } catch (err) {
      setSaveError(err);
      if (err instanceof ApiError && err.issues.length) {
        const issues = err.issues.map((i) => ({ field: i.field.replace(/^yaml\.?/, ''), message: i.message }));
        setCheck({ text, valid: false, issues: await withLines(text, issues) });
      }
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!policy || !window.confirm(t('gw.pol.deleteConfirm', { name: policy.name }))) return;
    try {
      await api.del(`/api/gateway/policies/${encodeURIComponent(policy.name)}`);
      navigate('/gateway/policies');
    } catch (err) {
      setSaveError(err);
    }
  }

  const current = check && check.text === text ? check : null;
  const lineCount = text.split('\n').length;
  const badLines = new Set(current?.issues.map((i) => i.line).filter(Boolean));
  return (
    <>
      <GatewayHeader
        title={policy ? t('gw.pol.editTitle', { name: policy.name }) : t('gw.pol.new')}
        actions={
          policy && (
            <Link className="button" to={`/gateway/policies/new?from=${encodeURIComponent(policy.name)}`}>
              {t('gw.pol.copy')}
            </Link>
          )
        }
      >
        {policy && (
          <p className="subtitle">
            <Badge group="policySource" value={policy.source} /> {t('gw.pol.revisionN', { n: policy.revision })} · <code>{policy.digest.slice(0, 12)}</code>
            {policy.file && (
              <>
                {' '}
                · <code>{policy.file}</code>
              </>
            )}
          </p>
        )}
      </GatewayHeader>
      {readOnly && <div className="alert warn">{t('gw.pol.readOnly', { source: e('policySource', policy!.source) })}</div>}
      {(saved ?? (policy && savedRev)) && <Notice>{saved ?? t('gw.pol.saved', { name: policy!.name, n: savedRev! })}</Notice>}
      {saveError != null && <ErrorBox error={saveError} />}
      <div className="editor-layout">
        <div className="editor" data-testid="policy-editor">
          <label htmlFor="policy-yaml">{t('gw.pol.yaml')}</label>
          <div className="editor-box">
            <div className="gutter" aria-hidden="true">
              {Array.from({ length: lineCount }, (_, i) => (
                <span key={i} className={badLines.has(i + 1) ? 'bad' : undefined}>
                  {i + 1}
                </span>
              ))}
            </div>
            <textarea
              id="policy-yaml"
              ref={area}
              spellCheck={false}
              value={text}
              rows={Math.min(40, Math.max(16, lineCount + 2))}
              aria-invalid={current && !current.valid ? true : undefined}
              aria-describedby="policy-issues"
              onChange={(ev) => setText(ev.target.value)}
              onScroll={(ev) => {
                const g = ev.currentTarget.previousElementSibling as HTMLElement | null;
                if (g) g.scrollTop = ev.currentTarget.scrollTop;
              }}
            />
          </div>
          <div id="policy-issues" className="issues" aria-live="polite" data-testid="policy-issues">
            {checkError != null ? (
              <ErrorBox error={checkError} />
            ) : !current ? (
              <p className="muted">{t('gw.pol.checking')}</p>
            ) : current.valid ? (
              <p className="ok-text" data-testid="policy-valid">
                ✓ {t('gw.pol.valid')}
              </p>
            ) : (
              <>
                <p className="bad-text">{t('gw.pol.invalid', { n: current.issues.length })}</p>
                <ul className="field-error">
                  {current.issues.map((i, n) => (
                    <li key={n}>
                      {i.line ? (
                        <button type="button" className="link-button" onClick={() => goToLine(i.line!)}>
                          {t('gw.pol.line', { n: i.line })}
                        </button>
                      ) : null}{' '}
                      {i.field && <code>{i.field}</code>} {i.message}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
          <div className="form-actions">
            <button type="button" className="primary" disabled={busy || readOnly || (current !== null && !current.valid)} onClick={save} data-testid="policy-save">
              {busy ? t('common.saving') : policy ? t('common.save') : t('common.create')}
            </button>
            <Link className="button" to="/gateway/policies">
              {t('common.cancel')}
            </Link>
            {policy?.source === 'api' && (
              <button type="button" onClick={remove}>
                {t('gw.delete')}
              </button>
            )}
          </div>
        </div>
        <aside>
          <Card title={t('gw.pol.help')}>
            <p className="small">{t('gw.pol.helpText')}</p>
          </Card>
          {policy?.source === 'api' && (
            <Card title={t('gw.pol.history')}>
              {history.data ? (
                <ol className="plain-list" data-testid="policy-history">
                  {[...history.data.items].reverse().map((r) => (
                    <li key={r.revision}>
                      <strong>{t('gw.pol.revisionN', { n: r.revision })}</strong> {e('histAction', r.action)}{' '}
                      <span className="muted small">
                        {r.actor} · <DateText iso={r.at} withTime />
                      </span>
                      {r.yaml && r.yaml !== text && (
                        <button type="button" className="link-button small" onClick={() => setText(r.yaml!)}>
                          {t('gw.pol.loadRevision')}
                          <span className="sr-only"> {r.revision}</span>
                        </button>
                      )}
                    </li>
                  ))}
                </ol>
              ) : (
                <Loading inline />
              )}
            </Card>
          )}
        </aside>
      </div>
    </>
  );
}
