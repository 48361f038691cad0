// The Grafana dashboard must only query what the agent exports: a renamed metric otherwise shows
// up as an empty panel weeks later. This reads every PromQL expression (panels and template
// variables), pulls out the metric names and label matchers, and checks them against the registry.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '../../../src/observe/metrics.js';
import { findPackageRoot } from '../../../src/observe/packageRoot.js';
import { makeFakeProvider } from './fake-provider.js';

const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'avg', 'avg_over_time', 'bottomk', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min',
  'count', 'count_over_time', 'count_values', 'delta', 'deriv', 'floor', 'group', 'histogram_quantile', 'idelta', 'increase',
  'irate', 'label_replace', 'label_join', 'last_over_time', 'max', 'max_over_time', 'min', 'min_over_time', 'quantile',
  'quantile_over_time', 'rate', 'resets', 'round', 'scalar', 'sort', 'sort_desc', 'stddev', 'sum', 'sum_over_time', 'time',
  'timestamp', 'topk', 'vector', 'label_values',
]);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);
const ALWAYS_LABELS = new Set(['instance', 'job', '__name__']);

interface Use { metric: string; labels: string[] }

/** Metric names (and the label names matched on each) in one PromQL expression. */
function metricUses(expr: string): Use[] {
  const uses: Use[] = [];
  // Grafana variables ($instance, ${x}, $__rate_interval) and range/duration brackets carry no names.
  let e = expr.replace(/\$\{?\w+\}?/g, 'VAR').replace(/\[[^\]]*\]/g, '');
  // Grouping clauses list label names, not metrics.
  e = e.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // label_values(selector, label): the second argument is a label.
  e = e.replace(/label_values\(([^,]*),\s*\w+\s*\)/g, 'label_values($1)');
  const re = /(?<![\w.:"'])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g;
  for (const m of e.matchAll(re)) {
    const name = m[1];
    const after = e.slice((m.index ?? 0) + m[0].length).trimStart();
    if (FUNCTIONS.has(name) && !m[2] && after.startsWith('(')) continue;
    if (KEYWORDS.has(name) || name === 'VAR') continue;
    const labels = m[2] ? [...m[2].matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*("([^"\\]|\\.)*"|'[^']*')/g)].map((x) => x[1]) : [];
    uses.push({ metric: name, labels });
  }
  return uses;
}

function collectQueries(node: unknown, out: string[]): void {
  if (Array.isArray(node)) { for (const x of node) collectQueries(x, out); return; }
  if (typeof node !== 'object' || node === null) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'expr' && typeof v === 'string') out.push(v);
    else if (k === 'query' && typeof v === 'string' && v.includes('(')) out.push(v);
    else collectQueries(v, out);
  }
}

test('the PromQL name extractor sees metrics, skips functions, labels and variables', () => {
  expect(metricUses('histogram_quantile(0.99, sum by (le) (rate(podroute_fib_sync_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))'))
    .toEqual([{ metric: 'podroute_fib_sync_duration_seconds_bucket', labels: ['instance'] }]);
  expect(metricUses('time() - a_b{x="rate(y)"} and c > 0')).toEqual([{ metric: 'a_b', labels: ['x'] }, { metric: 'c', labels: [] }]);
  expect(metricUses('label_values(podroute_bgp_peer_state{instance=~"$instance"}, peer)')).toEqual([{ metric: 'podroute_bgp_peer_state', labels: ['instance'] }]);
  expect(metricUses('sum(rate(typo_total[5m])) by (peer)')).toEqual([{ metric: 'typo_total', labels: [] }]);
});

test('every expression in deploy/grafana uses only exported metrics and their labels', async () => {
  const m = createMetrics({ provider: makeFakeProvider() }); // with process metrics: the dashboard charts them too
  const known = new Map<string, { type: string; labels: Set<string> }>();
  for (const x of await m.registry.getMetricsAsJSON()) {
    const metric = m.registry.getSingleMetric(x.name) as unknown as { labelNames?: string[] };
    const labels = new Set([...(metric.labelNames ?? []), ...ALWAYS_LABELS]);
    known.set(x.name, { type: String(x.type), labels });
    if (String(x.type) === 'histogram') {
      known.set(`${x.name}_bucket`, { type: 'histogram', labels: new Set([...labels, 'le']) });
      known.set(`${x.name}_sum`, { type: 'histogram', labels });
      known.set(`${x.name}_count`, { type: 'histogram', labels });
    }
  }
  const dash: unknown = JSON.parse(readFileSync(join(findPackageRoot(), 'deploy', 'grafana', 'podroute-dashboard.json'), 'utf8'));
  const queries: string[] = [];
  collectQueries(dash, queries);
  expect(queries.length).toBeGreaterThan(30);
  const problems: string[] = [];
  const used = new Set<string>();
  for (const q of queries) {
    const uses = metricUses(q);
    if (uses.length === 0) problems.push(`no metric in: ${q}`);
    for (const u of uses) {
      const k = known.get(u.metric);
      if (!k) { problems.push(`unknown metric ${u.metric} in: ${q}`); continue; }
      const base = u.metric.replace(/_(bucket|sum|count)$/, '');
      used.add(base !== u.metric && known.has(base) ? base : u.metric);
      for (const l of u.labels) if (!k.labels.has(l)) problems.push(`metric ${u.metric} has no label "${l}" in: ${q}`);
    }
  }
  expect(problems).toEqual([]);
  // The panels the brief asks for: per-peer state, route counts, sync durations, FIB errors.
  for (const must of ['podroute_bgp_peer_state', 'podroute_bgp_rib_routes', 'podroute_fib_routes', 'podroute_fib_sync_duration_seconds', 'podroute_bgp_peer_prefixes_received']) {
    expect({ must, used: used.has(must) }).toEqual({ must, used: true });
  }
});

test('the dashboard is importable: unique panel ids, grid inside 24 columns, a datasource variable', () => {
  const dash = JSON.parse(readFileSync(join(findPackageRoot(), 'deploy', 'grafana', 'podroute-dashboard.json'), 'utf8')) as {
    uid: string; panels: { id: number; gridPos: { x: number; w: number } }[]; templating: { list: { name: string; type: string }[] };
  };
  expect(dash.uid).toBe('podroute');
  const ids = dash.panels.map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const p of dash.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  expect(dash.templating.list.find((v) => v.type === 'datasource')?.name).toBe('datasource');
});
