"""Calls the shop from Python through the stubs `wservice codegen` wrote from its contracts
(examples/shop/clients/generated/shop_client.py), with autobahn-python.

Run the shop first (`npm start`), then: python3 examples/shop/clients/typed_client.py
"""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp.exception import ApplicationError

from shop_client import InventoryService, OrdersService

url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("WSERVICE_ROUTER", "ws://127.0.0.1:8080/ws")
realm = os.environ.get("WSERVICE_REALM", "realm1")


# #region typed-client
class ShopClient(ApplicationSession):
    async def onJoin(self, details):
        try:
            orders = OrdersService(self)
            order = await orders.place("pear", quantity=2)  # an Order (a TypedDict)
            print(f"placed {order['id']}: {order['quantity']} x {order['sku']} for {order['total']}")
            print(f"pears left: {await InventoryService(self).available('pear')}")
            try:
                await orders.place("pear", quantity="2")
            except ApplicationError as error:  # the service checks every argument
                print(f"{error.error}: {error.args[0]}")
        finally:
            self.leave()
    # #endregion

    def onLeave(self, details):
        self.disconnect()  # quietly: the router's goodbye_and_out is the normal answer to leave()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()


ApplicationRunner(url, realm).run(ShopClient)
