// The shop's web page (examples/shop/web, served by `wservice run` with http.static): places an
// order, shows its progress (orders.track's progressive results) and keeps the stock and the
// order list up to date from the events every client's orders publish.
// #region page
import { connect, RemoteError } from 'wservice/browser';

const SKUS = ['apple', 'pear', 'fig'];
const $ = (id) => document.getElementById(id);

// The router's address: ?router=ws://host:port/ws, else the embedded router's default.
const router = new URLSearchParams(location.search).get('router') ?? 'ws://127.0.0.1:8080/ws';
const client = await connect({ url: router, realm: 'realm1' });
$('status').textContent = `connected to ${router}`;

async function showStock(sku) {
  const count = await client.call('inventory.available', [sku]);
  let row = $(`stock-${sku}`);
  if (row === null) {
    row = $('stock').insertRow();
    row.id = `stock-${sku}`;
    row.insertCell().textContent = sku;
    row.insertCell();
  }
  row.cells[1].textContent = String(count);
}

function listOrder(order, state) {
  const item = document.createElement('li');
  item.dataset.order = order.id;
  item.textContent = `${order.id}: ${order.quantity} × ${order.sku} (${state})`;
  $('orders').prepend(item);
}

// Live updates: orders placed or cancelled by anyone move the stock and the list.
await client.subscribe('orders.placed', ([order]) => {
  listOrder(order, `paid ${order.total}`);
  void showStock(order.sku);
});
await client.subscribe('orders.cancelled', ([order]) => {
  listOrder(order, 'cancelled');
  void showStock(order.sku);
});
await Promise.all(SKUS.map(showStock));

async function place(sku, quantity) {
  $('outcome').textContent = '';
  $('outcome').className = '';
  $('progress').replaceChildren();
  try {
    const order = await client.call('orders.place', [sku, quantity]);
    $('outcome').textContent = `placed ${order.id}, total ${order.total}`;
    // Progressive results: each step arrives as it happens, then the final state.
    const step = (text, done = false) => {
      const item = document.createElement('li');
      item.textContent = text;
      if (done) item.className = 'done';
      $('progress').append(item);
    };
    const final = await client.call(
      'orders.track',
      [order.id],
      {},
      {
        onProgress: (progress) => step(progress.args[0]),
      },
    );
    step(final, true);
  } catch (err) {
    $('outcome').className = 'error';
    $('outcome').textContent = err instanceof RemoteError ? `refused: ${err.uri}` : String(err);
  }
}
// #endregion

$('order').addEventListener('submit', (event) => {
  event.preventDefault();
  void place($('sku').value, Number($('quantity').value));
});
$('place').disabled = false;
