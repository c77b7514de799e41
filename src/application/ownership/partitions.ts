/** How processes are spread over partitions: a stable hash of the process id. */
export const DEFAULT_PARTITIONS = 32;

/** FNV-1a, 32 bits: stable across versions and machines, unlike anything built into a runtime. */
export const shardOf = (processId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < processId.length; i++) {
    hash ^= processId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff;
};

export const partitionOf = (processId: string, partitionCount: number): number =>
  shardOf(processId) % partitionCount;
