/**
 * A GraphQL client for tests: queries over HTTP through `call` (so central changes to requests,
 * such as authentication headers, apply), subscriptions over a real WebSocket with graphql-ws.
 */
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Answer, call } from './api';
import { TEST_KEYS } from './auth';

export interface GraphqlResult<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

/**
 * A client for one Baton's GraphQL, authenticated with `key` (default: the test admin; null
 * sends no credential), as `Authorization: Bearer` over HTTP and in `connectionParams` over
 * WebSocket.
 */
export const graphql = (base: string, key: string | null = TEST_KEYS.admin) => ({
  query: <T = any>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Answer<GraphqlResult<T>>> =>
    call('POST', `${base}/api/graphql`, { query, variables }, {}, { key }),

  /** A graphql-ws client on the app's /api/graphql; dispose() it when done. */
  wsClient: (
    connectionParams: Record<string, unknown> = key ? { Authorization: `Bearer ${key}` } : {},
  ): Client =>
    createClient({
      url: `${base.replace(/^http/, 'ws')}/api/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
    }),
});

/** Collects what one subscription delivers, with a wait for a condition on it. */
export class SubscriptionRecorder<T = any> {
  readonly results: GraphqlResult<T>[] = [];
  error: unknown = null;
  completed = false;
  readonly unsubscribe: () => void;

  constructor(client: Client, query: string, variables?: Record<string, unknown>) {
    this.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => this.results.push(result as GraphqlResult<T>),
        error: (error) => (this.error = error),
        complete: () => (this.completed = true),
      },
    );
  }

  async waitFor(
    until: (results: GraphqlResult<T>[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<GraphqlResult<T>[]> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this.results)) {
      if (this.error || this.completed || Date.now() > deadline) {
        throw new Error(
          `subscription did not deliver what was expected (error: ${JSON.stringify(this.error)}, completed: ${this.completed}); got ${JSON.stringify(this.results).slice(0, 2000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.results;
  }
}
