import { afterEach, describe, expect, test } from '@jest/globals';
import { HealthCheckServers, healthResponse } from '../../../src/proxy/healthcheck.js';

const servers = new HealthCheckServers('127.0.0.1');
afterEach(() => servers.close());
const port = 40000 + Math.floor(Math.random() * 20000);

describe('healthCheckNodePort', () => {
  test('kube-proxy compatible body; 200 with local endpoints, 503 without', () => {
    expect(healthResponse({ owner: 'ns/web', port: 1, localEndpoints: 2 })).toEqual({ status: 200, body: '{"service":{"namespace":"ns","name":"web"},"localEndpoints":2,"serviceProxyHealthy":true}' });
    expect(healthResponse({ owner: 'ns/web', port: 1, localEndpoints: 0 }).status).toBe(503);
  });

  test('serves on loopback, follows endpoint changes without reopening, closes removed ports', async () => {
    await servers.sync([{ owner: 'ns/web', port, localEndpoints: 1 }]);
    let r = await fetch(`http://127.0.0.1:${port}/`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ localEndpoints: 1 });
    await servers.sync([{ owner: 'ns/web', port, localEndpoints: 0 }]);
    r = await fetch(`http://127.0.0.1:${port}/`);
    expect(r.status).toBe(503);
    await servers.sync([]);
    expect(servers.ports()).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
