// One run: fresh namespaces, a receiver, the injector; time from Established until the receiver
// holds all N prefixes; peak RSS (VmHWM) of the receiver process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuNs, Lab, peakRss } from '../../test/harness/netns.js';
import { now } from './injector.js';
import { INJECTOR, RECEIVER, type Receiver, type ReceiverHandle } from './receivers.js';

/** seconds: wall time Established → full RIB; cpuSeconds: CPU the receiver used meanwhile (all threads). */
export interface RunResult { seconds: number; cpuSeconds: number; peakRssBytes: number }

interface Done { t: number; cpu: number }

const INJECTOR_MAIN = fileURLToPath(new URL('./injector-main.js', import.meta.url));
const IDLE_MS = 200;
const SAMPLE_MS = 2;
const POLL_MIN_MS = 2;
const COUNT_TIMEOUT_MS = 30_000;

/** A counter read with its own deadline, so a lost reply fails the run instead of hanging it. */
async function countWithin(h: ReceiverHandle, name: string): Promise<number> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`${name}: no answer to the RIB count in ${COUNT_TIMEOUT_MS} ms`)), COUNT_TIMEOUT_MS); });
  try { return await Promise.race([h.count(), timeout]); } finally { clearTimeout(t); }
}

function injectorEvents(path: string): { event: string; t: number; [k: string]: unknown }[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; t: number });
}

export type Method = 'idle' | 'poll';

/**
 * Completion by quiescence (the default; the notes' advice): sample the receiver's CPU every 2 ms
 * (ns-resolution schedstat, no interaction with the daemon), read its count only after IDLE_MS
 * without CPU use, and date completion back to the last moment it was busy. Reading counters while
 * a daemon works slows some down: polling FRR's vty even at 2 % intervals about doubled its 1M time.
 */
async function untilIdleAndComplete(h: ReceiverHandle, name: string, n: number, sent: () => boolean, expired: () => void): Promise<Done> {
  let lastCpu = cpuNs(h.pid) ?? 0;
  let lastSample = now();
  let lastBusy = lastSample;
  let busyCpu = lastCpu;
  for (;;) {
    expired();
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    const cpu = cpuNs(h.pid) ?? lastCpu;
    const t = now();
    // Busy = more than 5 % of the interval on CPU; timers and keepalives stay below that.
    if (cpu - lastCpu > (t - lastSample) * 1e6 * 0.05) { lastBusy = t; busyCpu = cpu; }
    lastCpu = cpu;
    lastSample = t;
    if (t - lastBusy < IDLE_MS || !sent()) continue;
    const done = { t: lastBusy, cpu: busyCpu };
    if ((await countWithin(h, name)) >= n) return done;
    busyCpu = lastCpu = cpuNs(h.pid) ?? lastCpu;
    lastSample = lastBusy = now();
  }
}

/** Completion by polling the count, pausing elapsed/50 between reads (≤ 2 % timing error). */
async function untilCounted(h: ReceiverHandle, name: string, n: number, started: number, expired: () => void): Promise<Done> {
  for (;;) {
    expired();
    if ((await countWithin(h, name)) >= n) return { t: now(), cpu: cpuNs(h.pid) ?? NaN };
    await new Promise((r) => setTimeout(r, Math.max(POLL_MIN_MS, (now() - started) / 50)));
  }
}

export async function measure(receiver: Receiver, n: number, timeoutS: number, method: Method = 'idle'): Promise<RunResult> {
  const lab = new Lab();
  let handle: ReceiverHandle | undefined;
  try {
    const [inj, rcv] = await lab.pair(INJECTOR.address, RECEIVER.address);
    const h = handle = await receiver.start(lab, rcv);
    const cpu0 = cpuNs(h.pid) ?? NaN;
    const injector = inj.spawn('injector', process.execPath, [INJECTOR_MAIN, String(n), INJECTOR.address, RECEIVER.address]);
    const started = now();
    const deadline = Date.now() + timeoutS * 1000;
    const expired = (): void => {
      if (!injector.running) throw new Error(`${receiver.name}: injector ended early:\n${injector.output()}`);
      if (Date.now() > deadline) throw new Error(`${receiver.name}: not all ${n} prefixes after ${timeoutS} s`);
    };
    const done = method === 'idle'
      ? await untilIdleAndComplete(h, receiver.name, n, () => injector.output().includes('"sent"'), expired)
      : await untilCounted(h, receiver.name, n, started, expired);
    const est = injectorEvents(injector.stdoutPath).find((e) => e.event === 'established');
    if (!est) throw new Error(`${receiver.name}: no Established from the injector:\n${injector.output()}`);
    return { seconds: (done.t - est.t) / 1000, cpuSeconds: (done.cpu - cpu0) / 1e9, peakRssBytes: peakRss(h.pid) ?? NaN };
  } finally {
    handle?.close();
    await lab.dispose();
  }
}
