#!/usr/bin/env node
// The package's command: the compiled CLI built by `npm install` (prepare).
import { main } from '../dist/main.js';

main(process.argv).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
