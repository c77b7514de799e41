import { randomUUID } from 'node:crypto';
import { Clock, IdGenerator } from '../application/ports/clock';

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { uuid: () => randomUUID() };
