import { NotFoundError, RateLimitedError } from '../../domain/errors';
import { UNKNOWN_CALLBACK } from '../../domain/process/decide';
import { CallbackToken, ProcessState } from '../../domain/process/state';
import { CallbackStep } from '../../domain/workflow/dsl';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { ProcessRepository } from '../process/process-repository';
import { matchToken } from './tokens';

export interface LoadedCallback {
  state: ProcessState;
  token: CallbackToken;
  /** The step that issued the token, as defined in the process's workflow version. */
  step: CallbackStep | undefined;
}

/**
 * What a remote service's call refers to: the process, the token it presented (matched by hash
 * in constant time) and the step behind it. Unknown process and unknown token take the same
 * path (one read of the stream, one hash, the same refusal): a caller learns nothing from either
 * the answer or the work done.
 */
export const loadCallback = async (
  repository: ProcessRepository,
  registry: WorkflowRegistry,
  processId: string,
  presentedToken: string,
): Promise<LoadedCallback> => {
  // The cached fold will do if it knows the token: the append that follows carries its revision.
  // Otherwise the stream is read, for an unknown process and an unknown token alike.
  const { state } = await repository.loadAtLeast(
    processId,
    -1,
    (cached) => matchToken(cached.tokens, presentedToken) !== undefined,
  );
  const token = matchToken(state.tokens, presentedToken);
  if (!token) throw new NotFoundError(UNKNOWN_CALLBACK);
  const step = registry.get(state.workflow, state.workflowVersion).steps[token.index];
  return { state, token, step: step?.kind === 'callback' ? step : undefined };
};

export const refusalLimited = (): RateLimitedError =>
  new RateLimitedError('Too many refused callback attempts; try again later');

/** loadCallback, answering 429 instead of 404 while the process is rate limited. */
export const loadCallbackOrLimit = async (
  repository: ProcessRepository,
  registry: WorkflowRegistry,
  processId: string,
  presentedToken: string,
  limited: boolean,
): Promise<LoadedCallback> => {
  try {
    return await loadCallback(repository, registry, processId, presentedToken);
  } catch (error) {
    if (limited && error instanceof NotFoundError) throw refusalLimited();
    throw error;
  }
};
