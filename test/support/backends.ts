/**
 * The four backends every conformance suite runs on: the embedded engine,
 * a real redis-server, brook server (in this process) and a local 3-master
 * Redis Cluster. useBackends() starts the servers in before() and stops them
 * in after(); each backend's url() is valid once before() has run.
 */
import { after, before } from 'node:test';
import { startBrookInProcess, type InProcessServer } from './brook-server.ts';
import { startCluster, type RedisCluster } from './redis-cluster.ts';
import { startRedis, type RedisProcess } from './redis-server.ts';

export interface Backend {
  name: string;
  url: () => string;
}

export function useBackends(): Backend[] {
  let redis: RedisProcess | undefined;
  let brook: InProcessServer | undefined;
  let cluster: RedisCluster | undefined;
  before(async () => {
    [redis, brook, cluster] = await Promise.all([startRedis(), startBrookInProcess(), startCluster()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), brook?.stop(), cluster?.stop()]);
  });
  return [
    { name: 'embedded', url: () => 'brook://memory' },
    { name: 'redis-server', url: () => redis!.url },
    { name: 'brook server', url: () => `redis://127.0.0.1:${brook!.port}` },
    { name: 'a 3-master Redis Cluster', url: () => cluster!.url },
  ];
}
