#!/usr/bin/env node
// Plain JavaScript so it can say why it cannot run: the CLI is TypeScript source that only a Node with type
// stripping (22.18 or later) loads, and an older node would otherwise fail with an unhelpful syntax error.
if (!process.features.typescript) {
  console.error(`c1-ticket-bridge needs Node.js 22.18 or later (this is ${process.version}); run it through npx or npm, which use the project's Node`);
  process.exit(1);
}

const { runCli } = await import('../src/cli/main.ts');
const { processIo } = await import('../src/cli/io.ts');
process.exitCode = await runCli(process.argv.slice(2), process.env, processIo);
