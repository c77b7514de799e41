import { StepHttp } from '../../domain/workflow/dsl';

/** Outbound HTTP for steps; a port so tests can see and script what steps send. */
export type HttpClient = StepHttp;
export const HTTP_CLIENT = Symbol('HttpClient');
