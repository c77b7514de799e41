/**
 * OC's GraphQL endpoint, `POST /oc/api/graphql`: a route like any other (the AuthGuard
 * authenticates it, auditors may read), executing the OC schema with graphql-js. Parse,
 * validation and query-limit errors are 400; errors while resolving come back next to the data,
 * formatted as on Baton's own GraphQL (no internals, codes instead of statuses).
 */
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { GraphQLError, execute, parse, validate } from 'graphql';
import { ValidationError } from '../../../domain/errors';
import { WorkflowRegistry } from '../../../domain/workflow/registry';
import { AuthenticatedRequest, Roles } from '../../auth/access';
import { formatGraphqlError } from '../../graphql/graphql-errors';
import { queryLimitErrors } from '../../graphql/query-limits';
import { OC_PREFIX } from '../oc-processes.controller';
import { OcGraphqlContext } from './oc-nodes';
import { ocRootValue } from './oc-root';
import { buildOcSchema } from './oc-schema';

const schema = buildOcSchema();

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
}

const readRequest = (body: unknown): GraphqlRequest => {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.query !== 'string') throw new ValidationError('Body must have a query string');
  const variables = b.variables ?? null;
  if (variables !== null && (typeof variables !== 'object' || Array.isArray(variables)))
    throw new ValidationError('variables must be an object');
  const operationName = b.operationName ?? null;
  if (operationName !== null && typeof operationName !== 'string')
    throw new ValidationError('operationName must be a string');
  return { query: b.query, variables: variables as Record<string, unknown> | null, operationName };
};

const errorsOf = (errors: readonly GraphQLError[]) =>
  errors.map((e) => formatGraphqlError(e.toJSON(), e));

@ApiTags('orchestrator-core compatible')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller(`${OC_PREFIX}/graphql`)
export class OcGraphqlController {
  constructor(
    private readonly queries: QueryBus,
    private readonly registry: WorkflowRegistry,
  ) {}

  @Post()
  @Roles('auditor')
  @HttpCode(200)
  @ApiOperation({ summary: "OC's GraphQL (processes, workflows, version); read-only" })
  async graphql(@Body() body: unknown, @Req() req: AuthenticatedRequest, @Res() res: Response) {
    const request = readRequest(body);
    let document;
    try {
      document = parse(request.query);
    } catch (error) {
      res.status(400).json({ errors: errorsOf([error as GraphQLError]) });
      return;
    }
    const invalid = [...validate(schema, document)];
    const refused =
      invalid.length > 0
        ? invalid
        : queryLimitErrors(schema, document, request.operationName, request.variables);
    if (refused.length > 0) {
      res.status(400).json({ errors: errorsOf(refused) });
      return;
    }
    const context: OcGraphqlContext = {
      queries: this.queries,
      registry: this.registry,
      actor: req.actor,
    };
    const result = await execute({
      schema,
      document,
      rootValue: ocRootValue,
      contextValue: context,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    res.status(200).json(result.errors ? { ...result, errors: errorsOf(result.errors) } : result);
  }
}
