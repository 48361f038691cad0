// What every daemon adapter shares: its own directory in the Lab, its process, and the bookkeeping
// of routes announced at runtime so restart() brings them back.
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { FatalWaitError, type Netns, type NsProcess } from '../netns.js';
import type { DaemonConfig, Originate, RouteAttrs } from './types.js';

let instanceCounter = 0;

export abstract class DaemonInstance {
  readonly dir: string;
  protected proc: NsProcess | undefined;
  /** Config originate list plus runtime announcements, in order, keyed by prefix. */
  protected readonly originated = new Map<string, Originate>();

  constructor(readonly ns: Netns, protected readonly config: DaemonConfig, kind: string) {
    this.dir = ns.lab.path(`${kind}-${++instanceCounter}`);
    mkdirSync(this.dir, { recursive: true });
    for (const o of config.originate ?? []) this.originated.set(o.prefix, o);
  }

  get pid(): number {
    if (!this.proc) throw new Error('harness: daemon not started');
    return this.proc.pid;
  }

  /** Extra log files an adapter wants shown in failure messages. */
  protected logFiles(): string[] { return []; }

  logs(): string {
    const files = this.logFiles().filter((f) => existsSync(f)).map((f) => `--- ${f}\n${readFileSync(f, 'utf8')}`);
    return [this.proc?.output() ?? '', ...files].join('\n');
  }

  protected remember(prefix: string, attrs: RouteAttrs = {}): Originate {
    const o = { prefix, ...attrs };
    this.originated.set(prefix, o);
    return o;
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  /** Throws with the daemon's output when it died while we waited for it. */
  protected assertRunning(): void {
    if (this.proc && !this.proc.running) throw new FatalWaitError(`harness: ${this.proc.name} exited; output:\n${this.logs()}`);
  }
}

/** "65000:1" → [65000, 1]; validates so config generators never emit garbage. */
export function splitCommunity(c: string, parts: 2 | 3): number[] {
  const n = c.split(':').map(Number);
  if (n.length !== parts || n.some((x) => !Number.isInteger(x) || x < 0)) throw new Error(`harness: bad community "${c}"`);
  return n;
}
