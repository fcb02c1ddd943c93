import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import { startDockerIntegration } from './docker/integration.ts';
import { startKubernetesIntegration } from './kubernetes/runtime.ts';
import { recordTask } from './tasks.ts';
import { outpostsDueForRotation, startTokenRotation } from './token-rotation.ts';

/** What every running integration offers the process that started it. */
export interface RunningIntegration {
  /** Resolves when no run is in progress or queued. */
  idle(): Promise<void>;
  /** Stops triggers and schedules and waits for runs in progress; call it before closing the database. */
  stop(): Promise<void>;
}

/** How often the token schedule looks for outposts whose token is due (`outposts.token_rotation_days`). */
export const ROTATION_CHECK_MS = 3600_000;

/**
 * Rotates, on one replica (claimed through its system-task row), the tokens of outposts an integration
 * deploys once they are `outposts.token_rotation_days` old; the integrations' controllers roll them.
 */
export async function rotateDueTokens(ctx: AppContext): Promise<void> {
  await recordTask(
    ctx.db,
    {
      actorName: 'outpost_token_rotation',
      uid: 'schedule',
      description: `Rotates outpost tokens older than ${ctx.config.outposts.token_rotation_days} days.`,
      notWithinMs: ROTATION_CHECK_MS / 2,
    },
    async (task) => {
      for (const uuid of await outpostsDueForRotation(ctx, ctx.config.outposts.token_rotation_days)) {
        try {
          await startTokenRotation(ctx, uuid);
          task.add('info', `Started the token rotation of outpost ${uuid}.`);
        } catch (error) {
          // One outpost's refusal (a rotation started meanwhile, a connection just changed) stops no other.
          task.add('warning', `Not rotating outpost ${uuid}: ${(error as Error).message}`);
        }
      }
    },
  );
}

/**
 * Starts the Docker and Kubernetes integrations and the token schedule, the one way the core runs them
 * (startServer; tests start the integration they test with the same functions).
 */
export async function startIntegrations(
  ctx: AppContext,
  log: FastifyBaseLogger,
): Promise<RunningIntegration> {
  const running: RunningIntegration[] = [];
  try {
    running.push(await startDockerIntegration(ctx, log));
    running.push(await startKubernetesIntegration(ctx, log));
  } catch (error) {
    for (const integration of running) await integration.stop();
    throw error;
  }
  const timer = setInterval(() => {
    rotateDueTokens(ctx).catch((error: unknown) =>
      log.warn({ err: error }, 'token rotation schedule failed'),
    );
  }, ROTATION_CHECK_MS);
  timer.unref();
  return {
    async idle() {
      await Promise.all(running.map((r) => r.idle()));
    },
    async stop() {
      clearInterval(timer);
      for (const integration of running) await integration.stop();
    },
  };
}
