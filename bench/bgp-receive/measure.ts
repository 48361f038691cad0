// One run: fresh namespaces, a receiver, the injector; time from Established until the receiver
// holds all N prefixes; peak RSS (VmHWM) of the receiver process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuTicks, Lab, peakRss } from '../../test/harness/netns.js';
import { now } from './injector.js';
import { INJECTOR, RECEIVER, type Receiver, type ReceiverHandle } from './receivers.js';

export interface RunResult { seconds: number; peakRssBytes: number }

const INJECTOR_MAIN = fileURLToPath(new URL('./injector-main.js', import.meta.url));
const IDLE_MS = 200;
const POLL_MS = 2;
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

export async function measure(receiver: Receiver, n: number, timeoutS: number): Promise<RunResult> {
  const lab = new Lab();
  let handle: ReceiverHandle | undefined;
  try {
    const [inj, rcv] = await lab.pair(INJECTOR.address, RECEIVER.address);
    handle = await receiver.start(lab, rcv);
    const injector = inj.spawn('injector', process.execPath, [INJECTOR_MAIN, String(n), INJECTOR.address, RECEIVER.address]);
    const deadline = Date.now() + timeoutS * 1000;
    let done: number | undefined;
    let lastTicks = cpuTicks(handle.pid);
    let lastBusy = now();
    let last = 0;
    while (done === undefined) {
      if (Date.now() > deadline) throw new Error(`${receiver.name}: only ${last} of ${n} prefixes after ${timeoutS} s\n${injector.output()}`);
      if (!injector.running) throw new Error(`${receiver.name}: injector ended early:\n${injector.output()}`);
      if (!handle.expensive) {
        last = await countWithin(handle, receiver.name);
        if (last >= n) done = now();
        // A short pause between reads: back-to-back queries would compete with the receiver's
        // own work (FRR answers the vty on the thread that processes UPDATEs).
        else await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      // Expensive counter: sample CPU every 10 ms; read the count only after IDLE_MS of no CPU
      // use, and then date completion back to the last moment the receiver was busy.
      await new Promise((r) => setTimeout(r, 10));
      const ticks = cpuTicks(handle.pid);
      if (ticks !== lastTicks) { lastTicks = ticks; lastBusy = now(); continue; }
      if (now() - lastBusy < IDLE_MS || !injector.output().includes('"sent"')) continue;
      const busyUntil = lastBusy;
      last = await countWithin(handle, receiver.name);
      if (last >= n) done = busyUntil;
      lastTicks = cpuTicks(handle.pid);
      lastBusy = now();
    }
    const est = injectorEvents(injector.stdoutPath).find((e) => e.event === 'established');
    if (!est) throw new Error(`${receiver.name}: no Established from the injector:\n${injector.output()}`);
    return { seconds: (done - est.t) / 1000, peakRssBytes: peakRss(handle.pid) ?? NaN };
  } finally {
    handle?.close();
    await lab.dispose();
  }
}
