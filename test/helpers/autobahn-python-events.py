"""Subscribes, then calls, with Debian's python3-autobahn, as a Python peer of a wservice system.

Usage: /usr/bin/python3 autobahn-python-events.py URL REALM < script.json
script.json: {"subscribe": [topic, ...], "calls": [{"call": uri, "args": [...]}, ...],
              "wait": seconds to keep listening after the calls}
Prints one JSON object: {"session": id, "results": [...], "events": [{"topic": ..., "args": [...]}]}.
"""
import asyncio
import json
import sys

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession

url, realm = sys.argv[1:3]
script = json.load(sys.stdin)
out = {"session": None, "results": [], "events": []}


class Peer(ApplicationSession):
    async def onJoin(self, details):
        out["session"] = details.session
        for topic in script.get("subscribe", []):
            await self.subscribe(lambda *args, _t=topic: out["events"].append({"topic": _t, "args": list(args)}), topic)
        for step in script.get("calls", []):
            out["results"].append(await self.call(step["call"], *step.get("args", [])))
        await asyncio.sleep(script.get("wait", 0.5))
        self.leave()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()


ApplicationRunner(url, realm).run(Peer)
print(json.dumps(out, default=repr))
