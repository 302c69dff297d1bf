import { useEffect, useRef, useState } from 'react';
import type { ECharts, EChartsCoreOption } from 'echarts/core';

// ECharts measures text itself (for layout), so it needs a concrete font stack rather than 'inherit'.
const FONT = "system-ui, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

let loading: Promise<typeof import('./echarts.ts')['echarts']> | undefined;
/**
 * Loads the ECharts chunk. The app calls this right after its first render has sent the page's API
 * requests, so the chunk downloads and compiles while they are in flight.
 */
export function loadCharts() {
  return (loading ??= import('./echarts.ts').then((m) => m.echarts));
}

export type ChartOption = EChartsCoreOption;

export function Chart({ option, height = 240, label, onClick, testId }: { option: ChartOption; height?: number; label: string; onClick?: (p: { data?: unknown; dataIndex: number; name?: string }) => void; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    let c: ECharts | undefined;
    let ro: ResizeObserver | undefined;
    let live = true;
    loadCharts().then((echarts) => {
      if (!live || !el.current) return;
      c = echarts.init(el.current, undefined, { renderer: 'svg' });
      c.on('click', (p) => clickRef.current?.(p as never));
      // ResizeObserver reports the initial size once; only later changes need a re-layout.
      let first = true;
      ro = new ResizeObserver(() => {
        if (first) first = false;
        else c?.resize();
      });
      ro.observe(el.current);
      setChart(c);
    });
    return () => {
      live = false;
      ro?.disconnect();
      c?.dispose();
    };
  }, []);

  useEffect(() => {
    if (!chart) return;
    chart.setOption({ animation: false, aria: { enabled: true }, textStyle: { fontFamily: FONT }, ...option }, true);
  }, [chart, option]);

  return <div ref={el} className="chart" style={{ height }} role="img" aria-label={label} aria-busy={chart ? undefined : true} data-testid={testId} />;
}
