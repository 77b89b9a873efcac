#!/usr/bin/env node
// Keeps code samples in README.md and docs/ identical to the files the tests compile or run.
// A sample is a fenced block after a marker naming its source (blank lines between are fine):
//
//   <!-- from: examples/shop/services/orders.service.ts#place -->
//   ```ts
//   ...
//   ```
//
// `#name` selects the lines between `// #region name` and `// #endregion` (or `# #region` in
// YAML); without it, the whole file. `node scripts/docs-snippets.js` rewrites the samples
// from their sources; `--check` only reports samples that differ (the test suite runs it).
'use strict';
const { readFileSync, writeFileSync, readdirSync, existsSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const MARKER = /^<!-- from: ([^#\s]+)(?:#([\w-]+))? -->$/;
const FENCE = /^```(\w*)\s*$/;
/** Languages whose samples must come from a source file. */
const CHECKED = new Set(['ts', 'typescript', 'js', 'javascript', 'yaml', 'yml', 'json']);

function markdownFiles() {
  const files = [join(ROOT, 'README.md')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(ROOT, 'docs'));
  return files;
}

function region(file, name) {
  const path = join(ROOT, file);
  if (!existsSync(path)) throw new Error(`${file} does not exist`);
  const lines = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
  if (!name) return dedent(lines.filter((l) => !/#(end)?region\b/.test(l)));
  const start = lines.findIndex((l) => new RegExp(`^\\s*(//|#) #region ${name}\\s*$`).test(l));
  if (start === -1) throw new Error(`${file} has no region ${name}`);
  const end = lines.findIndex((l, i) => i > start && /^\s*(\/\/|#) #endregion\b/.test(l));
  if (end === -1) throw new Error(`${file}: region ${name} has no #endregion`);
  return dedent(lines.slice(start + 1, end).filter((l) => !/#(end)?region\b/.test(l)));
}

function dedent(lines) {
  // Blank lines at either end belong to the file's layout, not to the sample.
  while (lines.length > 0 && lines[0].trim() === '') lines = lines.slice(1);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines = lines.slice(0, -1);
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
}

/** Returns { text, problems } for one markdown file; text has every sample refreshed. */
function process1(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  const problems = [];
  const where = (i) => `${relative(ROOT, file)}:${i + 1}`;
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]);
    if (!fence) {
      out.push(lines[i]);
      continue;
    }
    const close = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (close === -1) {
      problems.push(`${where(i)}: unclosed code block`);
      out.push(...lines.slice(i));
      break;
    }
    const body = lines.slice(i + 1, close);
    // The marker is the last non-blank line before the fence (Prettier puts a blank line between).
    const previous = [...out].reverse().find((l) => l.trim() !== '');
    const marker = MARKER.exec(previous ?? '');
    let fresh = body;
    if (marker) {
      try {
        fresh = region(marker[1], marker[2]);
      } catch (err) {
        problems.push(`${where(i)}: ${err.message}`);
      }
      if (fresh.join('\n') !== body.join('\n'))
        problems.push(`${where(i)}: differs from ${marker[1]}${marker[2] ? `#${marker[2]}` : ''}`);
    } else if (CHECKED.has(fence[1])) {
      problems.push(`${where(i)}: a ${fence[1]} sample without a <!-- from: file#region --> marker`);
    }
    out.push(lines[i], ...fresh, lines[close]);
    i = close;
  }
  return { text: out.join('\n'), problems };
}

function run(check) {
  const problems = [];
  for (const file of markdownFiles()) {
    const result = process1(file);
    problems.push(...result.problems);
    if (!check) writeFileSync(file, result.text);
  }
  return problems;
}

module.exports = { check: () => run(true), sync: () => run(false) };

if (require.main === module) {
  const checkOnly = process.argv.includes('--check');
  const problems = checkOnly ? run(true) : run(false);
  const remaining = checkOnly ? problems : problems.filter((p) => !p.includes('differs from'));
  for (const p of remaining) console.error(p);
  process.exit(remaining.length > 0 ? 1 : 0);
}
