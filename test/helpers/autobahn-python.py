"""Calls procedures with Debian's python3-autobahn, as a Python user of a wservice system would.

Usage: /usr/bin/python3 autobahn-python.py URL REALM SERIALIZER [AUTH] < calls.json
AUTH (optional JSON): {"authmethods": [...], "authid": ..., "ticket": ...} to join with a ticket,
or {"authmethods": ["wampcra"], "authid": ..., "secret": ...} for WAMP-CRA (salted or not).
calls.json: [{"procedure": ..., "args": [...], "kwargs": {...}}, ...]; {"$bytes": [1, 2]} in a value sends bytes.
Prints one JSON list: {"ok": result} or {"error": uri, "args": [...], "kwargs": {...}} per call.
"""
import asyncio
import json
import sys

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp import auth as auth_cra
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer

url, realm, serializer = sys.argv[1:4]
auth = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None


def with_bytes(value):
    """JSON has no bytes: {"$bytes": [...]} stands for them."""
    if isinstance(value, dict):
        if list(value) == ["$bytes"]:
            return bytes(value["$bytes"])
        return {k: with_bytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_bytes(v) for v in value]
    return value


calls = with_bytes(json.load(sys.stdin))
results = []


class Caller(ApplicationSession):
    def onConnect(self):
        if auth is None:
            return super().onConnect()
        self.join(self.config.realm, authmethods=auth["authmethods"], authid=auth.get("authid"))

    def onChallenge(self, challenge):
        if challenge.method != "wampcra":
            return auth["ticket"]
        key = auth["secret"].encode("utf8")
        if "salt" in challenge.extra:
            extra = challenge.extra
            key = auth_cra.derive_key(auth["secret"], extra["salt"], extra.get("iterations"), extra.get("keylen"))
        return auth_cra.compute_wcs(key, challenge.extra["challenge"].encode("utf8")).decode("ascii")

    async def onJoin(self, details):
        for call in calls:
            try:
                value = await self.call(call["procedure"], *call.get("args", []), **call.get("kwargs", {}))
                results.append({"ok": value})
            except ApplicationError as error:
                results.append({"error": error.error, "args": list(error.args), "kwargs": error.kwargs})
        self.leave()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()


serializers = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
ApplicationRunner(url, realm, serializers=[serializers[serializer]()]).run(Caller)
print(json.dumps(results, default=repr))
