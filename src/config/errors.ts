import { ErrorCode, WServiceError } from '../errors';

/** A configuration mistake: the message names the file, line and key to fix. */
export class ConfigError extends WServiceError {
  readonly code = ErrorCode.CONFIG;

  constructor(
    message: string,
    readonly details: { file?: string; line?: number; key?: string } = {},
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
