// ClusterSource backed by a cluster file, reloaded when it changes. A file that fails to parse is
// reported and ignored: the last good view stays in force (never lose what works).
import { EventEmitter } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ClusterSource, SourceProblem } from './source.js';
import { emptyClusterView, type ClusterView } from './view.js';
import { parseClusterFile } from './file-format.js';
import type { Logger } from '../util/log.js';

export interface FileSourceOptions {
  path: string;
  log: Logger;
  /** Polling interval as a safety net for filesystems without inotify (ms). */
  pollMs?: number;
}

export class FileClusterSource extends EventEmitter<{ change: []; problem: [SourceProblem] }> implements ClusterSource {
  private current: ClusterView = emptyClusterView();
  private loaded = false;
  private lastText?: string;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private reloading?: Promise<void>;
  private again = false;

  constructor(private readonly opts: FileSourceOptions) {
    super();
  }

  async start(): Promise<void> {
    await this.reload();
    if (!this.loaded) throw new Error(`cluster file ${this.opts.path}: could not load it (see the log)`);
    // Watch the directory, not the file: editors and `kubectl`-style writers replace files by rename.
    try {
      this.watcher = watch(dirname(this.opts.path), (_ev, name) => {
        if (!name || name === basename(this.opts.path)) void this.reload();
      });
      this.watcher.on('error', () => {});
    } catch {
      /* polling below still works */
    }
    this.timer = setInterval(() => void this.reload(), this.opts.pollMs ?? 2000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.reloading;
  }

  view(): ClusterView {
    return this.current;
  }

  ready(): boolean {
    return this.loaded;
  }

  /** Reads and parses the file; serialized so overlapping events cannot apply an older read last. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.again = false;
        await this.reloadOnce();
      } while (this.again);
    })().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reloadOnce(): Promise<void> {
    let text: string;
    try {
      await stat(this.opts.path);
      text = await readFile(this.opts.path, 'utf8');
    } catch (err) {
      this.problem((err as Error).message);
      return;
    }
    if (text === this.lastText) return;
    this.lastText = text;
    try {
      this.current = parseClusterFile(text, this.opts.path);
    } catch (err) {
      this.problem((err as Error).message);
      return;
    }
    this.loaded = true;
    this.opts.log.info('cluster file loaded', { path: this.opts.path, nodes: this.current.nodes.size });
    this.emit('change');
  }

  private problem(reason: string): void {
    this.opts.log.error('cluster file rejected; keeping the last good view', { path: this.opts.path, reason });
    this.emit('problem', { object: this.opts.path, reason });
  }
}
