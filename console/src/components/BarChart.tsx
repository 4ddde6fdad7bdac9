import { BarChart as BarSeries, type BarSeriesOption } from 'echarts/charts';
import { GridComponent, TooltipComponent, type GridComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the parts of ECharts this chart uses, so the bundle stays small.
use([BarSeries, GridComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

interface Props {
  labels: string[];
  values: number[];
  seriesName: string;
  height?: number;
}

/** A single-series bar chart that follows its container's width. */
export function BarChart({ labels, values, seriesName, height = 320 }: Props) {
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
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: seriesName, data: values, itemStyle: { color: '#1677ff' } }],
    };
    chart.current?.setOption(option, true);
  }, [labels, values, seriesName]);

  return <div ref={container} style={{ width: '100%', height }} data-testid="bar-chart" />;
}
