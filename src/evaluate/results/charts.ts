/** Server-side inline SVG charts (no scripts, no external resources). */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Approximate rendered width at 12px: CJK and full-width characters ≈ 12px, others ≈ 6.6px. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 12 : 6.6;
  return w;
}

function fitLabel(s: string, maxPx: number): string {
  if (textWidth(s) <= maxPx) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(out + ch + '…') > maxPx) break;
    out += ch;
  }
  return `${out}…`;
}

export interface Bar {
  label: string;
  value: number; // 0..1
  lower?: number;
  upper?: number;
  threshold?: number;
  /** good | bad | neutral | warn → colour */
  tone?: 'good' | 'bad' | 'warn' | 'neutral';
  note?: string;
}

const TONE = { good: '#2e7d32', bad: '#c62828', warn: '#ef6c00', neutral: '#546e7a' };

/** Horizontal bars on a 0–100% axis, with Wilson whiskers and a threshold tick. */
export function barChart(bars: Bar[], opts: { title?: string; width?: number } = {}): string {
  const width = opts.width ?? 760;
  const labelW = 250;
  const noteW = 120;
  const plotW = width - labelW - noteW - 20;
  const rowH = 22;
  const top = opts.title ? 28 : 8;
  const height = top + bars.length * rowH + 26;
  const x = (v: number) => labelW + Math.max(0, Math.min(1, v)) * plotW;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" font-family="system-ui, sans-serif" font-size="12">`);
  if (opts.title) parts.push(`<text x="4" y="16" font-weight="600" font-size="13">${esc(opts.title)}</text>`);
  for (let g = 0; g <= 4; g++) {
    const gx = x(g / 4);
    parts.push(`<line x1="${gx}" y1="${top}" x2="${gx}" y2="${top + bars.length * rowH}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${gx}" y="${top + bars.length * rowH + 14}" text-anchor="middle" fill="#757575">${g * 25}%</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const label = fitLabel(b.label, labelW - 10);
    parts.push(`<text x="${labelW - 6}" y="${y + 15}" text-anchor="end"><title>${esc(b.label)}</title>${esc(label)}</text>`);
    parts.push(`<rect x="${labelW}" y="${y + 4}" width="${Math.max(0.5, x(b.value) - labelW)}" height="${rowH - 8}" fill="${TONE[b.tone ?? 'neutral']}" opacity="0.85"/>`);
    if (b.lower !== undefined && b.upper !== undefined) {
      const cy = y + rowH / 2;
      parts.push(`<line x1="${x(b.lower)}" y1="${cy}" x2="${x(b.upper)}" y2="${cy}" stroke="#212121" stroke-width="1.2"/>`);
      parts.push(`<line x1="${x(b.lower)}" y1="${cy - 4}" x2="${x(b.lower)}" y2="${cy + 4}" stroke="#212121"/>`);
      parts.push(`<line x1="${x(b.upper)}" y1="${cy - 4}" x2="${x(b.upper)}" y2="${cy + 4}" stroke="#212121"/>`);
    }
    if (b.threshold !== undefined) parts.push(`<line x1="${x(b.threshold)}" y1="${y + 1}" x2="${x(b.threshold)}" y2="${y + rowH - 1}" stroke="#6a1b9a" stroke-width="2" stroke-dasharray="3 2"/>`);
    parts.push(`<text x="${width - noteW - 10 + 6}" y="${y + 15}" fill="#424242">${esc(b.note ?? `${(b.value * 100).toFixed(1)}%`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A single gauge-like bar for a headline figure. */
export function figureBar(value: number, lower: number, upper: number, threshold: number, tone: Bar['tone']): string {
  return barChart([{ label: '', value, lower, upper, threshold, tone, note: `${(value * 100).toFixed(1)}%` }], { width: 520 });
}
