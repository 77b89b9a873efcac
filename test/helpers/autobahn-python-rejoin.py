"""Joins with Debian's python3-autobahn, leaves, and joins again on the same transport.

Usage: /usr/bin/python3 autobahn-python-rejoin.py URL REALM [REALM...]
Joins each realm in turn over one WebSocket (session.leave(), then session.join() from onLeave),
calls wamp.session.count in each, and prints one JSON list of what happened.
"""
import asyncio
import json
import sys

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession

url, realms = sys.argv[1], sys.argv[2:]
log = []


class Rejoiner(ApplicationSession):
    async def onJoin(self, details):
        count = await self.call("wamp.session.count")
        log.append({"realm": details.realm, "session": details.session, "count": count})
        self.leave()

    def onLeave(self, details):
        log.append({"left": details.reason})
        done = len([entry for entry in log if "realm" in entry])
        if done < len(realms):
            self.join(realms[done])
        else:
            self.disconnect()

    def onDisconnect(self):
        asyncio.get_event_loop().stop()


ApplicationRunner(url, realms[0]).run(Rejoiner)
print(json.dumps(log))
