// Public surface of the service proxy.
export { ProxyController, type ProxyControllerDeps, type TimerOptions } from './controller.js';
export { computeIpvs, computeService, type DesiredIpvs, type DesiredService, type DesiredVirtualServer, type HealthCheck } from './desired.js';
export { defaultProxyConfig, type ProxyConfig } from './config.js';
export { OwnershipStore } from './ownership.js';
export { IpvsReconciler, type SyncStats } from './reconciler.js';
export { planSync } from './plan.js';
export { VipInterface, diffVips } from './vip.js';
export { computeNetfilter, type NetfilterSpec } from './netfilter.js';
export { ServiceNetfilter } from './netfilter-apply.js';
export { HealthCheckServers } from './healthcheck.js';
