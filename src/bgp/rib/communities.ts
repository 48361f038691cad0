// Well-known communities (RFC 1997) that change where a route may be advertised.

export const NO_EXPORT = 0xffffff01;
export const NO_ADVERTISE = 0xffffff02;
export const NO_EXPORT_SUBCONFED = 0xffffff03;

/** Scope of advertisement a route's communities allow (ordered: wider scope is smaller). */
export const SCOPE_ANYONE = 0;
/** NO_EXPORT / NO_EXPORT_SUBCONFED: not outside our AS (no eBGP peer; we have no confederation). */
export const SCOPE_OWN_AS = 1;
/** NO_ADVERTISE: no peer at all. */
export const SCOPE_NOBODY = 2;
export type Scope = typeof SCOPE_ANYONE | typeof SCOPE_OWN_AS | typeof SCOPE_NOBODY;

export function advertiseScope(communities: readonly number[] | undefined): Scope {
  if (!communities || communities.length === 0) return SCOPE_ANYONE;
  let scope: Scope = SCOPE_ANYONE;
  for (const c of communities) {
    if (c === NO_ADVERTISE) return SCOPE_NOBODY;
    if (c === NO_EXPORT || c === NO_EXPORT_SUBCONFED) scope = SCOPE_OWN_AS;
  }
  return scope;
}
