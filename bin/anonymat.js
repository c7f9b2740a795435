#!/usr/bin/env node
// Entry point of the `anonymat` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("anonymat n'est pas compilé : lancez « npm run build » dans le dépôt.\n");
  process.exit(1);
}
await import(main.href);
