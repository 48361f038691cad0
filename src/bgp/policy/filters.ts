// Policies bound to peers, as the RIB's ImportFilter/ExportFilter hooks.
//
// A PolicySet is one compiled configuration (definitions + per-peer bindings). PolicyRuntime holds
// the current set behind two stable filter functions, so a reload swaps the set without touching
// the RIB, and reports which peers' import or export policy actually changed, so the caller asks
// only those peers for a route refresh and re-evaluates Adj-RIB-Out only when exports changed.

import type { ExportFilter, ImportFilter, PeerInfo, RibPath } from '../rib/types.js';
import { peerKey } from '../speaker/peer-config.js';
import type { PathAttributes } from '../wire/types.js';
import { compilePolicy, type CompiledPolicy } from './evaluate.js';
import type { PeerPolicyBinding, PolicyDefinitions } from './types.js';

interface Bound {
  import?: CompiledPolicy;
  export?: CompiledPolicy;
}

export class PolicySet {
  private readonly byPeer = new Map<string, Bound>();

  /** Throws when a binding names an undefined policy (config validation reports it with its key path first). */
  constructor(readonly definitions: PolicyDefinitions, bindings: Record<string, PeerPolicyBinding>) {
    const compiled = new Map<string, CompiledPolicy>();
    const get = (name: string): CompiledPolicy => {
      let c = compiled.get(name);
      if (c === undefined) {
        const def = definitions[name];
        if (def === undefined) throw new Error(`policy "${name}" is not defined`);
        compiled.set(name, (c = compilePolicy(name, def)));
      }
      return c;
    };
    for (const [address, b] of Object.entries(bindings)) {
      const bound: Bound = {};
      if (b.importPolicy !== undefined) bound.import = get(b.importPolicy);
      if (b.exportPolicy !== undefined) bound.export = get(b.exportPolicy);
      if (bound.import || bound.export) this.byPeer.set(peerKey(address), bound);
    }
  }

  importPolicy(peerId: string): CompiledPolicy | undefined {
    return this.byPeer.get(peerId)?.import;
  }

  exportPolicy(peerId: string): CompiledPolicy | undefined {
    return this.byPeer.get(peerId)?.export;
  }

  importFilter(peer: PeerInfo, prefix: string, attrs: PathAttributes): PathAttributes | null {
    const p = this.byPeer.get(peer.id)?.import;
    return p === undefined ? attrs : p.evaluate('import', peer, prefix, attrs);
  }

  exportFilter(peer: PeerInfo, prefix: string, path: RibPath, attrs: PathAttributes): PathAttributes | null {
    const p = this.byPeer.get(peer.id)?.export;
    return p === undefined ? attrs : p.evaluate('export', peer, prefix, attrs, path);
  }

  /** Peers bound to something in either set. */
  peerIds(): string[] {
    return [...this.byPeer.keys()];
  }
}

const signature = (p: CompiledPolicy | undefined): string => (p === undefined ? '' : JSON.stringify([p.name, p.definition]));

export interface PolicyChange {
  /** Peers whose import policy (name or content) changed: their routes must be filtered again. */
  importChanged: string[];
  /** Peers whose export policy changed. */
  exportChanged: string[];
}

export function diffPolicySets(a: PolicySet, b: PolicySet): PolicyChange {
  const ids = new Set([...a.peerIds(), ...b.peerIds()]);
  const importChanged: string[] = [];
  const exportChanged: string[] = [];
  for (const id of ids) {
    if (signature(a.importPolicy(id)) !== signature(b.importPolicy(id))) importChanged.push(id);
    if (signature(a.exportPolicy(id)) !== signature(b.exportPolicy(id))) exportChanged.push(id);
  }
  return { importChanged, exportChanged };
}

/** The current PolicySet behind stable filter functions (for a Rib built once). */
export class PolicyRuntime {
  constructor(private current: PolicySet) {}

  get set(): PolicySet {
    return this.current;
  }

  readonly importFilter: ImportFilter = (peer, prefix, attrs) => this.current.importFilter(peer, prefix, attrs);
  readonly exportFilter: ExportFilter = (peer, prefix, path, attrs) => this.current.exportFilter(peer, prefix, path, attrs);

  /** Swap in a new set; returns what changed. */
  replace(next: PolicySet): PolicyChange {
    const change = diffPolicySets(this.current, next);
    this.current = next;
    return change;
  }
}

/** Both filters in turn (first, e.g. the node agent's built-in rules, then second); either may reject. */
export function composeImport(first: ImportFilter | undefined, second: ImportFilter | undefined): ImportFilter | undefined {
  if (!first) return second;
  if (!second) return first;
  return (peer, prefix, attrs) => {
    const a = first(peer, prefix, attrs);
    return a === null ? null : second(peer, prefix, a);
  };
}

export function composeExport(first: ExportFilter | undefined, second: ExportFilter | undefined): ExportFilter | undefined {
  if (!first) return second;
  if (!second) return first;
  return (peer, prefix, path, attrs) => {
    const a = first(peer, prefix, path, attrs);
    return a === null ? null : second(peer, prefix, path, a);
  };
}
