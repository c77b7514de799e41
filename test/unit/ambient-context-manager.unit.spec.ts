/**
 * The trace context riding on Baton's log-context store (issue 19, tracing's cost): it must
 * follow work as the SDK's own AsyncLocalStorage manager did (across awaits, timers, bound
 * event emitters and functions), keep two concurrent requests apart, and leave the log fields
 * and the trace context each untouched when the other is set.
 */
import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, createContextKey } from '@opentelemetry/api';
import { currentLogContext, withLogContext } from '../../src/application/observability/log-context';
import { AmbientContextManager } from '../../src/infrastructure/tracing/ambient-context-manager';
import { LinkedContext } from '../../src/infrastructure/tracing/linked-context';

const REQUEST = createContextKey('request');
const manager = new AmbientContextManager();
const requestOf = () => manager.active().getValue(REQUEST);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('AmbientContextManager', () => {
  it('is the empty context outside every traced piece of work', () => {
    expect(manager.active()).toBe(LinkedContext.root);
    expect(requestOf()).toBeUndefined();
  });

  it('keeps a context across awaits, timers and promise chains', async () => {
    const seen = await manager.with(ROOT_CONTEXT.setValue(REQUEST, 'a'), async () => {
      const at: unknown[] = [requestOf()];
      await tick();
      at.push(requestOf());
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          at.push(requestOf());
          resolve();
        }, 1),
      );
      at.push(await Promise.resolve().then(requestOf));
      return at;
    });
    expect(seen).toEqual(['a', 'a', 'a', 'a']);
    expect(manager.active()).toBe(LinkedContext.root);
  });

  it('passes this and arguments through with', () => {
    const target = {
      name: 'target',
      call(this: { name: string }, suffix: string) {
        return `${this.name}${suffix}:${String(requestOf())}`;
      },
    };
    const ctx = ROOT_CONTEXT.setValue(REQUEST, 'b');
    expect(manager.with(ctx, target.call, target, '!')).toBe('target!:b');
  });

  it('keeps two concurrent requests apart', async () => {
    const request = (id: string) =>
      manager.with(ROOT_CONTEXT.setValue(REQUEST, id), async () => {
        const seen: unknown[] = [];
        for (let i = 0; i < 5; i++) {
          await tick();
          seen.push(requestOf());
        }
        return seen;
      });
    const [one, two] = await Promise.all([request('one'), request('two')]);
    expect(one).toEqual(Array(5).fill('one'));
    expect(two).toEqual(Array(5).fill('two'));
  });

  it('binds functions and event emitters to a context, whatever runs when they fire', async () => {
    const emitter = new EventEmitter();
    const bound = manager.bind(ROOT_CONTEXT.setValue(REQUEST, 'bound'), emitter);
    const fn = manager.bind(ROOT_CONTEXT.setValue(REQUEST, 'fn'), () => requestOf());
    const heard = new Promise<unknown>((resolve) =>
      bound.once('event', () => resolve(requestOf())),
    );
    await manager.with(ROOT_CONTEXT.setValue(REQUEST, 'elsewhere'), async () => {
      emitter.emit('event');
      expect(fn()).toBe('fn');
    });
    expect(await heard).toBe('bound');
  });

  it('leaves the log fields alone when a trace context is set, and the other way round', async () => {
    const seen = await withLogContext({ processId: 'p1' }, () =>
      manager.with(ROOT_CONTEXT.setValue(REQUEST, 'c'), async () => {
        await tick();
        const inner = withLogContext({ processId: 'p2' }, () => [currentLogContext(), requestOf()]);
        return [currentLogContext(), requestOf(), ...inner];
      }),
    );
    expect(seen).toEqual([{ processId: 'p1' }, 'c', { processId: 'p2' }, 'c']);
    expect(currentLogContext()).toBeUndefined();
  });

  it('attaches a context for the rest of the chain and puts the previous one back once', async () => {
    await manager.with(ROOT_CONTEXT.setValue(REQUEST, 'before'), async () => {
      const token = manager.attach(ROOT_CONTEXT.setValue(REQUEST, 'attached'));
      await tick();
      expect(requestOf()).toBe('attached');
      token.dispose();
      expect(requestOf()).toBe('before');
      token.dispose();
      expect(requestOf()).toBe('before');
    });
  });
});
