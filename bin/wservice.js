#!/usr/bin/env node
'use strict';
// The compiled command line (npm run build); see cli/main.ts.
require('../dist/cli/main.js').run(process.argv);
