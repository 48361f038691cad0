// Numbers from the kernel's include/uapi/linux/ip_vs.h (generic netlink interface, IPVS_GENL_VERSION 1)
// and include/uapi/linux/netlink.h. Kept in one table so a reader can diff it against the header.

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

/** enum IPVS_CMD_* */
export const Cmd = {
  NEW_SERVICE: 1,
  SET_SERVICE: 2,
  DEL_SERVICE: 3,
  GET_SERVICE: 4,
  NEW_DEST: 5,
  SET_DEST: 6,
  DEL_DEST: 7,
  GET_DEST: 8,
  NEW_DAEMON: 9,
  DEL_DAEMON: 10,
  GET_DAEMON: 11,
  SET_CONFIG: 12,
  GET_CONFIG: 13,
  SET_INFO: 14,
  GET_INFO: 15,
  ZERO: 16,
  FLUSH: 17,
} as const;

/** enum IPVS_CMD_ATTR_* (top level of every IPVS message) */
export const CmdAttr = {
  SERVICE: 1,
  DEST: 2,
  DAEMON: 3,
  TIMEOUT_TCP: 4,
  TIMEOUT_TCP_FIN: 5,
  TIMEOUT_UDP: 6,
} as const;

/** enum IPVS_SVC_ATTR_* (nested in CmdAttr.SERVICE) */
export const SvcAttr = {
  AF: 1, // u16
  PROTOCOL: 2, // u16
  ADDR: 3, // union nf_inet_addr, 16 bytes
  PORT: 4, // be16
  FWMARK: 5, // u32
  SCHED_NAME: 6, // NUL-terminated string, < IP_VS_SCHEDNAME_MAXLEN
  FLAGS: 7, // struct ip_vs_flags { u32 flags; u32 mask; }
  TIMEOUT: 8, // u32 persistence timeout, seconds
  NETMASK: 9, // be32 mask (IPv4) or prefix length (IPv6)
  STATS: 10, // nested IPVS_STATS_ATTR_* (32-bit counters)
  PE_NAME: 11, // string
  STATS64: 12, // nested IPVS_STATS_ATTR_* (all u64)
} as const;

/** enum IPVS_DEST_ATTR_* (nested in CmdAttr.DEST) */
export const DestAttr = {
  ADDR: 1, // union nf_inet_addr
  PORT: 2, // be16
  FWD_METHOD: 3, // u32, IP_VS_CONN_F_FWD_MASK bits
  WEIGHT: 4, // u32 (int)
  U_THRESH: 5, // u32
  L_THRESH: 6, // u32
  ACTIVE_CONNS: 7, // u32
  INACT_CONNS: 8, // u32
  PERSIST_CONNS: 9, // u32
  STATS: 10,
  ADDR_FAMILY: 11, // u16
  STATS64: 12,
  TUN_TYPE: 13, // u8
  TUN_PORT: 14, // be16
  TUN_FLAGS: 15, // u16
} as const;

/** enum IPVS_STATS_ATTR_* */
export const StatsAttr = {
  CONNS: 1,
  INPKTS: 2,
  OUTPKTS: 3,
  INBYTES: 4,
  OUTBYTES: 5,
  CPS: 6,
  INPPS: 7,
  OUTPPS: 8,
  INBPS: 9,
  OUTBPS: 10,
  PAD: 11,
} as const;

/** enum IPVS_INFO_ATTR_* */
export const InfoAttr = { VERSION: 1, CONN_TAB_SIZE: 2 } as const;

/** IP_VS_SVC_F_* */
export const SvcFlag = {
  PERSISTENT: 0x0001,
  HASHED: 0x0002, // set by the kernel on every service it holds; never ours to set
  ONEPACKET: 0x0004,
  SCHED1: 0x0008,
  SCHED2: 0x0010,
  SCHED3: 0x0020,
} as const;

/** IP_VS_CONN_F_* forwarding methods (the low 3 bits). */
export const FwdMethod = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3, BYPASS: 4 } as const;
export const FWD_MASK = 0x0007;

/** IP_VS_CONN_F_TUNNEL_TYPE_* */
export const TunType = { IPIP: 0, GUE: 1, GRE: 2 } as const;
/** IP_VS_TUNNEL_ENCAP_FLAG_* */
export const TunFlag = { CSUM: 1 << 0, REMCSUM: 1 << 1 } as const;

export const IP_VS_SCHEDNAME_MAXLEN = 16;
export const IP_VS_PENAME_MAXLEN = 16;

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

// include/uapi/linux/netlink.h
export const NETLINK_GENERIC = 16;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
export const NLA_F_NESTED = 0x8000;
export const NLA_TYPE_MASK = 0x3fff;
export const NLMSG_HDRLEN = 16;
export const GENL_HDRLEN = 4;
