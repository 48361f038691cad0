// Typed IPVS objects as the kernel sees them. Addresses are canonical text (node's net.isIP forms);
// the codec turns them into the 16-byte union nf_inet_addr and back.

export type IpvsFamily = 4 | 6;
export type IpvsProtocol = 'tcp' | 'udp' | 'sctp';
export type IpvsScheduler = 'rr' | 'wrr' | 'lc' | 'wlc' | 'lblc' | 'lblcr' | 'dh' | 'sh' | 'sed' | 'nq' | 'fo' | 'ovf' | 'mh' | 'twos';
export type ForwardMethod = 'masq' | 'local' | 'tunnel' | 'route' | 'bypass';
export type TunnelType = 'ipip' | 'gue' | 'gre';

/** Scheduler flags. sh and mh share the kernel bits SCHED1 (fallback) and SCHED2 (port). */
export interface SchedulerFlags {
  /** sh/mh: pick another server when the hashed one is unavailable (weight 0 / overloaded). */
  fallback?: boolean;
  /** sh/mh: hash the source port as well as the address. */
  port?: boolean;
  /** SCHED3: reserved by the kernel, carried for round trips. */
  flag3?: boolean;
}

/** What identifies a virtual service: either protocol+address+port, or a firewall mark. */
export type ServiceId =
  | { family: IpvsFamily; protocol: IpvsProtocol; address: string; port: number; fwmark?: undefined }
  | { family: IpvsFamily; fwmark: number; protocol?: undefined; address?: undefined; port?: undefined };

export interface IpvsService {
  id: ServiceId;
  scheduler: IpvsScheduler | string;
  schedFlags: SchedulerFlags;
  /** Persistence timeout in seconds; 0 means not persistent. */
  persistence: number;
  /** Persistence granularity: prefix length (0..32 for IPv4, 1..128 for IPv6). */
  netmaskBits: number;
  onePacket: boolean;
  /** Persistence engine name (e.g. "sip"); empty for none. */
  persistenceEngine?: string;
}

export interface IpvsDestination {
  address: string;
  port: number;
  /** Address family of the destination when it differs from the service (tunnel only). */
  family?: IpvsFamily;
  forward: ForwardMethod;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnelType?: TunnelType;
  tunnelPort?: number;
  tunnelFlags?: number;
}

export interface IpvsStats {
  conns: bigint;
  inPkts: bigint;
  outPkts: bigint;
  inBytes: bigint;
  outBytes: bigint;
  cps: bigint;
  inPps: bigint;
  outPps: bigint;
  inBps: bigint;
  outBps: bigint;
}

/** A service as dumped from the kernel: configuration plus counters. */
export interface IpvsServiceEntry extends IpvsService {
  /** Raw kernel flags (with HASHED) for diagnostics. */
  rawFlags: number;
  stats?: IpvsStats;
}

export interface IpvsDestinationEntry extends IpvsDestination {
  activeConns: number;
  inactiveConns: number;
  persistConns: number;
  stats?: IpvsStats;
}

/** Connection timeouts in seconds; 0 in a set request means "leave unchanged". */
export interface IpvsTimeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface IpvsInfo {
  /** e.g. "1.2.1" */
  version: string;
  connTableSize: number;
}
