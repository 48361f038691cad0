// Entry point of the injector process: `node injector-main.js <prefixes> <local> <peer>`.
import { runInjector } from './injector.js';

const [n, local, peer] = process.argv.slice(2);
runInjector({ prefixes: Number(n), local, peer, asn: 65001, holdTime: 180 });
