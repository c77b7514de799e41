/**
 * What "no lost and no doubled events" means for one completed create_l2vpn process, checked on
 * its full history: one start, each step completed exactly once, exactly one callback accepted
 * per token that received one (and one in all), one confirmation, one completion, and revisions
 * without gaps.
 */
export interface StoredEvent {
  eventId: string;
  revision: number;
  type: string;
  data: { index?: number; tokenId?: string };
  metadata: { at: string };
}

export interface HistoryFindings {
  problems: string[];
  revoked: StoredEvent[];
}

const count = (events: StoredEvent[], type: string) => events.filter((e) => e.type === type).length;

export const checkCompletedHistory = (id: string, events: StoredEvent[]): HistoryFindings => {
  const problems: string[] = [];
  const expectOne = (type: string) => {
    const n = count(events, type);
    if (n !== 1) problems.push(`${id}: ${n} × ${type}`);
  };
  ['ProcessStarted', 'CallbackReceived', 'ConfirmationGiven', 'ProcessCompleted'].forEach(
    expectOne,
  );
  const completedSteps = new Map<number, number>();
  for (const e of events.filter((e) => e.type === 'StepCompleted'))
    completedSteps.set(e.data.index!, (completedSteps.get(e.data.index!) ?? 0) + 1);
  for (const [index, n] of completedSteps)
    if (n !== 1) problems.push(`${id}: step ${index} completed ${n} times`);
  const received = new Map<string, number>();
  for (const e of events.filter((e) => e.type === 'CallbackReceived'))
    received.set(e.data.tokenId!, (received.get(e.data.tokenId!) ?? 0) + 1);
  for (const [token, n] of received)
    if (n !== 1) problems.push(`${id}: token ${token} received ${n}×`);
  events.forEach((e, i) => {
    if (e.revision !== i) problems.push(`${id}: revision ${e.revision} at place ${i}`);
  });
  if (events[events.length - 1]?.type !== 'ProcessCompleted')
    problems.push(`${id}: ends with ${events[events.length - 1]?.type}`);
  return { problems, revoked: events.filter((e) => e.type === 'CallbackRevoked') };
};
