// Persistent clients for the daemons' own control sockets. Spawning birdc/vtysh per poll costs
// 5–40 ms, longer than BIRD takes to learn 100k prefixes, so the benchmark talks to the unix
// sockets directly and polls back to back.
import { connect, type Socket } from 'node:net';

/** A request/response client over a unix socket; `complete` says when a reply has fully arrived. */
class LineClient {
  private buf = '';
  private waiter: ((s: string) => void) | undefined;
  private failed: Error | undefined;

  private constructor(private readonly sock: Socket, private readonly complete: (s: string) => number) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => { this.buf += d; this.check(); });
    sock.on('error', (e) => { this.failed = e; });
    sock.on('close', () => { this.failed ??= new Error('control socket closed'); });
  }

  static open(path: string, complete: (s: string) => number): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new LineClient(s, complete)));
      s.once('error', reject);
    });
  }

  private check(): void {
    const end = this.complete(this.buf);
    if (end >= 0 && this.waiter) {
      const reply = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      const w = this.waiter;
      this.waiter = undefined;
      w(reply);
    }
  }

  /** Waits for an unsolicited greeting (BIRD sends one on connect). */
  next(): Promise<string> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve) => { this.waiter = resolve; this.check(); });
  }

  request(data: string): Promise<string> {
    const p = this.next();
    this.sock.write(data);
    return p;
  }

  close(): void { this.sock.destroy(); }
}

/**
 * BIRD's control protocol: lines "NNNN-text" continue a reply, "NNNN text" ends a block; the reply
 * ends with a line whose code starts with 0 (OK), 8 or 9 (errors).
 */
export class BirdSocket {
  private constructor(private readonly c: LineClient) {}

  static async open(path: string): Promise<BirdSocket> {
    const c = await LineClient.open(path, (s) => {
      const m = /(^|\n)[089]\d{3} [^\n]*\n/.exec(s);
      return m ? m.index + m[0].length : -1;
    });
    await c.next(); // "0001 BIRD x.y.z ready."
    return new BirdSocket(c);
  }

  command(cmd: string): Promise<string> { return this.c.request(`${cmd}\n`); }

  /** "Routes: N imported" of a BGP protocol's first channel. */
  async imported(proto: string): Promise<number> {
    const m = /Routes:\s+(\d+) imported/.exec(await this.command(`show protocols all ${proto}`));
    return m ? Number(m[1]) : 0;
  }

  close(): void { this.c.close(); }
}

/**
 * FRR's vtysh protocol on a daemon's `<name>.vty` socket: a command is sent NUL-terminated; the
 * reply is its output followed by three NUL bytes and a status byte.
 */
export class FrrVtySocket {
  private constructor(private readonly c: LineClient) {}

  static async open(path: string): Promise<FrrVtySocket> {
    const c = await LineClient.open(path, (s) => {
      const i = s.indexOf('\0\0\0');
      return i >= 0 && s.length >= i + 4 ? i + 4 : -1;
    });
    return new FrrVtySocket(c);
  }

  async command(cmd: string): Promise<string> {
    const r = await this.c.request(`${cmd}\0`);
    return r.slice(0, r.indexOf('\0\0\0'));
  }

  /** pfxRcd of one IPv4 neighbor from the summary (a per-peer counter; no table walk). */
  async received(neighbor: string): Promise<number> {
    const j = JSON.parse(await this.command('show bgp ipv4 unicast summary json')) as { peers?: Record<string, { pfxRcd?: number }> };
    return j.peers?.[neighbor]?.pfxRcd ?? 0;
  }

  close(): void { this.c.close(); }
}
