// docs/metrics.md is the operator's reference: it must list exactly what /metrics exports.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '../../../src/observe/metrics.js';
import { findPackageRoot } from '../../../src/observe/packageRoot.js';
import { makeFakeProvider } from './fake-provider.js';

interface Documented { type: string; labels: string[] }

function documentedMetrics(): Map<string, Documented> {
  const md = readFileSync(join(findPackageRoot(), 'docs', 'metrics.md'), 'utf8');
  const out = new Map<string, Documented>();
  for (const line of md.split('\n')) {
    const m = line.match(/^\|\s*`(podroute_[a-z0-9_]+)`\s*\|\s*(\w+)\s*\|([^|]*)\|/);
    if (!m) continue;
    expect(out.has(m[1])).toBe(false); // listed once
    out.set(m[1], { type: m[2], labels: [...m[3].matchAll(/`([a-z_]+)`/g)].map((x) => x[1]) });
  }
  return out;
}

test('docs/metrics.md and the registry agree on names, types and labels', async () => {
  const m = createMetrics({ provider: makeFakeProvider(), processMetrics: false });
  const registry = new Map<string, Documented>();
  for (const x of await m.registry.getMetricsAsJSON()) {
    registry.set(x.name, { type: String(x.type), labels: [...((m.registry.getSingleMetric(x.name) as unknown as { labelNames: string[] }).labelNames)] });
  }
  const docs = documentedMetrics();
  expect(docs.size).toBeGreaterThan(20);
  expect([...docs.keys()].sort()).toEqual([...registry.keys()].sort());
  for (const [name, d] of docs) expect({ name, ...d }).toEqual({ name, ...registry.get(name) });
});

test('every metric follows podroute_<subsystem>_<name>[_<unit>], counters end in _total', async () => {
  const m = createMetrics({ provider: makeFakeProvider(), processMetrics: false });
  for (const x of await m.registry.getMetricsAsJSON()) {
    expect(x.name).toMatch(/^podroute_[a-z]+_[a-z0-9_]+$/);
    if (String(x.type) === 'counter') expect(x.name).toMatch(/_total$/);
    else expect(x.name).not.toMatch(/_total$/);
    expect(x.help.length).toBeGreaterThan(10);
  }
});
