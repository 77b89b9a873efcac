import type { ServiceDescription } from '../describe';
import { describeService } from '../describe';
import { readServiceDefinition } from '../../service/metadata';
import type { ServiceClass } from '../../service/definition';
import { ConfigError } from '../../config/errors';

export { typescriptClient } from './typescript';
export { pythonClient } from './python';

/**
 * The descriptions in what `wservice.describe` answers (`{ services: {...} }`), what
 * `<service>.describe` answers (one description), or a list of either (`wservice describe
 * --json` saved to a file). A `ConfigError` naming `file` when it is none of them.
 */
export function readDescriptions(answer: unknown, file?: string): ServiceDescription[] {
  if (Array.isArray(answer)) return answer.flatMap((a) => readDescriptions(a, file));
  const where = file === undefined ? '' : `${file}: `;
  if (answer === null || typeof answer !== 'object') {
    throw new ConfigError(`${where}not a service description (expected what wservice.describe answers)`, {
      file,
    });
  }
  const value = answer as { services?: unknown; service?: unknown; procedures?: unknown };
  if (typeof value.services === 'object' && value.services !== null) {
    return Object.values(value.services).flatMap((a) => readDescriptions(a, file));
  }
  if (typeof value.service !== 'string' || typeof value.procedures !== 'object') {
    throw new ConfigError(`${where}not a service description: it has no "service" name and "procedures"`, {
      file,
    });
  }
  return [answer as ServiceDescription];
}

/** The descriptions of service classes, as their runner would publish them. */
export function describeClasses(classes: readonly ServiceClass[]): ServiceDescription[] {
  return classes.map((c) => describeService(readServiceDefinition(c)));
}
