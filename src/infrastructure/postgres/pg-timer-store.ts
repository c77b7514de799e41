/** The `stream_timers` table (migration 3), written by appends (pg-event-sql.ts), fired here. */
import { Pool } from 'pg';
import { DueTimer, TimerStore } from '../../application/ports/timer-store';
import { toStoreError } from './pg-errors';

export class PgTimerStore implements TimerStore {
  constructor(private readonly pool: Pool) {}

  async due(
    now: Date,
    partitions: readonly number[],
    partitionCount: number,
    limit: number,
  ): Promise<DueTimer[]> {
    if (partitions.length === 0) return [];
    try {
      const { rows } = await this.pool.query<{ stream_id: string; due_at: Date; attempts: number }>(
        `SELECT stream_id, due_at, attempts FROM stream_timers
         WHERE due_at <= $1 AND shard % $2 = ANY($3::int[]) ORDER BY due_at LIMIT $4`,
        [now, partitionCount, partitions, limit],
      );
      return rows.map((r) => ({
        streamId: r.stream_id,
        dueAt: r.due_at.toISOString(),
        attempts: r.attempts,
      }));
    } catch (error) {
      throw toStoreError(error, 'reading due timers');
    }
  }

  async settle(timer: DueTimer): Promise<void> {
    await this.change('DELETE FROM stream_timers WHERE stream_id = $1 AND due_at = $2', [
      timer.streamId,
      timer.dueAt,
    ]);
  }

  async snooze(timer: DueTimer, retryAt: Date): Promise<void> {
    await this.change(
      `UPDATE stream_timers SET due_at = $3, attempts = attempts + 1
       WHERE stream_id = $1 AND due_at = $2`,
      [timer.streamId, timer.dueAt, retryAt],
    );
  }

  private async change(sql: string, values: unknown[]): Promise<void> {
    try {
      await this.pool.query(sql, values);
    } catch (error) {
      throw toStoreError(error, 'updating a timer');
    }
  }
}
