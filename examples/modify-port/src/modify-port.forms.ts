import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  Min,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

export const SPEEDS = ['1G', '10G', '25G', '100G'] as const;
export type Speed = (typeof SPEEDS)[number];

/** What the operator asks for: new settings for one customer port. */
export class ModifyPortForm {
  @IsString() @IsNotEmpty() subscription_id!: string;
  @IsString() @IsNotEmpty() node!: string;
  @IsString() @IsNotEmpty() port!: string;
  @IsIn(SPEEDS) speed!: Speed;
  @IsInt() @Min(1500) @Max(9216) mtu!: number;
  @IsOptional() @IsString() description?: string;
}

/** Page 1 of the outage plan: when the link may go down. */
export class MaintenanceWindowPage {
  @JSONSchema({ description: 'Start of the maintenance window (ISO 8601)' })
  @IsISO8601()
  window_start!: string;

  @IsInt() @Min(15) @Max(480) window_minutes!: number;
}

/** Page 2 of the outage plan: who hears about it (pre-filled from page 1 and the inventory). */
export class CustomerNoticePage {
  @IsBoolean() notify_customer!: boolean;
  @IsOptional() @IsEmail() contact?: string;

  @JSONSchema({ readOnly: true, description: 'The window chosen on page 1' })
  @IsString()
  window!: string;
}

/** What an LSO-compatible runner posts back when the configuration push is done. */
export class RunnerResult {
  @IsOptional() @IsString() job_id?: string;
  @IsOptional() output?: unknown;
  @IsInt() return_code!: number;
  @IsString() status!: string;
}

/** The NOC's sign-off on the port as the runner left it. */
export class ConfirmPortPage {
  @JSONSchema({ readOnly: true, description: 'The port as the device reports it now' })
  @IsString()
  port_state!: string;

  @IsBoolean() traffic_verified!: boolean;
}
