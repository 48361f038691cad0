// NetlinkSocket against the real kernel, inside namespaces this test creates.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readlinkSync } from 'node:fs';
import { NETLINK_GENERIC, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL } from '../../../src/netlink/constants.js';
import { NetlinkError, NetlinkResyncError } from '../../../src/netlink/errors.js';
import { listGenlFamilies, resolveGenlFamily } from '../../../src/netlink/genl.js';
import { attrString, parseAttributes } from '../../../src/netlink/attributes.js';
import { openNetlink, type NetlinkSocket } from '../../../src/netlink/socket.js';
import type { NetlinkWriter } from '../../../src/netlink/writer.js';
import { makeNetns, requireRoot, type TestNetns } from './netns-harness.js';

requireRoot();

const RTM_GETLINK = 18;
const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const RTNLGRP_IPV4_ROUTE = 7;

/** Raw IPv4 route body: rtmsg + RTA_DST + RTA_GATEWAY (+ RTA_TABLE), written by hand on purpose. */
function route4(w: NetlinkWriter, dst: number[], len: number, gw?: number[]): void {
  w.u8(2).u8(len).u8(0).u8(0).u8(254).u8(201).u8(0).u8(1).u32(0);
  w.attr(1, Uint8Array.from(dst));
  if (gw) w.attr(5, Uint8Array.from(gw));
}

let ns: TestNetns;
let nl: NetlinkSocket;

beforeAll(() => {
  ns = makeNetns();
  nl = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name });
});
afterAll(() => {
  nl?.close();
  ns?.cleanup();
});

describe('NetlinkSocket (rtnetlink)', () => {
  test('socket opened in a namespace sees only that namespace', async () => {
    const msgs = await nl.dump(RTM_GETLINK, (w) => w.zeros(16));
    const names = msgs.map((m) => attrString(parseAttributes(m.payload, 16).get(3))).sort();
    expect(names).toEqual(['lo', ns.dev].sort());
    // and the main thread is back in its own namespace afterwards
    const before = readlinkSync('/proc/thread-self/ns/net');
    openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name }).close();
    expect(readlinkSync('/proc/thread-self/ns/net')).toBe(before);
  });

  test('request with ACK resolves; duplicate rejects with errno, code and ext-ack', async () => {
    await nl.request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, (w) => route4(w, [192, 0, 2, 0], 24, [10, 0, 0, 2]));
    expect(ns.ip(['route', 'show', '192.0.2.0/24'])).toContain('via 10.0.0.2');
    const err = await nl
      .request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, (w) => route4(w, [192, 0, 2, 0], 24, [10, 0, 0, 2]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect((err as NetlinkError).errno).toBe(17);
    expect((err as NetlinkError).code).toBe('EEXIST');
    await nl.request(RTM_DELROUTE, 0, (w) => route4(w, [192, 0, 2, 0], 24));
    const gone = (await nl.request(RTM_DELROUTE, 0, (w) => route4(w, [192, 0, 2, 0], 24)).catch((e: unknown) => e)) as NetlinkError;
    expect(gone.code).toBe('ESRCH');
  });

  test('ext-ack text is carried when the kernel explains a refusal', async () => {
    // Gateway not on any connected subnet: the kernel answers ENETUNREACH with "Nexthop has invalid gateway".
    const err = (await nl
      .request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, (w) => route4(w, [198, 51, 100, 0], 24, [172, 31, 9, 9]))
      .catch((e: unknown) => e)) as NetlinkError;
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err.code).toBe('ENETUNREACH');
    expect(typeof err.extAck).toBe('string');
    expect(err.message).toContain('ENETUNREACH');
  });

  test('bulk: many requests per datagram, per-request results', async () => {
    const n = 3000;
    const r = await nl.bulk(
      n,
      (i, w, seq) => {
        w.beginMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq, nl.portId);
        // request 1234 duplicates request 1233 → EEXIST for exactly that index
        const k = i === 1234 ? 1233 : i;
        route4(w, [10, 100, k >> 8, k & 255], 32, [10, 0, 0, 2]);
        w.endMessage();
      },
      { window: 700, maxDatagram: 8192 },
    );
    expect(r.failed).toBe(1);
    expect(r.ok).toBe(n - 1);
    expect([...r.errors.keys()]).toEqual([1234]);
    expect(r.errors.get(1234)!.code).toBe('EEXIST');
    const count = ns.ip(['route', 'show', 'proto', '201']).trim().split('\n').length;
    expect(count).toBe(n - 1);
    ns.ip(['route', 'flush', 'proto', '201']);
  });

  test('bulk: a request that cannot be encoded fails alone, the others are sent', async () => {
    const r = await nl.bulk(10, (i, w, seq) => {
      w.beginMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq, nl.portId);
      if (i === 3 || i === 9) throw new Error(`bad route ${i}`);
      route4(w, [10, 102, 0, i], 32, [10, 0, 0, 2]);
      w.endMessage();
    });
    expect(r.ok).toBe(8);
    expect([...r.errors].map(([i, e]) => [i, e.code, e.extAck])).toEqual([
      [3, 'EINVAL', 'not sent: bad route 3'],
      [9, 'EINVAL', 'not sent: bad route 9'],
    ]);
    expect(ns.ip(['route', 'show', 'proto', '201']).trim().split('\n')).toHaveLength(8);
    ns.ip(['route', 'flush', 'proto', '201']);
  });

  test('a throwing dump consumer fails that dump only; a throwing notification listener is reported', async () => {
    const err = await nl
      .dump(RTM_GETLINK, (w) => w.zeros(16), {
        onMessage: () => {
          throw new Error('consumer bug');
        },
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('consumer bug');
    expect(await nl.dump(RTM_GETLINK, (w) => w.zeros(16))).toHaveLength(2);
    const sub = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name, groups: [RTNLGRP_IPV4_ROUTE] });
    try {
      const reported: unknown[] = [];
      let seen = 0;
      sub.on('notification', () => {
        seen++;
        throw new Error('listener bug');
      });
      sub.on('callback-error', (e) => reported.push(e));
      ns.ip(['route', 'add', '10.103.0.0/24', 'via', '10.0.0.2', 'proto', '202']);
      ns.ip(['route', 'add', '10.103.1.0/24', 'via', '10.0.0.2', 'proto', '202']);
      const end = Date.now() + 2000;
      while (seen < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toBe(2);
      expect(reported).toHaveLength(2);
    } finally {
      sub.close();
      ns.ip(['route', 'flush', 'proto', '202']);
    }
  });

  test('ENOBUFS on a lagging subscriber emits resync-needed and the socket keeps working', async () => {
    const sub = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name, rcvbuf: 4096, groups: [RTNLGRP_IPV4_ROUTE] });
    try {
      const events: NetlinkResyncError[] = [];
      sub.on('resync-needed', (e: NetlinkResyncError) => events.push(e));
      // Flood while our event loop is blocked in execFileSync: the subscriber cannot keep up.
      const lines = Array.from({ length: 2000 }, (_, i) => `route add 10.200.${i >> 8}.${i & 255}/32 via 10.0.0.2 proto 202`).join('\n');
      ns.ip(['-batch', '-'], lines);
      await new Promise((r) => setTimeout(r, 50));
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events[0].code).toBe('resync-needed');
      expect(events[0].reason).toBe('ENOBUFS');
      const links = await sub.dump(RTM_GETLINK, (w) => w.zeros(16));
      expect(links.length).toBe(2);
    } finally {
      sub.close();
      ns.ip(['route', 'flush', 'proto', '202']);
    }
  });

  test('ENOBUFS during a bulk with a tiny receive buffer rejects with resync-needed, process survives', async () => {
    const small = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name, rcvbuf: 4096 });
    try {
      const events: unknown[] = [];
      small.on('resync-needed', (e) => events.push(e));
      const err = await small
        .bulk(
          5000,
          (i, w, seq) => {
            w.beginMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq, small.portId);
            route4(w, [10, 201, i >> 8, i & 255], 32, [10, 0, 0, 2]);
            w.endMessage();
          },
          { ackEach: true, window: 5000 },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkResyncError);
      expect((err as NetlinkResyncError).reason).toBe('ENOBUFS');
      expect(events.length).toBeGreaterThanOrEqual(1);
      // after the loss the socket still answers
      const links = await small.dump(RTM_GETLINK, (w) => w.zeros(16));
      expect(links.length).toBe(2);
    } finally {
      small.close();
      ns.ip(['route', 'flush', 'proto', '201']);
    }
  });

  test('close rejects work in flight and is idempotent', async () => {
    const s = openNetlink({ protocol: NETLINK_ROUTE, netns: ns.name });
    s.close();
    s.close();
    await expect(s.dump(RTM_GETLINK, (w) => w.zeros(16))).rejects.toBeInstanceOf(NetlinkResyncError);
  });
});

describe('generic netlink', () => {
  test('resolves nlctrl with version and lists families; unknown family is ENOENT', async () => {
    const g = openNetlink({ protocol: NETLINK_GENERIC, netns: ns.name });
    try {
      const ctrl = await resolveGenlFamily(g, 'nlctrl');
      expect(ctrl.id).toBe(16);
      expect(ctrl.name).toBe('nlctrl');
      expect(ctrl.version).toBeGreaterThanOrEqual(1);
      expect(ctrl.mcastGroups.get('notify')).toBeGreaterThan(0);
      const all = await listGenlFamilies(g);
      expect(all.map((f) => f.name)).toContain('nlctrl');
      const err = (await resolveGenlFamily(g, 'no-such-family').catch((e: unknown) => e)) as NetlinkError;
      expect(err.code).toBe('ENOENT');
    } finally {
      g.close();
    }
  });
});
