// RFC 5881 §5: single-hop BFD packets are sent with TTL (hop limit) 255 and received ones with
// less are discarded. Linux applies IP_MINTTL / IPV6_MINHOPCOUNT to TCP only (a UDP socket with
// IP_MINTTL 255 still receives TTL 254: see the transport test), and Node's dgram cannot hand us
// IP_RECVTTL ancillary data. So the kernel drops them for us with a classic BPF socket filter
// (SO_ATTACH_FILTER) on Node's own UDP socket: load the TTL / hop-limit byte relative to the
// network header (SKF_NET_OFF) and keep the packet only if it is 255. Pure: the program's bytes.

/** SKF_NET_OFF from linux/filter.h: negative offsets address the network header. */
const SKF_NET_OFF = -0x100000;
const BPF_LD_B_ABS = 0x30; // BPF_LD | BPF_B | BPF_ABS
const BPF_JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const BPF_RET_K = 0x06; // BPF_RET | BPF_K

/** Offset of TTL in the IPv4 header, of Hop Limit in the IPv6 header. */
export const TTL_OFFSET = { 4: 8, 6: 7 } as const;

export interface BpfInsn { code: number; jt: number; jf: number; k: number }

/** Accept if ip.ttl (ip6.hop_limit) >= minTtl, else drop (return 0 bytes). */
export function ttlFilterProgram(family: 4 | 6, minTtl = 255): BpfInsn[] {
  return [
    { code: BPF_LD_B_ABS, jt: 0, jf: 0, k: (SKF_NET_OFF + TTL_OFFSET[family]) >>> 0 },
    { code: BPF_JGE_K, jt: 0, jf: 1, k: minTtl },
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0xffffffff },
    { code: BPF_RET_K, jt: 0, jf: 0, k: 0 },
  ];
}

/** struct sock_filter[] bytes (host order, x86_64/arm64 little endian). */
export function encodeBpf(prog: BpfInsn[]): Buffer {
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach((ins, i) => {
    b.writeUInt16LE(ins.code, i * 8);
    b.writeUInt8(ins.jt, i * 8 + 2);
    b.writeUInt8(ins.jf, i * 8 + 3);
    b.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return b;
}
