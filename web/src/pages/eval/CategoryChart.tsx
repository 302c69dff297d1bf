import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { CategoryResult } from './types.ts';

const COLORS: Record<string, string> = { pass: '#2e7d5b', fail: '#c0392b', inconclusive: '#9aa5b1', 'no-data': '#c9d1d9' };

interface WhiskerApi {
  value: (i: number) => number;
  coord: (v: [number, number]) => [number, number];
  size: (v: [number, number]) => [number, number];
}

/**
 * Per-category rate as horizontal bars, the Wilson 95% interval as whiskers and the threshold as a
 * thick tick (ECharts bar + custom series). Bar colour: passed, failed, or not enough data.
 */
export function CategoryChart({ items }: { items: CategoryResult[] }) {
  const { t, e, pick } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const rows = [...items].reverse();
    const name = (c: CategoryResult) => {
      const n = pick(c.name) || c.taxonomyId;
      return `${n.length > 24 ? n.slice(0, 23) + '…' : n} · ${e('metric', c.metric)}`;
    };
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const c = rows[p.dataIndex]!;
          return `${pick(c.name) || c.taxonomyId}<br/>${e('metric', c.metric)}: ${(c.rate * 100).toFixed(1)}% [${(c.lower * 100).toFixed(1)}–${(c.upper * 100).toFixed(1)}%], n=${c.n}<br/>${t('evr.threshold')}: ${c.direction === 'min' ? '≥' : '≤'} ${(c.threshold * 100).toFixed(0)}% · ${e('resultStatus', c.status)}`;
        },
      },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: rows.map(name) },
      series: [
        { type: 'bar', name: t('evr.rate'), barWidth: '55%', data: rows.map((c) => ({ value: Math.round(c.rate * 1000) / 10, itemStyle: { color: COLORS[c.status] ?? (c.passed ? COLORS.pass : COLORS.fail) } })) },
        {
          type: 'custom',
          name: t('evr.interval'),
          data: rows.map((c, i) => [i, c.lower * 100, c.upper * 100, c.threshold * 100]),
          encode: { y: 0, x: [1, 2, 3] },
          z: 5,
          renderItem: (_: unknown, api: WhiskerApi) => {
            const y = api.value(0);
            const lo = api.coord([api.value(1), y]);
            const hi = api.coord([api.value(2), y]);
            const th = api.coord([api.value(3), y]);
            const h = api.size([0, 1])[1] * 0.7;
            const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, lineWidth: number) => ({ type: 'line', shape: { x1, y1, x2, y2 }, style: { stroke, lineWidth } });
            return {
              type: 'group',
              children: [
                line(lo[0], lo[1], hi[0], hi[1], '#1b2733', 1.5),
                line(lo[0], lo[1] - h / 4, lo[0], lo[1] + h / 4, '#1b2733', 1.5),
                line(hi[0], hi[1] - h / 4, hi[0], hi[1] + h / 4, '#1b2733', 1.5),
                line(th[0], th[1] - h / 2, th[0], th[1] + h / 2, '#f0a30a', 4),
              ],
            };
          },
        },
      ],
    };
  }, [items, e, pick, t]);
  return <Chart option={option} label={t('evr.categoryChart')} height={Math.max(160, 30 * items.length + 50)} testId="category-chart" />;
}
