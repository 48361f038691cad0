// Peer passwords from Secrets: the reader through the real client-node against our fake API
// server, and the cache's rules (answer at once, fetch in the background, keep the last good value).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { FakeApiServer } from '../../fake-apiserver/server.js';
import { SecretCache, kubernetesSecretReader, parseSecretRef, type SecretReader } from '../../../src/cluster/kubernetes/secrets.js';
import { silentLogger } from '../../../src/util/log.js';

let api: FakeApiServer;
beforeAll(async () => {
  api = new FakeApiServer();
  await api.start();
  api.put({ kind: 'Secret', metadata: { name: 'podroute-bgp-passwords', namespace: 'kube-system' }, data: { tor1: Buffer.from('s3cret').toString('base64') } });
});
afterAll(async () => api.stop());

test('parseSecretRef: name/key in the agent namespace, or namespace/name/key', () => {
  expect(parseSecretRef('podroute-bgp-passwords/tor1', 'kube-system')).toEqual({ namespace: 'kube-system', name: 'podroute-bgp-passwords', key: 'tor1' });
  expect(parseSecretRef('net/pw/k', 'kube-system')).toEqual({ namespace: 'net', name: 'pw', key: 'k' });
  expect(() => parseSecretRef('just-a-name', 'x')).toThrow('must be name/key or namespace/name/key');
});

test('the reader GETs the one Secret and decodes the key; a missing key or Secret is a clear error', async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(api.kubeconfig());
  const r = kubernetesSecretReader(kc);
  expect(await r.read({ namespace: 'kube-system', name: 'podroute-bgp-passwords', key: 'tor1' })).toBe('s3cret');
  await expect(r.read({ namespace: 'kube-system', name: 'podroute-bgp-passwords', key: 'nope' })).rejects.toThrow('has no key "nope"');
  await expect(r.read({ namespace: 'kube-system', name: 'missing', key: 'k' })).rejects.toThrow();
  expect(api.requests.some((q) => q.method === 'GET' && q.url === '/api/v1/namespaces/kube-system/secrets/podroute-bgp-passwords')).toBe(true);
  expect(api.requests.some((q) => /secrets\?|watch/.test(q.url))).toBe(false); // never lists or watches Secrets
});

test('the cache answers pending, then the value; a failed refresh keeps the last good password', async () => {
  let value: string | Error = 'one';
  let reads = 0;
  const reader: SecretReader = { read: async () => { reads++; if (value instanceof Error) throw value; return value; } };
  let changes = 0;
  let now = 0;
  const c = new SecretCache(reader, { defaultNamespace: 'kube-system', log: silentLogger, onChange: () => changes++, ttlMs: 1000, now: () => now });
  expect(c.get('pw/k')).toEqual({ pending: true });
  await new Promise((r) => setImmediate(r));
  expect(changes).toBe(1);
  expect(c.get('pw/k')).toEqual({ value: 'one' });
  expect(reads).toBe(1); // fresh: no second read
  now = 2000;
  value = new Error('forbidden');
  expect(c.get('pw/k')).toEqual({ value: 'one' }); // stale: refresh starts, old value still served
  await new Promise((r) => setImmediate(r));
  expect(c.get('pw/k')).toEqual({ value: 'one' });
  expect(c.get('bad-ref')).toEqual({ error: expect.stringContaining('must be name/key') });
  const fresh = new SecretCache(reader, { defaultNamespace: 'kube-system', log: silentLogger, onChange: () => {}, now: () => now });
  fresh.get('pw/other');
  await new Promise((r) => setImmediate(r));
  expect(fresh.get('pw/other')).toEqual({ error: expect.stringContaining('forbidden') });
});
