// Calls the shop through the client `wservice codegen` wrote from its contracts
// (examples/shop/clients/generated/shop-client.ts): typed methods, no import of the service
// classes. test/contracts/codegen.test.ts runs it against a shop; the Python twin is
// typed_client.py.
import { connect, RemoteError } from 'wservice';
import { inventoryService, ordersService, type Order } from './generated/shop-client';

export async function main(url = 'ws://127.0.0.1:8080/ws', realm = 'realm1'): Promise<string[]> {
  const lines: string[] = [];
  // #region typed-client
  const client = await connect({ url, realm });
  const orders = ordersService(client); // or ordersService(autobahnSession) in a browser
  const order: Order = await orders.place('apple', 2); // place(sku: string, quantity?: number)
  lines.push(`placed ${order.id}: ${order.quantity} x ${order.sku} for ${order.total}`);
  lines.push(`apples left: ${await inventoryService(client).available('apple')}`);
  const quantity = JSON.parse('"2"') as number; // from outside: the compiler cannot check it
  try {
    await orders.place('apple', quantity); // the service does: refused
  } catch (err) {
    if (!(err instanceof RemoteError)) throw err;
    lines.push(`${err.uri}: ${String(err.args[0])}`);
  }
  await client.close();
  // #endregion
  return lines;
}
