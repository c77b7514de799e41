/**
 * Which processes this instance drives. Processes are spread over a fixed number of partitions
 * (`partitionOf`); an instance drives a process only while it holds its partition, and at most
 * one live instance holds a partition at a time. Commands and callbacks are accepted by any
 * instance (their appends carry the expected revision); only the driving is owned.
 *
 * Roles are single-owner jobs that are not spread (the process list projection): held by one
 * instance until it stops or dies.
 */
import { Fence } from '../ownership/write-fence';

export interface OwnershipListener {
  /** Now held: start driving them. */
  acquired(partitions: number[]): Promise<void>;
  /** About to be handed back on purpose (rebalance, shutdown): finish what runs, then resolve. */
  releasing(partitions: number[]): Promise<void>;
  /** Taken away (the connection holding them is gone): stop at once, another may hold them. */
  lost(partitions: number[]): void;
}

export interface RoleListener {
  acquired(): Promise<void>;
  /** Handed back or lost: stop. */
  released(): Promise<void>;
}

export interface WorkOwnership {
  readonly partitionCount: number;
  holds(partition: number): boolean;
  /**
   * The fencing token the partition is held under, for the store to check on every write the
   * owner makes (see ownership/write-fence.ts); undefined when not held or when the store
   * enforces nothing (a sole owner).
   */
  fenceOf(partition: number): Fence | undefined;
  /** The same for a role held by this instance. */
  roleFence(role: string): Fence | undefined;
  /** Starts taking partitions (and roles registered before); resolves after the first round. */
  start(listener: OwnershipListener): Promise<void>;
  /** Registers a single-owner job, tried on every round until this instance holds it. */
  watchRole(role: string, listener: RoleListener): void;
  /** Hands everything back (listeners' `releasing` first) and stops taking more. */
  stop(): Promise<void>;
}

export const WORK_OWNERSHIP = Symbol('WorkOwnership');
