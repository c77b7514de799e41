/**
 * Counts every SQL statement this Node process sends through `pg`, whoever sends it (request
 * handlers, the runner, projections, timers, ownership), by wrapping Client.prototype.query.
 * Statements sent while `within(record, …)` runs are also added to that record (tracked with
 * AsyncLocalStorage), to attribute them to one piece of work such as a projection batch.
 * Clients passed to `ignore` are the test's own observers and are not counted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';

export interface StatementRecord {
  statements: string[];
}

type Query = (...args: unknown[]) => unknown;

export class AllStatements {
  readonly all: string[] = [];
  private readonly current = new AsyncLocalStorage<StatementRecord>();
  private readonly ignored = new WeakSet<object>();
  private original?: Query;

  install(): void {
    const original = Client.prototype.query as unknown as Query;
    this.original = original;
    const record = (client: object, first: unknown): void => {
      if (this.ignored.has(client)) return;
      const text = typeof first === 'string' ? first : String((first as { text?: string })?.text);
      this.all.push(text);
      this.current.getStore()?.statements.push(text);
    };
    (Client.prototype as unknown as { query: Query }).query = function (
      this: object,
      ...args: unknown[]
    ) {
      record(this, args[0]);
      return original.apply(this, args);
    };
  }

  uninstall(): void {
    if (this.original) (Client.prototype as unknown as { query: Query }).query = this.original;
  }

  ignore(client: Client): Client {
    this.ignored.add(client);
    return client;
  }

  within<T>(record: StatementRecord, work: () => T): T {
    return this.current.run(record, work);
  }
}

/** Statement texts grouped (whitespace folded, long ones cut), most frequent first. */
export function groupedStatements(statements: readonly string[], per = 1): string {
  const counts = new Map<string, number>();
  for (const text of statements) {
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 140);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([text, n]) => `  ${(n / per).toFixed(2).padStart(7)}  ${text}`)
    .join('\n');
}
