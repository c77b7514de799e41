/**
 * Baton as a module of a team's own NestJS application, configured the Nest way:
 *
 *   @Module({ imports: [BatonModule.forRoot({ workflows })], controllers: [MyController] })
 *
 * or `BatonModule.forRootAsync({ imports, inject, useFactory })` (for @nestjs/config). Baton's
 * routes (/api/…, /health, /metrics) sit beside the application's own; its guard, input limits
 * and error filter judge only its own routes. Its resources (database, event store, runner) are
 * opened while the application starts and closed when it closes (`app.close()`, or
 * `enableShutdownHooks()` for signals).
 */
import {
  ConfigurableModuleBuilder,
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Request } from 'express';
import { BATON_ADAPTERS, BatonAdapters, batonWiring } from '../app.module';
import { registryOf } from '../domain/workflow/registry-of';
import { CALLBACK_PATH } from '../interfaces/rest/http-setup';
import { CALLBACK_BODY_LIMIT_BYTES } from '../interfaces/rest/input-limits';
import { readCallbackBodyEarly } from '../interfaces/rest/raw-body';
import { BatonOptions, configOf } from './baton-options';
import { BatonResources, openResources } from './open-resources';

const built = new ConfigurableModuleBuilder<BatonOptions>().setClassMethodName('forRoot').build();
const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = built;

/** What `forRootAsync` takes: `useFactory` (with `imports`/`inject`), `useClass` or `useExisting`. */
export type BatonAsyncOptions = typeof built.ASYNC_OPTIONS_TYPE;

const BATON_RESOURCES = Symbol('BatonResources');

/** Closes what the module opened, after the application has stopped using it. */
@Injectable()
class BatonResourcesCloser implements OnApplicationShutdown {
  constructor(@Inject(BATON_RESOURCES) private readonly resources: BatonResources) {}

  onApplicationShutdown(): Promise<void> {
    return this.resources.close();
  }
}

/**
 * Installed while the application is being built, so before Nest registers its body parser:
 * callback bodies reach Baton as the bytes that were sent (see raw-body.ts).
 */
@Injectable()
class CallbackBodyFirst {
  constructor(adapterHost: HttpAdapterHost) {
    adapterHost.httpAdapter?.use(
      readCallbackBodyEarly(
        (req: Request) => CALLBACK_PATH.test(req.path),
        CALLBACK_BODY_LIMIT_BYTES,
      ),
    );
  }
}

const withBaton = (base: DynamicModule): DynamicModule => {
  const wiring = batonWiring();
  return {
    ...base,
    imports: [...(base.imports ?? []), ...wiring.imports],
    controllers: wiring.controllers,
    providers: [
      ...(base.providers ?? []),
      {
        provide: BATON_RESOURCES,
        inject: [MODULE_OPTIONS_TOKEN],
        useFactory: (options: BatonOptions) =>
          openResources(configOf(options), registryOf(options.workflows), new Logger('Baton')),
      },
      {
        provide: BATON_ADAPTERS,
        inject: [BATON_RESOURCES],
        useFactory: (resources: BatonResources): BatonAdapters => resources.adapters,
      },
      BatonResourcesCloser,
      CallbackBodyFirst,
      ...wiring.providers,
    ],
  };
};

@Module({})
export class BatonModule extends ConfigurableModuleClass {
  static forRoot(options: BatonOptions): DynamicModule {
    return withBaton(super.forRoot(options));
  }

  static forRootAsync(options: BatonAsyncOptions): DynamicModule {
    return withBaton(super.forRootAsync(options));
  }
}
