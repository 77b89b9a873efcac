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

// #region overview
export async function overview(): Promise<void> {
  const client = await connect('ws://127.0.0.1:8080/ws'); // realm1
  const sum = await client.call<number>('calc.add', [2, 3]); // 5
  const catalog = client.proxy<CatalogService>('catalog'); // ServiceProxy<CatalogService>
  await catalog.price('apple'); // calls catalog.price
  await client.close();
  console.log(sum);
}
// #endregion overview

// #region using
export async function scoped(url: string): Promise<number> {
  await using client = await connect(url); // leaves when the block ends, even by a throw
  return await client.call<number>('catalog.total', [1, 2, 3]); // await: before the block ends
}
// #endregion using
