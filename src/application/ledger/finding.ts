/** One thing an audit found wrong, placed as precisely as the evidence allows. */
export interface Finding {
  /** Plain words: what is wrong. */
  what: string;
  eventId?: string;
  streamId?: string;
  revision?: number;
  position?: number;
  leaf?: number;
}

/** "event <id> (stream s, revision r, position p)" for messages. */
export const describeEvent = (f: Omit<Finding, 'what'>): string => {
  const where = [
    f.streamId !== undefined ? `stream ${f.streamId}` : undefined,
    f.revision !== undefined ? `revision ${f.revision}` : undefined,
    f.position !== undefined ? `position ${f.position}` : undefined,
  ].filter((part) => part !== undefined);
  return `event ${f.eventId ?? '?'}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
};

/** Earliest in the global order first; findings without a place first (they concern all). */
export const byPlace = (a: Finding, b: Finding): number => (a.position ?? -1) - (b.position ?? -1);
