import { IsInt, IsNotEmpty, IsString, Max, Min, IsOptional } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/** The operator's initial input for a new L2VPN between two ports. */
export class CreateL2vpnForm {
  @IsString() @IsNotEmpty() customer!: string;
  @IsInt() @Min(2) @Max(4094) vlan!: number;
  @IsString() @IsNotEmpty() site_a!: string;
  @IsString() @IsNotEmpty() interface_a!: string;
  @IsString() @IsNotEmpty() site_b!: string;
  @IsString() @IsNotEmpty() interface_b!: string;
}

/**
 * What an LSO-compatible runner posts back. Extra fields are allowed (newer runners send more);
 * a payload without these is refused with 400 and the token stays open for a corrected retry.
 */
export class LsoCallbackPayload {
  @IsOptional() @IsString() job_id?: string;
  @IsOptional() output?: unknown;
  @IsInt() return_code!: number;
  @IsString() status!: string;
}

/** Shows the run to the operator; submitting it is the confirmation. */
export class ConfirmRunPage {
  @JSONSchema({ readOnly: true, description: 'Status reported by the runner' })
  @IsString()
  run_status!: string;

  @JSONSchema({ readOnly: true, format: 'long-text', description: 'Full callback payload' })
  @IsString()
  run_results!: string;
}
