// #region component
// The component that answers for the router: Crossbar.io's (realm, authid, details) and
// (session, uri, action, options). Only the admin role (or a peer in the router's process)
// may register these procedures.
import { connect, WampError, type Client } from 'wservice';

const TICKETS = new Map([['tok-alice', { authid: 'alice', role: 'user' }]]);

export async function startAuthComponent(url: string, secret: string): Promise<Client> {
  const admin = await connect({ url, realm: 'realm1', authid: 'admin', secret });
  await admin.register('com.example.authenticate', ([, , details]) => {
    const ticket = TICKETS.get((details as { ticket?: string }).ticket ?? '');
    if (ticket === undefined) throw new WampError('wamp.error.authentication_failed', 'unknown ticket');
    return { ...ticket, extra: { plan: 'basic' } }; // or just the role: 'user'
  });
  await admin.register('com.example.authorize', ([session, uri]) => {
    const { authrole } = session as { authrole: string };
    return authrole === 'admin' || (typeof uri === 'string' && uri.startsWith('shop.'));
  });
  return admin;
}
// #endregion
