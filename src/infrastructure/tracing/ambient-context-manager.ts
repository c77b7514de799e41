/**
 * OpenTelemetry's context manager on Baton's own AsyncLocalStorage (the one that carries log
 * fields), instead of the SDK's default that enables a second one. Each enabled
 * AsyncLocalStorage copies its store onto every promise and async resource the process makes
 * (about 2,000 per seed process, most of them nowhere near a span); sharing the store pays that
 * once. Outside every traced piece of work the active context is an empty LinkedContext, so
 * contexts made from it are links too. Binding functions and event emitters is inherited: it goes through `with` and `active`.
 */
import { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  currentTraceContext,
  enterTraceContext,
  withTraceContext,
} from '../../application/observability/log-context';
import { LinkedContext } from './linked-context';

export class AmbientContextManager extends AsyncLocalStorageContextManager {
  override active(): Context {
    return (currentTraceContext() as Context | undefined) ?? LinkedContext.root;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const work = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return withTraceContext(context, work, ...args);
  }

  override attach(context: Context): { dispose(): void } {
    const restore = enterTraceContext(context);
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        restore();
      },
    };
  }

  /** The store is Baton's and goes on carrying log fields: nothing of its own to switch off. */
  override disable(): this {
    return this;
  }
}
