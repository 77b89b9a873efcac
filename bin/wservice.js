#!/usr/bin/env node
'use strict';
// Stack traces name TypeScript lines: swc's inline maps for .ts run on the fly, the .js.map
// files of compiled code (ours in dist/, a project's own tsc output). Only files loaded from
// here on are mapped.
process.setSourceMapsEnabled(true);
// The compiled command line (npm run build); see cli/main.ts.
require('../dist/cli/main.js').run(process.argv);
