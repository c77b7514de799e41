/**
 * Counts the SQL statements the app sends while serving particular HTTP requests, ignoring
 * what runs in the background at the same time (runner, projections, timers). A request's
 * statements are those sent on a client handed out to code running on behalf of that request
 * (tracked with AsyncLocalStorage from an Express middleware).
 */
import { INestApplication } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, PoolClient } from 'pg';

export interface RequestStatements {
  path: string;
  statements: string[];
}

type ConnectCallback = (err: Error | undefined, client?: PoolClient, done?: unknown) => void;

export class StatementCounter {
  readonly requests: RequestStatements[] = [];
  private readonly current = new AsyncLocalStorage<RequestStatements>();
  private readonly owner = new WeakMap<PoolClient, RequestStatements | undefined>();

  /** Wraps the pool before the app uses it. */
  attach(pool: Pool): void {
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        this.owner
          .get(client)
          ?.statements.push(typeof first === 'string' ? first : String(first?.text));
        return query(...args);
      };
    });
    // pool.query() goes through connect() too, so every statement is seen exactly once.
    const connect = pool.connect.bind(pool) as (cb?: ConnectCallback) => Promise<PoolClient> | void;
    (pool as unknown as { connect: unknown }).connect = (cb?: ConnectCallback) => {
      const record = this.current.getStore();
      if (cb) {
        return connect((err, client, done) => {
          if (client) this.owner.set(client, record);
          cb(err, client, done);
        });
      }
      return (connect() as Promise<PoolClient>).then((client) => {
        this.owner.set(client, record);
        return client;
      });
    };
  }

  /** Statements sent while serving requests to `path` count towards that request. */
  track(app: INestApplication, path: string): void {
    app.use(path, (req: Request, _res: Response, next: NextFunction) => {
      const record = { path: req.originalUrl, statements: [] };
      this.requests.push(record);
      this.current.run(record, next);
    });
  }

  last(): RequestStatements {
    const record = this.requests[this.requests.length - 1];
    if (!record) throw new Error('no request was tracked');
    return record;
  }
}
