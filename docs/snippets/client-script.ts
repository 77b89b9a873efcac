import { connect } from 'wservice';
import type { CatalogService } from './entrypoints';

// #region script
export async function main(url = 'ws://127.0.0.1:8080/ws'): Promise<void> {
  const client = await connect(url); // also rs://host:port, wss://, unix:/path
  try {
    const price = await client.call('catalog.price', ['apple']); // plain value
    const catalog = client.proxy<CatalogService>('catalog'); // typed proxy
    const total = await catalog.total(1, 2, 3);
    await client.subscribe('catalog.price_changed', ([change]) => console.log('changed', change));
    await client.publish('catalog.price_changed', [{ sku: 'apple', price: 4 }], {}, { acknowledge: true });
    console.log({ price, total });
  } finally {
    await client.close();
  }
}
// #endregion script
