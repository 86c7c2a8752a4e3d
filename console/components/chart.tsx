/** A uPlot chart as a Preact component: made when mounted, made again when its data or options change. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartProps {
  title: string;
  options: Omit<uPlot.Options, 'width' | 'height' | 'title'>;
  data: uPlot.AlignedData;
  height?: number;
}

export function Chart({ title, options, data, height = 180 }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const plot = new uPlot({ ...options, title, width: Math.max(240, el.clientWidth || 480), height }, data, el);
    const resize = () => plot.setSize({ width: Math.max(240, el.clientWidth || 480), height });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [title, options, data, height]);
  return <div class="chart" ref={host} role="img" aria-label={title} />;
}
