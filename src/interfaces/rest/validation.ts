import { ValidationPipe } from '@nestjs/common';
import { ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError } from '../../domain/errors';

/** DTO validation that answers with the same `{validationErrors}` shape as form validation. */
export const dtoValidation = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors: ClassValidationError[]) =>
    new ValidationError(
      'Invalid request',
      errors.map((e) => ({ property: e.property, constraints: e.constraints ?? {} })),
    ),
});
