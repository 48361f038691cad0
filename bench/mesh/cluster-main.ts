// Entry point of the simulated cluster process (spawned inside the cluster namespace):
// node cluster-main.js '<ClusterOptions as JSON>'
import { runCluster, type ClusterOptions } from './cluster.js';

runCluster(JSON.parse(process.argv[2]) as ClusterOptions);
