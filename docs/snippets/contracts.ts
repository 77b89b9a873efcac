import { z } from 'zod';
import { Rpc, Service, Subscribe } from 'wservice';

// #region refine
/** Sign-ups: what TypeScript says (types) and what it cannot (ranges, formats). */
@Service('signups')
export class SignupsService {
  readonly welcomed: string[] = [];

  @Rpc({
    refine: {
      email: z.email(),
      seats: z.number().int().min(1).max(50),
      name: z.string().trim().min(1), // its output (trimmed) is what the method gets
    },
  })
  register(email: string, seats: number, name: string): string {
    return `${name} <${email}>: ${seats} seat${seats === 1 ? '' : 's'}`;
  }

  @Subscribe('signups.confirmed', { refine: { email: z.email() } })
  confirmed(email: string): void {
    this.welcomed.push(email);
  }
}
// #endregion refine
