/**
 * The ledger (issue #17): signed digests of the whole history and the proofs an auditor checks
 * them with. The public key is public (an auditor pins it); everything else is the auditor's.
 * Bad parameters are 400, unknown events or digests 404; nothing here writes.
 */
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { LedgerQueries } from '../../application/ledger/ledger-queries';
import { processStreamId } from '../../domain/process/events';
import { ValidationError } from '../../domain/errors';
import { Public, Roles } from '../auth/access';
import { ErrorDto } from './dto/process.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tree size from the query string: absent -> undefined when optional, else a 400. */
const size = (name: string, raw: unknown, optional: boolean): number | undefined => {
  if (raw === undefined && optional) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw))
    throw new ValidationError(`"${name}" must be a tree size (a non-negative integer)`);
  return Number(raw);
};

const uuid = (name: string, raw: unknown, optional: boolean): string | undefined => {
  if (raw === undefined && optional) return undefined;
  if (typeof raw !== 'string' || !UUID.test(raw))
    throw new ValidationError(`"${name}" must be a UUID`);
  return raw.toLowerCase();
};

@ApiTags('ledger')
@Roles('auditor')
@Controller('api/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerQueries) {}

  @Get('keys')
  @Public()
  @ApiOperation({ summary: 'The public key(s) digests are signed with (Ed25519, PEM)' })
  keys() {
    return this.ledger.keys();
  }

  @Get('digest')
  @ApiOperation({
    summary: 'The latest signed digest: tree size, root, last position, time, signature',
  })
  @ApiResponse({ status: 404, type: ErrorDto })
  digest() {
    return this.ledger.latestDigest();
  }

  @Get('proof')
  @ApiOperation({ summary: 'Inclusion proof (RFC 9162) of one event in the tree of a digest' })
  @ApiQuery({ name: 'event', description: 'Event id' })
  @ApiQuery({ name: 'digest', required: false, description: 'Tree size of a digest (latest)' })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  proof(@Query('event') event: unknown, @Query('digest') digest: unknown) {
    return this.ledger.inclusion(
      uuid('event', event, false) as string,
      size('digest', digest, true),
    );
  }

  @Get('consistency')
  @ApiOperation({ summary: 'Consistency proof (RFC 9162): tree `to` extends tree `from`' })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  consistency(@Query('from') from: unknown, @Query('to') to: unknown) {
    return this.ledger.consistency(
      size('from', from, false) as number,
      size('to', to, false) as number,
    );
  }

  @Get('bundle')
  @ApiOperation({
    summary:
      'Audit bundle (NDJSON): a digest, consistency proofs from earlier digests, the events and what the ledger recorded for them; `baton audit verify` checks it offline',
  })
  @ApiQuery({ name: 'process', required: false })
  @ApiQuery({ name: 'until', required: false, description: 'Tree size of a digest (latest)' })
  @ApiOkResponse({ description: 'application/x-ndjson' })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async bundle(
    @Query('process') process: unknown,
    @Query('until') until: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const processId = uuid('process', process, true);
    const lines = await this.ledger.bundle({
      streamId: processId === undefined ? undefined : processStreamId(processId),
      until: size('until', until, true),
    });
    res.status(200).type('application/x-ndjson');
    try {
      for await (const line of lines) {
        if (!res.write(`${JSON.stringify(line)}\n`)) {
          await new Promise((resolve) => res.once('drain', resolve));
        }
      }
      res.end();
    } catch {
      // The answer has begun: cut it, so the client sees a failed transfer, never a short bundle.
      res.destroy();
    }
  }
}
