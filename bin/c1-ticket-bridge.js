#!/usr/bin/env node
// The CLI entry: Node 22 runs the TypeScript sources directly (npm puts the project's Node 22 first on PATH).
import { runCli } from '../src/cli/main.ts';
import { processIo } from '../src/cli/io.ts';

process.exitCode = await runCli(process.argv.slice(2), process.env, processIo);
