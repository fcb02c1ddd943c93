#!/usr/bin/env node
// The `palisade` command. Everything lives in src/cli; this file only hands it the arguments.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
