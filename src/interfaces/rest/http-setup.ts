/**
 * Body parsing, error mapping and API docs for the HTTP app. Callback routes read their body
 * raw: its exact bytes decide what is a re-delivery, and malformed JSON must reach the handler
 * to be recorded as a rejection rather than dropped by a parser.
 */
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import { containsNul, NUL_REFUSAL } from '../../application/forms/nul-characters';
import { ValidationError } from '../../domain/errors';
import { correlationIdOf } from './correlation-id';
import { ErrorFilter, toErrorBody } from './error.filter';
import { LOGGING, Logging } from './logging';
import { requestLogging } from './request-logging';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const CALLBACK_PATH = /^\/api\/processes\/[^/]+\/callback\//;

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const configureHttp = (app: INestApplication): void => {
  // Express hashes every response body for a weak ETag; the routes that benefit set a strong one
  // of their own (the process detail: its revision) at no cost.
  (app.getHttpAdapter().getInstance() as express.Express).set('etag', false);
  // First of all: every answer, errors included, carries X-Request-Id, and with structured logs
  // whatever is logged while a request is handled names it (and the process it is about).
  const logging = app.get<symbol, Logging | null>(LOGGING);
  app.use(
    logging
      ? requestLogging(logging)
      : (req: Request, res: Response, next: NextFunction) => {
          correlationIdOf(req, res);
          next();
        },
  );
  const json = express.json({ limit: BODY_LIMIT_BYTES });
  app.use((req: Request, res: Response, next: NextFunction) =>
    BODYLESS.has(req.method) || CALLBACK_PATH.test(req.path) ? next() : json(req, res, next),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!containsNul(req.body)) return next();
    res.status(400).json(toErrorBody(new ValidationError(NUL_REFUSAL)));
  });
  // Parser errors happen before Nest's filters can see them: answer them the same way here.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const answer = toErrorBody(error);
    res.status(answer.statusCode).json(answer);
  });
  app.useGlobalFilters(new ErrorFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Baton')
      .setDescription('Event-sourced workflow orchestrator with exactly-once callback steps')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
};
