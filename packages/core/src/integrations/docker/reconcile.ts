import type Docker from 'dockerode';
import { DOCKER_UUID_LABEL, outpostUuidHex } from '../../outposts/deployment-spec.ts';
import { type ContainerSpec, createOptions } from './container-spec.ts';
import { driftReasons, type InspectedContainer } from './drift.ts';
import type { TaskLog } from '../tasks.ts';

/**
 * The Docker controller's moves (controllers.md §4), with only the calls seed 001 permits: Containers/Read
 * (list, inspect), Images/Pull, Containers/Create, start (see docs/integrations/docker.md), Kill, Remove, and
 * nothing else (no restart, no image inspect). An unchanged container costs two reads and no write.
 */

/** A Docker API error's status code, if it is one. */
const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

const isOwned = (container: InspectedContainer, outpostUuid: string) =>
  container.Config.Labels?.[DOCKER_UUID_LABEL] === outpostUuidHex(outpostUuid);

async function inspectByName(docker: Docker, name: string): Promise<InspectedContainer | undefined> {
  try {
    return (await docker.getContainer(name).inspect()) as unknown as InspectedContainer;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The containers carrying an outpost's uuid label, whatever their name (a rename leaves the old one). */
async function labelledContainers(docker: Docker, outpostUuid: string) {
  return docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${DOCKER_UUID_LABEL}=${outpostUuidHex(outpostUuid)}`] }),
  });
}

async function removeContainer(docker: Docker, id: string, running: boolean, log: TaskLog): Promise<void> {
  const container = docker.getContainer(id);
  if (running) {
    log.add('info', 'Stopping container.');
    await container.kill().catch((error: unknown) => {
      // It stopped between the read and the kill: nothing left to stop.
      if (statusOf(error) !== 409 && statusOf(error) !== 404) throw error;
    });
  }
  log.add('info', 'Removing container.');
  await container.remove({ force: true }).catch((error: unknown) => {
    if (statusOf(error) !== 404) throw error;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Kill only sends the signal; start on a container still running would be a no-op, so wait (reads only).
async function waitUntilStopped(docker: Docker, id: string, withinMs = 10_000): Promise<boolean> {
  for (const end = Date.now() + withinMs; Date.now() < end; await sleep(100)) {
    const state = (await docker.getContainer(id).inspect()).State;
    if (!state.Running) return true;
  }
  return false;
}

async function pull(docker: Docker, image: string, log: TaskLog): Promise<void> {
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
    );
  } catch (error) {
    // An image loaded into the daemon by hand (no registry) can still be used; create says if it is absent.
    log.add(
      'warning',
      `Failed to pull image ${image}: ${(error as Error).message}; using the local image if present.`,
    );
  }
}

async function createAndStart(docker: Docker, spec: ContainerSpec, log: TaskLog): Promise<string> {
  log.add('info', '(Re-)creating container...');
  await pull(docker, spec.image, log);
  const container = await docker.createContainer(createOptions(spec));
  await container.start();
  return container.id;
}

/**
 * Brings an outpost's container to its spec: removes containers of the outpost under another name; creates
 * it if missing; re-creates it on drift (with a `standby` spec: rolls over to it without a gap, see
 * rollOver); starts a stopped one; kills and starts an unhealthy one.
 */
export async function containerUp(
  docker: Docker,
  outpostUuid: string,
  spec: ContainerSpec,
  log: TaskLog,
  standby?: ContainerSpec,
): Promise<void> {
  const keep = [`/${spec.name}`, ...(standby ? [`/${standby.name}`] : [])];
  for (const stale of await labelledContainers(docker, outpostUuid)) {
    if (stale.Names.some((name) => keep.includes(name))) continue;
    log.add('info', `Container ${stale.Names[0] ?? stale.Id} has an outdated name, removing it.`);
    await removeContainer(docker, stale.Id, stale.State === 'running', log);
  }
  const current = await inspectByName(docker, spec.name);
  if (current && !isOwned(current, outpostUuid))
    throw new Error(
      `A container named ${spec.name} exists and does not belong to this outpost; not touching it.`,
    );
  const leftStandby = standby && (await inspectByName(docker, standby.name));
  if (leftStandby && !isOwned(leftStandby, outpostUuid))
    throw new Error(
      `A container named ${leftStandby.Name} exists and does not belong to this outpost; not touching it.`,
    );
  if (standby && leftStandby?.State.Running)
    return finishRollOver(docker, current, spec, standby, leftStandby.Id, log);
  if (!current) {
    await createAndStart(docker, spec, log);
    return;
  }
  const reasons = driftReasons(current, spec);
  if (reasons.length > 0) {
    for (const reason of reasons) log.add('info', reason);
    if (standby && current.State.Running) return rollOver(docker, current.Id, spec, standby, log);
    await removeContainer(docker, current.Id, current.State.Running, log);
    await createAndStart(docker, spec, log);
    return;
  }
  const health = current.State.Health?.Status;
  if (current.State.Running && health !== undefined && health !== 'healthy' && health !== 'starting') {
    log.add('info', 'Container is unhealthy, restarting...');
    // kill + start rather than restart: restart is not among the permissions the seed lists.
    await docker.getContainer(current.Id).kill();
    if (!(await waitUntilStopped(docker, current.Id)))
      throw new Error('The container did not stop within 10 s of being killed.');
    await docker.getContainer(current.Id).start();
    return;
  }
  if (!current.State.Running) {
    log.add('info', 'Container is not running, restarting...');
    await docker.getContainer(current.Id).start();
    return;
  }
  log.add('info', 'Container is running');
}

/**
 * Waits for a started container's health check to pass, for as long as its check may take (start period plus
 * every retry). A container without a check counts once it runs; one that exits or turns unhealthy fails.
 */
async function waitHealthy(docker: Docker, id: string, spec: ContainerSpec, log: TaskLog): Promise<void> {
  const { StartPeriod, Interval, Retries } = spec.healthcheck;
  const withinMs = (StartPeriod + Interval * (Retries + 2)) / 1e6;
  for (const end = Date.now() + withinMs; Date.now() < end; await sleep(200)) {
    const state = ((await docker.getContainer(id).inspect()) as unknown as InspectedContainer).State;
    if (!state.Running)
      throw new Error(`Container ${spec.name} stopped (${state.Status}) before it was healthy.`);
    const health = state.Health?.Status;
    if (health === 'healthy' || health === undefined) {
      log.add('info', `Container ${spec.name} is healthy.`);
      return;
    }
    if (health === 'unhealthy') throw new Error(`Container ${spec.name} turned unhealthy.`);
  }
  throw new Error(`Container ${spec.name} was not healthy within ${Math.round(withinMs / 1000)} s.`);
}

/**
 * Stops a container the way `docker stop` does (SIGTERM, so the outpost lets in-flight requests finish; its
 * own drain takes up to 10 s; SIGKILL after 30 s), then removes it. Kill with a signal is Containers/Kill.
 */
async function stopGracefully(docker: Docker, id: string, log: TaskLog): Promise<void> {
  log.add('info', 'Stopping container gracefully.');
  await docker
    .getContainer(id)
    .kill({ signal: 'SIGTERM' })
    .catch((error: unknown) => {
      if (statusOf(error) !== 409 && statusOf(error) !== 404) throw error;
    });
  const stopped = await waitUntilStopped(docker, id, 30_000).catch(() => true);
  await removeContainer(docker, id, !stopped, log);
}

async function removeByName(docker: Docker, name: string, log: TaskLog): Promise<void> {
  const left = await inspectByName(docker, name);
  if (!left) return;
  log.add('info', `Removing ${name}, left by an interrupted roll.`);
  await removeContainer(docker, left.Id, left.State.Running, log);
}

/**
 * Replaces a running container without a moment where nothing answers (docs/integrations/docker.md, "Token
 * rotation"): a standby starts beside it on shifted ports and must turn healthy; only then is the old one
 * stopped gracefully; the new container takes the spec's ports and must turn healthy; then the standby
 * goes. A proxy that falls back from the spec's ports to the standby's never meets a closed door. A standby
 * that does not turn healthy is removed and the run fails, leaving the old container serving.
 */
async function rollOver(
  docker: Docker,
  currentId: string,
  spec: ContainerSpec,
  standby: ContainerSpec,
  log: TaskLog,
): Promise<void> {
  await removeByName(docker, standby.name, log);
  log.add('info', `Rolling over: starting standby container ${standby.name}.`);
  const standbyId = await createAndStart(docker, standby, log);
  try {
    await waitHealthy(docker, standbyId, standby, log);
  } catch (error) {
    await removeContainer(docker, standbyId, true, log);
    throw error;
  }
  await stopGracefully(docker, currentId, log);
  const id = await createAndStart(docker, spec, log);
  await waitHealthy(docker, id, spec, log);
  await stopGracefully(docker, standbyId, log);
  log.add('info', 'Rolled over to the new container.');
}

/**
 * Ends a roll a failed run left with its standby serving: the container on the spec's ports is made anew
 * (unless it already runs healthy and matches) while the standby answers, then the standby goes.
 */
async function finishRollOver(
  docker: Docker,
  current: InspectedContainer | undefined,
  spec: ContainerSpec,
  standby: ContainerSpec,
  standbyId: string,
  log: TaskLog,
): Promise<void> {
  log.add('info', `Standby container ${standby.name} is still serving: finishing the roll.`);
  const isReady =
    current?.State.Running &&
    current.State.Health?.Status === 'healthy' &&
    driftReasons(current, spec).length === 0;
  if (!isReady) {
    if (current) await removeContainer(docker, current.Id, current.State.Running, log);
    const id = await createAndStart(docker, spec, log);
    await waitHealthy(docker, id, spec, log);
  }
  await stopGracefully(docker, standbyId, log);
  log.add('info', 'Rolled over to the new container.');
}

/** Removes every container of an outpost (found by its uuid label, so a renamed one too). */
export async function containerDown(docker: Docker, outpostUuid: string, log: TaskLog): Promise<void> {
  const containers = await labelledContainers(docker, outpostUuid);
  if (containers.length === 0) log.add('info', 'No container to remove.');
  for (const c of containers) await removeContainer(docker, c.Id, c.State === 'running', log);
}
