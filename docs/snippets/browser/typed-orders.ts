// A page's module in TypeScript on the browser client and the typed client `wservice codegen`
// wrote for the shop (docs/web.md). test/browser/client.test.ts bundles it with esbuild,
// `wservice/browser` left to the page's import map, and runs it in Chromium.
// #region typed
import { connect, RemoteError } from 'wservice/browser';
import {
  inventoryService,
  ordersService,
  type Order,
} from '../../../examples/shop/clients/generated/shop-client';

export async function placeOrder(url: string, sku: string, quantity: number): Promise<Order | string> {
  const client = await connect({ url, serializer: 'msgpack' });
  try {
    const order = await ordersService(client).place(sku, quantity); // Promise<Order>
    const left: number = await inventoryService(client).available(sku);
    return { ...order, sku: `${order.sku} (${left} left)` };
  } catch (err) {
    if (err instanceof RemoteError) return err.uri; // inventory.error.out_of_stock
    throw err;
  } finally {
    await client.close();
  }
}
// #endregion
