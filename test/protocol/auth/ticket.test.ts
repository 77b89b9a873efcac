import { ticket } from '../../../src/protocol';

describe('ticket', () => {
  it('accepts the expected ticket only', () => {
    expect(ticket.verifyTicket('s3cret-ticket', 's3cret-ticket')).toBe(true);
    expect(ticket.verifyTicket('s3cret-ticket', 's3cret-ticke')).toBe(false);
    expect(ticket.verifyTicket('s3cret-ticket', 's3cret-ticket ')).toBe(false);
    expect(ticket.verifyTicket('s3cret-ticket', '')).toBe(false);
  });

  it('never matches a non-string signature', () => {
    expect(ticket.verifyTicket('1', 1)).toBe(false);
    expect(ticket.verifyTicket('', null)).toBe(false);
    expect(ticket.verifyTicket('', undefined)).toBe(false);
  });
});
