import type { RoleOptions } from '../../../src/router';

/**
 * Roles of the `shop` realm the authorization tests use: customers may call and subscribe in
 * `shop.`, but not call into `shop.admin.` (a narrower rule wins), and publish prices; the
 * backend may do everything.
 */
export const SHOP_ROLES: RoleOptions[] = [
  {
    name: 'customer',
    permissions: [
      { uri: 'shop.', match: 'prefix', allow: { call: true, subscribe: true } },
      { uri: 'shop.admin.', match: 'prefix', allow: { subscribe: true } },
      { uri: 'market..price', match: 'wildcard', allow: { publish: true } },
    ],
  },
  {
    name: 'backend',
    permissions: [
      { uri: '', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } },
    ],
  },
];
