import { useMemo } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { useTaxonomyItems } from '../lib/data.tsx';
import { categoryRates, type SystemStats } from '../pages/gateway/types.ts';
import { Chart, type ChartOption } from './Chart.tsx';

/** Gateway blocks per risk category as a share of all requests (horizontal bars), with a table for screen readers. */
export function BlockRates({ systems, height }: { systems: SystemStats[]; height?: number }) {
  const { t, pick, num } = useI18n();
  const rows = useMemo(() => categoryRates(systems), [systems]);
  const names = useTaxonomyItems(rows.map((r) => r.category));
  const label = (id: string) => {
    const n = pick(names.get(id)?.name);
    return n ? (n.length > 28 ? n.slice(0, 27) + '…' : n) : id;
  };
  const requests = systems.reduce((a, s) => a + s.requests, 0);
  const option = useMemo<ChartOption>(() => {
    const shown = [...rows].reverse();
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => `${v}%` },
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: shown.map((r) => label(r.category)) },
      series: [{ type: 'bar', name: t('gw.blockRate'), data: shown.map((r) => Math.round(r.rate * 1000) / 10), itemStyle: { color: '#c0392b' }, label: { show: true, position: 'right', formatter: '{c}%' } }],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, names, pick, t]);
  if (!rows.length) return <p className="muted">{t('gw.noBlocks', { n: num(requests) })}</p>;
  return (
    <>
      <Chart option={option} label={t('gw.blockRatesChart')} height={Math.max(140, 36 * rows.length + 50)} testId="block-rates" />
      <table className="sr-only">
        <caption>{t('gw.blockRatesChart')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('gw.category')}</th>
            <th scope="col">{t('gw.blocks')}</th>
            <th scope="col">{t('gw.blockRate')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.category}>
              <th scope="row">{label(r.category)} ({r.category})</th>
              <td>{num(r.blocks)}</td>
              <td>{(r.rate * 100).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
