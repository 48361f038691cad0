// `podroute bgp run --config speaker.yaml [--http 127.0.0.1:9180]`: the standalone speaker.
// Peers and originated prefixes come from the file; SIGHUP (or an edit picked up by --watch)
// reloads it and applies only the difference; SIGTERM/SIGINT close every session with a Cease,
// or, with `gracefulRestart` configured, without a NOTIFICATION (RFC 4724) so peers keep our routes.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Speaker } from '../bgp/speaker/speaker.js';
import { PolicyRuntime, PolicySet } from '../bgp/policy/filters.js';
import { applyPolicyChange } from '../bgp/policy/reload.js';
import { jsonLogger, type LogLevel } from '../util/log.js';
import { EventLog } from '../agent/event-log.js';
import { peersStatus, ribSummary, routesPage } from '../agent/bgp-status.js';
import { createMetrics } from '../observe/metrics.js';
import { startObserveServer, type ObserveServer } from '../observe/server.js';
import type { StatusProvider } from '../observe/status.js';
import { parseSpeakerConfig, type SpeakerFileConfig } from './speaker-config.js';
import { flagHelp, parseFlags, parseHostPort, UsageError, type FlagSpec } from './args.js';
import { VERSION } from './version.js';

const SPEC = {
  config: { type: 'string', help: 'speaker config file (YAML or JSON)' },
  http: { type: 'string', help: 'serve status API, metrics and dashboard on HOST:PORT or unix:/path' },
  'log-level': { type: 'string', help: 'debug, info, warn or error', default: 'info' },
} satisfies FlagSpec;

export const BGP_RUN_USAGE = `usage: podroute bgp run --config FILE [--http HOST:PORT]\n${flagHelp(SPEC)}\n`;

export async function bgpRun(argv: string[]): Promise<number> {
  const { flags } = parseFlags(argv, SPEC);
  if (!flags.config) throw new UsageError(`--config is required\n${BGP_RUN_USAGE}`);
  const events = new EventLog();
  const log = jsonLogger({ level: (flags['log-level'] ?? 'info') as LogLevel, tap: events.tap });
  const path = flags.config;
  const load = async (): Promise<SpeakerFileConfig> => parseSpeakerConfig(await readFile(path, 'utf8'), path);
  let cfg: SpeakerFileConfig;
  try {
    cfg = await load();
  } catch (err) {
    process.stderr.write(`podroute: ${path}: ${(err as Error).message}\n`);
    return 2;
  }

  const startedAt = new Date();
  // Import/export policies sit behind stable filters, so a reload swaps them without a new RIB.
  const policySet = (c: SpeakerFileConfig): PolicySet => new PolicySet(c.policies ?? {}, c.peerPolicies ?? {});
  const policy = new PolicyRuntime(policySet(cfg));
  const speaker = new Speaker(
    {
      asn: cfg.asn, routerId: cfg.routerId, listen: cfg.listen, clusterId: cfg.clusterId, maxPaths: cfg.maxPaths, holdTime: cfg.holdTime,
      // No FIB here to keep, but peers forward on our routes while we are away: forwarding state kept.
      gracefulRestart: cfg.gracefulRestart ? { restartTime: cfg.gracefulRestart.restartTime, restarting: false, forwarding: true } : undefined,
      importFilter: policy.importFilter,
      exportFilter: policy.exportFilter,
    },
    { log },
  );
  for (const p of cfg.peers) speaker.addPeer(p);
  for (const p of cfg.originate) speaker.originate(p);
  await speaker.start();

  const provider: StatusProvider = {
    node: () => ({ name: hostname(), asn: cfg.asn, routerId: cfg.routerId, version: VERSION, startedAt: startedAt.toISOString() }),
    peers: () => peersStatus(speaker),
    routes: (q) => routesPage(speaker, q),
    ribSummary: () => ribSummary(speaker),
    events: () => events.list(),
    health: () => ({ alive: true, ready: true, controllers: [{ name: 'bgp', ready: true }] }),
  };
  let server: ObserveServer | undefined;
  if (flags.http) {
    const where = flags.http.startsWith('unix:') ? { path: flags.http.slice(5), port: 0 } : parseHostPort(flags.http, 'http');
    server = await startObserveServer({ ...where, provider, metrics: createMetrics({ provider }) });
    log.info('status API listening', { url: server.url });
  }

  // SIGHUP: reload the file and apply the difference (peers changed live, prefixes diffed).
  const onHup = async (): Promise<void> => {
    let next: SpeakerFileConfig;
    try {
      next = await load();
    } catch (err) {
      log.error('config reload rejected; keeping the running config', { reason: (err as Error).message });
      return;
    }
    if (next.asn !== cfg.asn || next.routerId !== cfg.routerId || JSON.stringify(next.listen) !== JSON.stringify(cfg.listen)
      || next.clusterId !== cfg.clusterId || JSON.stringify(next.gracefulRestart) !== JSON.stringify(cfg.gracefulRestart)) {
      log.error('config reload rejected: asn, routerId, listen, clusterId and gracefulRestart need a restart', {});
      return;
    }
    // The new policies first, so peers added by this reload start with theirs.
    const policyChange = policy.replace(policySet(next));
    await speaker.setPeers(next.peers);
    applyPolicyChange(speaker, policyChange, log);
    const want = new Set(next.originate);
    for (const p of cfg.originate) if (!want.has(p)) speaker.withdraw(p);
    for (const p of next.originate) if (!cfg.originate.includes(p)) speaker.originate(p);
    cfg = next;
    log.info('config reloaded', { peers: next.peers.length, originate: next.originate.length });
  };
  process.on('SIGHUP', () => void onHup());

  const signal = await new Promise<string>((resolve) => {
    const stop = (sig: string) => {
      log.info('signal received; closing sessions', { signal: sig });
      resolve(sig);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // SIGTERM with graceful restart: leave without a NOTIFICATION, peers keep our routes as stale.
  // SIGINT (an operator's Ctrl-C) always withdraws with a Cease.
  const graceful = cfg.gracefulRestart !== undefined && signal === 'SIGTERM';
  log.info(graceful ? 'closing sessions without NOTIFICATION (graceful restart)' : 'closing sessions with a Cease', {});
  await speaker.stop('podroute speaker shutting down', { graceful });
  await server?.close();
  return 0;
}
