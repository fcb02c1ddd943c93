/**
 * The RADIUS load generator (radius-load.ts) in a worker thread, so its packets are built and checked on
 * an event loop of their own rather than the one of the server under test: runs the job it is given and
 * posts what it measured.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { driveRadius, type RadiusLoadJob } from './radius-load.ts';

parentPort?.postMessage(await driveRadius(workerData as RadiusLoadJob));
