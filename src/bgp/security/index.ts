// Session security: TCP MD5 (RFC 2385), GTSM and eBGP TTL (RFC 5082), maximum prefixes (RFC 4486).
export { encodeSockaddr, AF_INET, AF_INET6 } from './sockaddr.js';
export { encodeMd5sig, passwordProblem, MD5_MAX_KEY_LEN, TCP_MD5SIG_LEN } from './md5sig.js';
export { ttlSettings, ttlConfigProblem, GTSM_TTL, GTSM_MIN_TTL, EBGP_DEFAULT_TTL, type TtlSettings, type TtlConfig } from './ttl-policy.js';
export { exceededLimit, maxPrefixData, type MaxPrefixes, type MaxPrefixAction, type MaxPrefixExceeded } from './max-prefix.js';
