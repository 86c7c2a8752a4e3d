/**
 * The team leads' dashboard: service and support side by side, each judged on its own figures;
 * time series per queue, the FRT distribution, CSAT and CES over time, a per-agent table and the
 * queues now. Figures from `GET /api/v1/metrics`; the chosen range is remembered in localStorage.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { KpiFigures, MetricsReport } from '../../shared/schemas';
import type { AgentView } from '../../shared/schemas';
import { Chart } from '../components/chart';
import { DashboardFilterBar } from '../components/dashboard-filters';
import { DASHBOARD_RANGES, dashboardCsvQuery, dashboardQueries, type DashboardFilters, type DashboardRange } from '../dashboard-queries';
import { fetchMetrics } from '../metrics-api';

const RANGE_STORAGE_KEY = 'switchboard.dashboard.range';
/** The queues-now panel and the figures are fetched again this often. */
const REFRESH_MS = 30_000;
const COLORS = { service: '#1d4ed8', support: '#b45309' } as const;

function storedRange(): DashboardRange {
  try {
    const value = localStorage.getItem(RANGE_STORAGE_KEY);
    if (value && value in DASHBOARD_RANGES) return value as DashboardRange;
  } catch {
    // Storage refused (private mode): the default.
  }
  return '7d';
}

export const duration = (ms: number | null) => {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
};
const percent = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10}%`);
const decimal = (n: number | null) => (n === null ? '–' : (Math.round(n * 100) / 100).toString());

interface Loaded {
  byQueue: MetricsReport;
  series: Record<'service' | 'support', MetricsReport>;
  byAgent: MetricsReport;
  byCategory: MetricsReport;
  loadedAt: number;
}

function Tile({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div class="tile">
      <span class="tile-label">{label}</span>
      <strong class="tile-value" data-figure={label}>
        {value}
      </strong>
      {hint && <span class="tile-hint">{hint}</span>}
    </div>
  );
}

function QueueColumn({ queue, figures, now }: { queue: 'service' | 'support'; figures: KpiFigures; now: MetricsReport['now']['queues'][number] | undefined }) {
  const common = [
    <Tile key="c" label="Conversations" value={String(figures.conversations)} />,
    <Tile key="w" label="Waiting now" value={String(now?.waiting ?? 0)} hint={now?.waiting ? `longest ${duration(now.longestWaitMs)}` : undefined} />,
    <Tile key="wt" label="Wait (median)" value={duration(figures.waitMs.median)} hint={`p90 ${duration(figures.waitMs.p90)}`} />,
    <Tile key="f" label="FRT (median)" value={duration(figures.frtMs.median)} hint={`p90 ${duration(figures.frtMs.p90)} · mean ${duration(figures.frtMs.mean)}`} />,
    <Tile key="a" label="AHT (median)" value={duration(figures.ahtMs.median)} hint={`mean ${duration(figures.ahtMs.mean)}`} />,
    <Tile key="r" label="Resolution" value={percent(figures.resolutionRate)} hint={`${percent(figures.reopenRate)} reopened`} />,
    <Tile key="ab" label="Abandoned" value={percent(figures.abandonmentRate)} />,
  ];
  const own =
    queue === 'service'
      ? [
          <Tile key="cs" label="CSAT" value={decimal(figures.csat.mean)} hint={`${percent(figures.csat.satisfiedShare)} gave 4–5 · ${figures.csat.count} answers`} />,
          <Tile key="n" label="NPS" value={figures.nps.score === null ? '–' : String(Math.round(figures.nps.score))} hint={`${figures.nps.count} answers`} />,
          <Tile key="t" label="Handed to support" value={percent(figures.transferRate.serviceToSupport)} hint={`${figures.transfers.serviceToSupport} transfers`} />,
        ]
      : [
          <Tile key="ce" label="CES" value={decimal(figures.ces.mean)} hint={`${figures.ces.count} answers (1–7)`} />,
          <Tile key="n" label="NPS" value={figures.nps.score === null ? '–' : String(Math.round(figures.nps.score))} hint={`${figures.nps.count} answers`} />,
          <Tile key="rc" label="Repeat contacts" value={percent(figures.repeatContactRate)} hint="back within 7 days" />,
          <Tile key="t" label="Handed to service" value={percent(figures.transferRate.supportToService)} hint={`${figures.transfers.supportToService} transfers`} />,
        ];
  return (
    <section class={`queue-column ${queue}`} aria-labelledby={`kpi-${queue}`}>
      <h2 id={`kpi-${queue}`}>{queue === 'service' ? 'Customer service' : 'Technical support'}</h2>
      <div class="tiles">{[...common.slice(0, 2), ...own, ...common.slice(2)]}</div>
    </section>
  );
}

type Column = [header: string, value: (figures: KpiFigures) => string];

/** The columns every per-group table shows after its own. */
const SHARED_COLUMNS: Column[] = [
  ['FRT (median)', (f) => duration(f.frtMs.median)],
  ['AHT (median)', (f) => duration(f.ahtMs.median)],
  ['CSAT', (f) => decimal(f.csat.mean)],
  ['CES', (f) => decimal(f.ces.mean)],
  ['Transfers', (f) => String(f.transfers.serviceToSupport + f.transfers.supportToService)],
];

/** One row per group of a report (agents, categories), a figure per column. */
function GroupTable(props: { id: string; title: string; rowHeader: string; groups: MetricsReport['groups']; columns: Column[]; empty?: string }) {
  const { id, title, rowHeader, groups, columns, empty } = props;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {groups.length === 0 && empty ? (
        <p class="empty">{empty}</p>
      ) : (
        <table class={`groups ${id}`}>
          <thead>
            <tr>
              <th scope="col">{rowHeader}</th>
              {columns.map(([header]) => (
                <th key={header} scope="col">
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">{g.label}</th>
                {columns.map(([header, value]) => (
                  <td key={header}>{value(g.figures)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Line options for one value per queue over time. */
function lineOptions(unitLabel: string, format: (v: number | null) => string): Omit<uPlot.Options, 'width' | 'height' | 'title'> {
  return {
    scales: { x: { time: true } },
    axes: [{}, { label: unitLabel, values: (_u, values) => values.map((v) => format(v)) , size: 60 }],
    series: [
      {},
      { label: 'Service', stroke: COLORS.service, width: 2, spanGaps: true, value: (_u, v) => format(v) },
      { label: 'Support', stroke: COLORS.support, width: 2, spanGaps: true, value: (_u, v) => format(v) },
    ],
  };
}

export function DashboardScreen({ agent }: { agent: AgentView }) {
  const [range, setRange] = useState<DashboardRange>(storedRange);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<DashboardFilters>({});
  /** Agents and categories seen in the unfiltered tables, kept for the filter lists. */
  const [choices, setChoices] = useState<{ agents: { key: string; label: string }[]; categories: string[] }>({ agents: [], categories: [] });
  const lead = agent.role === 'lead' || agent.role === 'admin';

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const queries = dashboardQueries(agent.siteKey, range, Date.now(), filters);
      try {
        const [byQueue, service, support, byAgent, byCategory] = await Promise.all([
          fetchMetrics(queries.byQueue),
          fetchMetrics(queries.service),
          fetchMetrics(queries.support),
          fetchMetrics(queries.byAgent),
          fetchMetrics(queries.byCategory),
        ]);
        if (!cancelled) {
          setLoaded({ byQueue, series: { service, support }, byAgent, byCategory, loadedAt: Date.now() });
          setError(null);
          const merge = (known: { key: string; label: string }[], groups: MetricsReport['groups']) => [
            ...known,
            ...groups.filter((g) => !known.some((k) => k.key === g.key)).map((g) => ({ key: g.key, label: g.label })),
          ];
          setChoices((c) => ({
            agents: lead ? merge(c.agents, byAgent.groups) : [],
            categories: merge(c.categories.map((k) => ({ key: k, label: k })), byCategory.groups).map((k) => k.key),
          }));
        }
      } catch (e) {
        if (!cancelled) setError((e as Error).message);
      }
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [range, agent.siteKey, filters]);

  const charts = useMemo(() => {
    if (!loaded) return null;
    const { service, support } = loaded.series;
    const x = service.groups.map((g) => Number(g.key) / 1000);
    const pick = (f: (k: KpiFigures) => number | null) => [service.groups.map((g) => f(g.figures)), support.groups.map((g) => f(g.figures))];
    const seconds = (v: number | null) => (v === null ? null : v / 1000);
    const histogram = loaded.byQueue.totals.frtHistogram;
    return {
      volume: [x, ...pick((f) => f.conversations)] as uPlot.AlignedData,
      frt: [x, ...pick((f) => seconds(f.frtMs.median))] as uPlot.AlignedData,
      wait: [x, ...pick((f) => seconds(f.waitMs.median))] as uPlot.AlignedData,
      ratings: [x, service.groups.map((g) => g.figures.csat.mean), support.groups.map((g) => g.figures.ces.mean)] as uPlot.AlignedData,
      frtDistribution: [histogram.map((_, i) => i), histogram.map((h) => h.count)] as uPlot.AlignedData,
      frtLabels: histogram.map((h) => `≤ ${duration(h.upToMs)}`),
    };
  }, [loaded]);

  const options = useMemo(() => {
    const secondsFormat = (v: number | null) => (v === null ? '–' : duration(v * 1000));
    const plain = (v: number | null) => (v === null ? '–' : String(Math.round(v * 100) / 100));
    return {
      volume: lineOptions('conversations', plain),
      seconds: lineOptions('time', secondsFormat),
      ratings: {
        scales: { x: { time: true }, y: { range: [1, 7] as uPlot.Range.MinMax } },
        axes: [{}, { label: 'score' }],
        series: [
          {},
          { label: 'CSAT (service, 1–5)', stroke: COLORS.service, width: 2, spanGaps: true },
          { label: 'CES (support, 1–7)', stroke: COLORS.support, width: 2, spanGaps: true },
        ],
      },
    };
  }, []);

  const frtOptions = useMemo(
    () =>
      charts && {
        scales: { x: { time: false } },
        axes: [{ values: (_u: uPlot, values: number[]) => values.map((v) => charts.frtLabels[v] ?? '') }, { label: 'conversations' }],
        series: [{}, { label: 'Conversations', fill: 'rgb(29 78 216 / 0.35)', stroke: COLORS.service, paths: uPlot.paths.bars!({ size: [0.7, 80] }) }],
      },
    [charts],
  );

  const services = loaded?.byQueue.groups.find((g) => g.key === 'service');
  const supports = loaded?.byQueue.groups.find((g) => g.key === 'support');
  const nowOf = (q: string) => loaded?.byQueue.now.queues.find((n) => n.queue === q);

  return (
    <div class="dashboard">
      <div class="dashboard-bar">
        <label>
          Range{' '}
          <select
            value={range}
            onChange={(e) => {
              const value = (e.target as HTMLSelectElement).value as DashboardRange;
              setRange(value);
              try {
                localStorage.setItem(RANGE_STORAGE_KEY, value);
              } catch {
                // Not remembered, still shown.
              }
            }}
          >
            {(Object.keys(DASHBOARD_RANGES) as DashboardRange[]).map((key) => (
              <option key={key} value={key}>
                {DASHBOARD_RANGES[key].label}
              </option>
            ))}
          </select>
        </label>
        {!lead && <span class="muted">Your own figures: leads and admins see the team's.</span>}
        {loaded && (
          <span class="muted">
            Router accuracy {percent(loaded.byQueue.totals.routerAccuracy)} · {loaded.byQueue.totals.conversations} conversations · updated{' '}
            {new Date(loaded.loadedAt).toLocaleTimeString()}
          </span>
        )}
        {error && (
          <span class="error" role="alert">
            {error}
          </span>
        )}
      </div>
      <DashboardFilterBar
        filters={filters}
        onChange={setFilters}
        agents={choices.agents}
        categories={choices.categories}
        csvHref={`/api/v1/metrics?${new URLSearchParams(dashboardCsvQuery(agent.siteKey, range, Date.now(), filters))}`}
      />
      {!loaded ? (
        <p class="loading">Loading figures…</p>
      ) : (
        <>
          <section class="queues-now" aria-label="Queues now">
            {loaded.byQueue.now.queues.map((q) => (
              <div key={q.queue} class={`now ${q.queue}`}>
                <strong>{q.waiting}</strong> waiting for {q.queue}
                {q.waiting > 0 && <span> · longest {duration(q.longestWaitMs)}</span>}
              </div>
            ))}
          </section>
          <div class="columns">
            {services && filters.queue !== 'support' && <QueueColumn queue="service" figures={services.figures} now={nowOf('service')} />}
            {supports && filters.queue !== 'service' && <QueueColumn queue="support" figures={supports.figures} now={nowOf('support')} />}
          </div>
          {charts && (
            <div class="charts">
              <Chart title="Volume per queue" options={options.volume} data={charts.volume} />
              <Chart title="First response time (median) per queue" options={options.seconds} data={charts.frt} />
              <Chart title="Wait (median) per queue" options={options.seconds} data={charts.wait} />
              <Chart title="CSAT and CES over time" options={options.ratings} data={charts.ratings} />
              {frtOptions && charts.frtLabels.length > 0 && <Chart title="Distribution of first response times" options={frtOptions} data={charts.frtDistribution} />}
            </div>
          )}
          <GroupTable
            id="agents"
            title="Agents"
            rowHeader="Agent"
            groups={loaded.byAgent.groups}
            columns={[
              ['Conversations', (f) => String(f.conversations)],
              ['Resolved', (f) => String(f.resolved)],
              ...SHARED_COLUMNS,
            ]}
          />
          <GroupTable
            id="categories"
            title="Categories"
            rowHeader="Category"
            groups={loaded.byCategory.groups}
            empty="No conversation was resolved with a category in this range."
            columns={[
              ['Resolved', (f) => String(f.resolved)],
              ['Reopened', (f) => percent(f.reopenRate)],
              ...SHARED_COLUMNS,
            ]}
          />
        </>
      )}
    </div>
  );
}
