// The simulated cluster: ONE process holding N minimal iBGP speakers, each an active session from its
// own address in the cluster namespace to the hub. Each speaker sends OPEN (4-octet AS, MP IPv4) and
// KEEPALIVEs (every keepalive time, jittered 0.75–1.0 as RFC 4271 suggests), and parses just enough
// of incoming UPDATEs to see IPv4 NLRI and withdrawals (classic fields and MP_REACH/MP_UNREACH).
// Reports JSON lines on stdout with wall-clock ms (performance.timeOrigin + now), like the
// bgp-receive injector, so the parent can compare them with its own clock.
import { connect, type Socket } from 'node:net';
import { keepalive, MSG, open } from '../bgp-receive/encoder.js';
import { now } from '../bgp-receive/injector.js';

export interface ClusterOptions { hub: string; addresses: string[]; asn: number; holdTime: number; keepalive: number; deadlineS: number; spreadMs: number }

const MAX_CONNECTS = 20;

function report(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ e: event, t: now(), ...fields })}\n`);
}

function readPrefixes(b: Buffer, off: number, end: number, out: string[]): void {
  while (off < end) {
    const len = b[off++];
    const n = (len + 7) >> 3;
    const a = [0, 0, 0, 0];
    for (let k = 0; k < n && k < 4; k++) a[k] = b[off + k];
    off += n;
    out.push(`${a.join('.')}/${len}`);
  }
}

/** IPv4 unicast announced and withdrawn prefixes of one UPDATE (whole message, header included). */
export function parseUpdate(m: Buffer): { announced: string[]; withdrawn: string[] } {
  const announced: string[] = [];
  const withdrawn: string[] = [];
  let off = 19;
  const wlen = m.readUInt16BE(off);
  readPrefixes(m, off + 2, off + 2 + wlen, withdrawn);
  off += 2 + wlen;
  const alen = m.readUInt16BE(off);
  off += 2;
  const attrEnd = off + alen;
  while (off < attrEnd) {
    const flags = m[off];
    const type = m[off + 1];
    const ext = (flags & 0x10) !== 0;
    const len = ext ? m.readUInt16BE(off + 2) : m[off + 2];
    const v = off + (ext ? 4 : 3);
    if ((type === 14 || type === 15) && m.readUInt16BE(v) === 1 && m[v + 2] === 1) {
      if (type === 15) readPrefixes(m, v + 3, v + len, withdrawn);
      else { const nh = m[v + 3]; readPrefixes(m, v + 4 + nh + 1, v + len, announced); }
    }
    off = v + len;
  }
  readPrefixes(m, attrEnd, m.length, announced);
  return { announced, withdrawn };
}

function speaker(i: number, local: string, o: ClusterOptions): void {
  let connects = 0;
  const start = (): void => {
    if (++connects > MAX_CONNECTS) { report('gaveup', { i }); return; }
    const sock: Socket = connect({ host: o.hub, port: 179, localAddress: local });
    sock.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let gotOpen = false;
    let established = false;
    let ka: NodeJS.Timeout | undefined;
    const sendKeepalive = (): void => {
      sock.write(keepalive());
      ka = setTimeout(sendKeepalive, o.keepalive * 1000 * (0.75 + Math.random() / 4));
    };
    sock.on('connect', () => sock.write(open(o.asn, o.holdTime, local)));
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 19) {
        const len = buf.readUInt16BE(16);
        if (buf.length < len) break;
        const type = buf[18];
        const msg = buf.subarray(0, len);
        buf = buf.subarray(len);
        if (type === MSG.NOTIFICATION) {
          report('notification', { i, code: msg[19], subcode: msg[20] });
          sock.destroy();
          return;
        }
        if (type === MSG.OPEN && !gotOpen) {
          gotOpen = true;
          sock.write(keepalive());
        } else if (type === MSG.KEEPALIVE && gotOpen && !established) {
          established = true;
          report('est', { i });
          ka = setTimeout(sendKeepalive, o.keepalive * 1000 * (0.75 + Math.random() / 4));
        } else if (type === MSG.UPDATE && established) {
          const u = parseUpdate(msg);
          const t = now();
          for (const p of u.announced) report('ann', { i, p, t });
          for (const p of u.withdrawn) report('wd', { i, p, t });
        }
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(ka);
      report('down', { i, established });
      setTimeout(start, 1000);
    });
  };
  start();
}

export function runCluster(o: ClusterOptions): void {
  report('start', { peers: o.addresses.length });
  // spreadMs 0: every peer connects at once (the worst case: the hub just restarted); otherwise
  // peer i starts at i/N of the spread, as nodes joining one after another would.
  o.addresses.forEach((a, i) => { if (o.spreadMs > 0) setTimeout(() => speaker(i, a, o), (i * o.spreadMs) / o.addresses.length); else speaker(i, a, o); });
  // Bounded: the parent normally stops us long before this.
  setTimeout(() => { report('deadline'); process.exit(0); }, o.deadlineS * 1000);
}
