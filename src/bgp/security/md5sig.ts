// struct tcp_md5sig (linux/tcp.h), the value of setsockopt(IPPROTO_TCP, TCP_MD5SIG): one RFC 2385
// key for one peer address. Pure: the adapter in sockopt.ts hands these bytes to the kernel.
//
//   struct tcp_md5sig {
//     struct sockaddr_storage tcpm_addr;  //   0: 128 bytes, the peer (sockaddr_in or sockaddr_in6)
//     __u8  tcpm_flags;                   // 128: 0 — no prefix or ifindex matching
//     __u8  tcpm_prefixlen;               // 129
//     __u16 tcpm_keylen;                  // 130: 0 deletes the key for this address
//     int   tcpm_ifindex;                 // 132
//     __u8  tcpm_key[80];                 // 136
//   };                                    // 216 bytes
import { encodeSockaddr } from './sockaddr.js';

export const IPPROTO_TCP = 6;
export const TCP_MD5SIG = 14;
export const TCP_MD5SIG_LEN = 216;
/** TCP_MD5SIG_MAXKEYLEN: the kernel refuses longer keys with EINVAL. */
export const MD5_MAX_KEY_LEN = 80;

/** Why a password cannot be used as an RFC 2385 key, or undefined when it can. */
export function passwordProblem(password: string): string | undefined {
  const n = Buffer.byteLength(password, 'utf8');
  if (n === 0) return 'must not be empty (leave the key out for no TCP MD5)';
  if (n > MD5_MAX_KEY_LEN) return `is ${n} bytes; the kernel accepts at most ${MD5_MAX_KEY_LEN}`;
  return undefined;
}

/**
 * The option value that installs `password` for `peer` on a socket of `socketFamily`, or removes
 * the key for that peer when `password` is undefined. The key is the password's UTF-8 bytes, as
 * BIRD and FRR use them.
 */
export function encodeMd5sig(peer: string, socketFamily: 4 | 6, password: string | undefined): Buffer {
  const b = Buffer.alloc(TCP_MD5SIG_LEN);
  encodeSockaddr(peer, socketFamily).copy(b, 0);
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem) throw new Error(`TCP MD5 password ${problem}`);
    const key = Buffer.from(password, 'utf8');
    b.writeUInt16LE(key.length, 130);
    key.copy(b, 136);
  }
  return b;
}
