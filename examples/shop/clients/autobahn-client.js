#!/usr/bin/env node
// Calls the shop with autobahn-js, the reference WAMP client: any WAMP peer in any language
// can do the same. Run the shop first (`npm start`), then: node examples/shop/clients/autobahn-client.js
'use strict';
const autobahn = require('autobahn');

const url = process.argv[2] || process.env.WSERVICE_ROUTER || 'ws://127.0.0.1:8080/ws';
const realm = process.env.WSERVICE_REALM || 'realm1';
const connection = new autobahn.Connection({ url, realm, max_retries: 0 });

connection.onopen = async (session) => {
  try {
    const placed = [];
    await session.subscribe('orders.placed', ([order]) => placed.push(order.id));

    // Positional arguments...
    const first = await session.call('orders.place', ['apple', 2]);
    console.log(
      `placed ${first.id}: ${first.quantity} x ${first.sku} for ${first.total} (${first.receipt.reference})`,
    );
    // ...and keyword arguments, mapped to the method's parameters by name.
    const second = await session.call('orders.place', [], { sku: 'pear', quantity: 1 });
    console.log(`placed ${second.id}: ${second.quantity} x ${second.sku} for ${second.total}`);

    // Progressive results: each step as it happens, then the final answer. autobahn-js hands
    // a single positional result as the plain value, several (or keyword ones) as a Result.
    const final = await session.call('orders.track', [first.id], {}, { receive_progress: true }).then(
      (result) => result,
      null,
      (step) => console.log(`  ${first.id} is ${step instanceof autobahn.Result ? step.args[0] : step}`),
    );
    console.log(`  ${first.id} is ${final}`);

    // The error path: a WAMP ERROR with the service's URI. More figs than the restock timer
    // ever holds (it tops an item up to at most 6), so the refusal does not depend on timing.
    try {
      await session.call('orders.place', ['fig', 50]);
    } catch (err) {
      console.log(`refused: ${err.error} for ${err.kwargs.sku}`);
    }

    const outbox = await session.call('notifications.outbox');
    console.log(`notifications sent: ${outbox.length}; events seen here: ${placed.length}`);
    connection.close();
  } catch (err) {
    console.error('failed:', err.error || err.message || err, err.args || '');
    process.exitCode = 1;
    connection.close();
  }
};
connection.onclose = (reason, details) => {
  if (reason !== 'closed' && reason !== 'lost') {
    console.error(`connection ${reason}${details && details.message ? `: ${details.message}` : ''}`);
    process.exitCode = 1;
  }
  return true;
};
connection.open();
