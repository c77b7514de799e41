#!/usr/bin/env node
/** Entry point of the `baton` bin (see program.ts and docs/cli.md). */
import 'reflect-metadata';
import { runCli } from './run-cli';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

runCli(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
});
