// A standalone outpost process for tests: startOutpost with the recording runtime, from the environment,
// handling signals as `palisade outpost` does. Prints one JSON line with its addresses once it serves.
import { startOutpost } from '../../src/process/main.ts';
import { recordingLog } from './log.ts';
import { RecordingRuntime } from './recording-runtime.ts';

const handle = await startOutpost({
  env: process.env,
  createRuntime: (options) => new RecordingRuntime(options),
  listen: true,
  log: recordingLog(),
  handleSignals: true,
});
process.stdout.write(`${JSON.stringify({ addresses: handle.addresses })}\n`);
