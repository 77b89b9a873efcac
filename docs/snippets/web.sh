#!/bin/sh
# The curl samples of docs/web.md, run in this order by test/docs/web.test.ts against
# `wservice run docs/snippets/web.ts`: $HTTP is where its @Http routes are served, $ROUTER
# the embedded router's WebSocket port, which serves the HTTP bridge.
set -e

# #region get
curl -s "$HTTP/books/978-0441013593"
# #endregion
printf "\n---\n"

# #region query
curl -s "$HTTP/books?limit=5&title=Dune"
# #endregion
printf "\n---\n"

# #region post
curl -s -X POST "$HTTP/books" \
  -H 'content-type: application/json' \
  -d '{"isbn": "978-0553283686", "title": "Hyperion", "copies": 2}'
# #endregion
printf "\n---\n"

# #region lend
curl -s -X POST "$HTTP/books/978-0441013593/loans" \
  -H 'content-type: application/json' -d '{"reader": "ada"}'
# #endregion
printf "\n---\n"

# #region errors
curl -s -i -X POST "$HTTP/books/978-0441013593/loans" \
  -H 'content-type: application/json' -d '{"reader": "bob"}'
# #endregion
printf "\n---\n"

# #region invalid
curl -s "$HTTP/books?limit=five"
# #endregion
printf "\n---\n"

# #region bridge-call
curl -s -X POST "$ROUTER/call/library.get" \
  -H 'content-type: application/json' -d '{"args": ["978-0441013593"]}'
# #endregion
printf "\n---\n"

# #region bridge-publish
curl -s -X POST "$ROUTER/publish/library.news" \
  -H 'content-type: application/json' -d '{"args": ["Dune is back"]}'
# #endregion
printf "\n---\n"

# #region openapi
curl -s "$HTTP/openapi.json"
# #endregion
printf "\n---\n"

# #region traceparent
curl -s -X POST "$ROUTER/call/library.get" \
  -H 'content-type: application/json' \
  -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' \
  -d '{"args": ["978-0441013593"]}'
# #endregion
