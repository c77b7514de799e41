import { QueryBus } from '@nestjs/cqrs';
import { GetProcessQuery } from '../../application/queries/process-queries';
import { NotFoundError } from '../../domain/errors';
import { ProcessType } from './types/process.types';

/** The process detail, or null for an unknown id (GraphQL's way to say "no such object"). */
export const findProcess = async (
  queries: QueryBus,
  id: string,
  atLeastRevision?: number,
): Promise<ProcessType | null> => {
  try {
    const detail = await queries.execute(new GetProcessQuery(id, atLeastRevision));
    // Only a process that does not exist lacks these, and that one is NotFound above.
    return { ...detail, startedAt: detail.startedAt ?? '', updatedAt: detail.updatedAt ?? '' };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
};
