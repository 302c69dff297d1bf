// ECharts, tree-shaken to the parts the console uses and rendered as SVG. This module is its own chunk
// (about 450 KB of the console's JavaScript): Chart.tsx starts loading it when the app starts, so it
// downloads and compiles while the first API requests are in flight instead of before them.
import { BarChart, CustomChart, HeatmapChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, CustomChart, HeatmapChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export { echarts };
