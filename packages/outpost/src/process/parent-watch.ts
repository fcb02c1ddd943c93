/**
 * Stopping with the npm that started us (issue 19, point 8). `npm start` and `npx palisade …` run the
 * program as npm's child, and npm exits on SIGTERM without passing it on (checked with npm 11.19 and
 * `exec` in the script: the server ran on, orphaned). So a program started by npm watches its parent, and
 * once npm has gone it sends itself SIGTERM: its own handlers then stop it gracefully, as a signal would.
 */

/** How often the parent is checked. */
const CHECK_MS = 500;

/** Answers whether npm (npm run, npm start, npx) started this process: npm sets these for its scripts. */
export function isStartedByNpm(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.npm_lifecycle_event !== undefined || env.npm_command !== undefined;
}

/**
 * When npm started this process, calls `onOrphaned` (by default: SIGTERM to itself) once the parent has
 * exited, i.e. the process was re-parented. Answers a function that stops watching. The timer never keeps
 * the process alive.
 */
export function stopWithNpm(
  env: Readonly<Record<string, string | undefined>>,
  onOrphaned: () => void = () => process.kill(process.pid, 'SIGTERM'),
): () => void {
  if (!isStartedByNpm(env)) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
