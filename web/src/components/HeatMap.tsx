import { useMemo } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { Link, useRouter } from '../lib/router.tsx';
import { Chart, type ChartOption } from './Chart.tsx';

/** Colour of a likelihood × impact cell by its score zone (as on a paper risk matrix). */
export function zoneColor(score: number): string {
  if (score >= 15) return '#c0392b';
  if (score >= 8) return '#e67e22';
  if (score >= 4) return '#f1c40f';
  return '#7fb77e';
}

/**
 * The 5×5 likelihood × impact matrix of open risks. cells[l-1][i-1] = count. Selecting a cell opens the
 * register filtered to that cell. Canvas/SVG charts are not keyboard-reachable, so the same cells are
 * also links in a table that screen readers read and that appears when it receives keyboard focus.
 */
export function HeatMap({ cells, systemId, height = 300 }: { cells: number[][]; systemId?: string; height?: number }) {
  const { t, num } = useI18n();
  const { navigate } = useRouter();
  const href = (l: number, i: number) => `/risks?open=true&cell=${l}-${i}${systemId ? `&systemId=${encodeURIComponent(systemId)}` : ''}`;
  const option = useMemo<ChartOption>(() => {
    const data = [];
    for (let l = 1; l <= 5; l++) {
      for (let i = 1; i <= 5; i++) {
        const n = cells[l - 1]?.[i - 1] ?? 0;
        data.push({ value: [i - 1, l - 1, n], itemStyle: { color: zoneColor(l * i), opacity: n ? 1 : 0.28, borderColor: '#fff', borderWidth: 3 } });
      }
    }
    return {
      tooltip: { formatter: (p: { value: number[] }) => t('dash.heatCell', { l: p.value[1]! + 1, i: p.value[0]! + 1, n: p.value[2]! }) },
      grid: { left: 56, right: 12, top: 8, bottom: 44 },
      xAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], name: t('dash.impact'), nameLocation: 'middle', nameGap: 28, splitArea: { show: false } },
      yAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], name: t('dash.likelihood'), nameLocation: 'middle', nameGap: 32 },
      series: [
        {
          type: 'heatmap',
          data,
          label: { show: true, formatter: (p: { value: number[] }) => (p.value[2] ? String(p.value[2]) : ''), fontSize: 15, fontWeight: 'bold', color: '#1b1b1b' },
          emphasis: { itemStyle: { borderColor: '#1f4e79', borderWidth: 3 } },
          cursor: 'pointer',
        },
      ],
    };
  }, [cells, t]);
  return (
    <div className="heatmap">
      <Chart
        option={option}
        height={height}
        label={t('dash.heatmap')}
        testId="heatmap-chart"
        onClick={(p) => {
          const v = (p.data as { value?: number[] } | undefined)?.value;
          if (v) navigate(href(v[1]! + 1, v[0]! + 1));
        }}
      />
      <p className="hint">{t('dash.heatmapHint')}</p>
      <div className="sr-only-focusable">
        <table className="heat-table" data-testid="heatmap-table">
          <caption>{t('dash.heatmap')}</caption>
          <thead>
            <tr>
              <th scope="col">
                {t('dash.likelihood')} \ {t('dash.impact')}
              </th>
              {[1, 2, 3, 4, 5].map((i) => (
                <th scope="col" key={i}>
                  {i}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[5, 4, 3, 2, 1].map((l) => (
              <tr key={l}>
                <th scope="row">{l}</th>
                {[1, 2, 3, 4, 5].map((i) => {
                  const n = cells[l - 1]?.[i - 1] ?? 0;
                  return (
                    <td key={i} data-cell={`${l}-${i}`} data-count={n}>
                      <Link to={href(l, i)} aria-label={t('dash.heatCell', { l, i, n })}>
                        {num(n)}
                      </Link>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
