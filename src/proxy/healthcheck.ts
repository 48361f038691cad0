// healthCheckNodePort for Services with externalTrafficPolicy Local: load balancers probe
// http://<node>:<port>/ and send traffic only to nodes answering 200, i.e. nodes that have a
// ready local endpoint. Same body as kube-proxy, so existing cloud/MetalLB probes keep working.

import { createServer, type Server } from 'node:http';
import type { HealthCheck } from './desired.js';

export function healthResponse(h: HealthCheck): { status: number; body: string } {
  const [namespace, name] = h.owner.split('/');
  return {
    status: h.localEndpoints > 0 ? 200 : 503,
    body: JSON.stringify({ service: { namespace, name }, localEndpoints: h.localEndpoints, serviceProxyHealthy: true }),
  };
}

export class HealthCheckServers {
  private readonly servers = new Map<number, { server: Server; check: HealthCheck }>();

  /** `host` is the bind address ('' = every address, as kube-proxy does). */
  constructor(private readonly host = '') {}

  /** Opens, updates and closes listeners so exactly these health checks are served. */
  async sync(checks: readonly HealthCheck[]): Promise<void> {
    const want = new Map(checks.map((c) => [c.port, c]));
    for (const [port, s] of this.servers) {
      if (want.has(port)) continue;
      this.servers.delete(port);
      await new Promise<void>((r) => { s.server.closeAllConnections(); s.server.close(() => r()); });
    }
    for (const [port, check] of want) {
      const cur = this.servers.get(port);
      if (cur) {
        cur.check = check; // the handler reads the current value: no reopen on endpoint changes
        continue;
      }
      const entry = { server: createServer((_req, res) => {
        const r = healthResponse(entry.check);
        res.writeHead(r.status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
        res.end(r.body);
      }), check };
      await new Promise<void>((resolve, reject) => {
        entry.server.once('error', reject);
        entry.server.listen(port, this.host || undefined, () => { entry.server.off('error', reject); resolve(); });
      }).catch((e: unknown) => {
        // A port someone else holds must not take the proxy down; the next sync retries.
        throw new Error(`healthCheckNodePort ${port} (${check.owner}): ${(e as Error).message}`);
      });
      this.servers.set(port, entry);
    }
  }

  ports(): number[] {
    return [...this.servers.keys()].sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.sync([]);
  }
}
