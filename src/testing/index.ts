/**
 * Baton's test kit (`<package>/testing`): run a workflow's processes under Jest on Baton's own
 * engine, in memory, with virtual time and a scripted remote service. See docs/testing.md.
 */
export { createTestEnvironment, TestEnvironment, DEFAULT_ACTOR } from './test-environment';
export type { TestEnvironmentOptions } from './test-environment';
export { ProcessUnderTest } from './process-under-test';
export type { KitEvent, DeliveryOptions } from './process-under-test';
export type { EventExpectation, FormExpectation } from './process-assertions';
export { ScriptedRemote, UnexpectedRequestError } from './scripted-remote';
export type { RecordedRequest, RemoteAnswer, RouteReply, UrlMatcher } from './scripted-remote';
export { VirtualClock, toMs } from './virtual-clock';
export type { Duration } from './virtual-clock';
export { CommandRefusedError, ProcessAssertionError } from './outcomes';
export type { Delivery } from './outcomes';
export { KIT_PUBLIC_URL } from './engine';
export type { Actor } from '../domain/access/roles';
export type { ProcessDetail } from '../application/queries/process-detail';
