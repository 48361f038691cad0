// Which IPVS services podroute created, and for which Service. This is what makes "only its own"
// hold across restarts: the kernel has no owner field on an IPVS service, so we keep the record
// ourselves, in memory and (optionally) in a small JSON file under /run, written atomically.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServiceId } from '../netlink/ipvs/types.js';

export interface OwnedEntry {
  owner: string;
  id: ServiceId;
}

export class OwnershipStore {
  private readonly byKey = new Map<string, OwnedEntry>();
  private readonly byOwner = new Map<string, Set<string>>();
  /** Unsaved changes: a per-Service sync that changed no ownership must not rewrite the file. */
  private changed = false;

  constructor(private readonly file?: string) {}

  /** Loads the file if it exists; a corrupt file is an error (never guess ownership). */
  load(): this {
    if (!this.file) return this;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this;
      throw e;
    }
    const data = JSON.parse(text) as { version: number; entries: [string, OwnedEntry][] };
    if (data.version !== 1 || !Array.isArray(data.entries)) throw new Error(`${this.file}: unknown ownership format`);
    for (const [k, e] of data.entries) this.set(k, e);
    this.changed = false;
    return this;
  }

  save(): void {
    if (!this.file || !this.changed) return;
    this.changed = false;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, entries: [...this.byKey] }));
    renameSync(tmp, this.file);
  }

  get(key: string): OwnedEntry | undefined {
    return this.byKey.get(key);
  }
  has(key: string): boolean {
    return this.byKey.has(key);
  }
  keysOf(owner: string): string[] {
    return [...(this.byOwner.get(owner) ?? [])];
  }
  owners(): string[] {
    return [...this.byOwner.keys()];
  }
  get size(): number {
    return this.byKey.size;
  }
  /** key → owner, for the planner. */
  ownerMap(keys?: Iterable<string>): Map<string, string> {
    const m = new Map<string, string>();
    if (!keys) for (const [k, e] of this.byKey) m.set(k, e.owner);
    else for (const k of keys) {
      const e = this.byKey.get(k);
      if (e) m.set(k, e.owner);
    }
    return m;
  }

  set(key: string, e: OwnedEntry): void {
    const prev = this.byKey.get(key);
    if (prev && prev.owner === e.owner) {
      this.byKey.set(key, e);
      return;
    }
    this.delete(key);
    this.changed = true;
    this.byKey.set(key, e);
    let s = this.byOwner.get(e.owner);
    if (!s) this.byOwner.set(e.owner, (s = new Set()));
    s.add(key);
  }

  delete(key: string): void {
    const prev = this.byKey.get(key);
    if (!prev) return;
    this.changed = true;
    this.byKey.delete(key);
    const s = this.byOwner.get(prev.owner);
    s?.delete(key);
    if (s && s.size === 0) this.byOwner.delete(prev.owner);
  }
}
