import { BarChart as BarSeries, LineChart as LineSeries, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarSeries, LineSeries, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export interface Series {
  name: string;
  values: number[];
  color: string;
  /** Bars by default; a line reads better for a rate-like series drawn over bars. */
  kind?: 'bar' | 'line';
}

/** Several series over the same categories (days), with a legend; follows its container's width. */
export function SeriesChart({ labels, series, height = 320, testId = 'series-chart' }: { labels: string[]; series: Series[]; height?: number; testId?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const option: Option = {
      grid: { left: 40, right: 16, top: 40, bottom: 32 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((s) =>
        s.kind === 'line'
          ? ({ type: 'line', name: s.name, data: s.values, itemStyle: { color: s.color }, smooth: true } satisfies LineSeriesOption)
          : ({ type: 'bar', name: s.name, data: s.values, itemStyle: { color: s.color } } satisfies BarSeriesOption),
      ),
    };
    chart.current?.setOption(option, true);
  }, [labels, series]);

  return <div ref={container} style={{ width: '100%', height }} data-testid={testId} />;
}
