import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/**
 * A host name (RFC 1123): dot-separated labels of letters, digits and inner hyphens, at most 63
 * characters each. Nothing else can reach an Ansible inventory line: a newline would add hosts,
 * a space host variables, brackets a group.
 */
export const HOST_NAME =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const HostName = (): PropertyDecorator => {
  const decorators = [
    IsString(),
    MaxLength(253),
    Matches(HOST_NAME, {
      message: '$property must be a host name (letters, digits, hyphens, dots)',
    }),
  ];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
};

/** The operator's initial input for a new L2VPN between two ports. */
export class CreateL2vpnForm {
  @IsString() @IsNotEmpty() customer!: string;
  @IsInt() @Min(2) @Max(4094) vlan!: number;
  /** Goes into the runner's inventory: a host name, never free text. */
  @HostName() site_a!: string;
  @IsString() @IsNotEmpty() interface_a!: string;
  @HostName() site_b!: string;
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
