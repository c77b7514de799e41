/** What a team hands Baton: its workflows, and configuration beyond the environment. */
import { BatonConfig, loadConfig } from '../config';
import { WorkflowDefinition } from '../domain/workflow/dsl';

export interface BatonOptions {
  /** The workflows to serve, every version that processes may still be running. */
  workflows: readonly WorkflowDefinition[];
  /** Where configuration is read from (docs/configuration.md); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Settings that replace what the environment says (for example `publicUrl`). */
  config?: Partial<BatonConfig>;
}

export const configOf = (options: BatonOptions): BatonConfig => ({
  ...loadConfig(options.env ?? process.env),
  ...options.config,
});
