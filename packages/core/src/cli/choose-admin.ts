import { loadConfig } from '../config/load.ts';
import { apiAdmin } from './api-admin.ts';
import type { Io } from './command.ts';
import { directAdmin } from './direct-admin.ts';
import type { IdentityAdmin } from './identity-admin.ts';

/**
 * Picks where a command makes its change: the running server's API when PALISADE_URL and PALISADE_TOKEN are
 * set and the server answers; otherwise the database directly (which, for the embedded database, fails with
 * a clear message while a server holds it).
 */
export async function chooseAdmin(io: Io): Promise<IdentityAdmin> {
  const url = io.env.PALISADE_URL;
  const token = io.env.PALISADE_TOKEN;
  if (url && token) {
    if (await isServerUp(url)) return apiAdmin(url, token);
    io.stderr(`${url} does not answer; working on the database directly\n`);
  } else if (url) {
    io.stderr('PALISADE_URL is set without PALISADE_TOKEN; working on the database directly\n');
  }
  return directAdmin(loadConfig({ env: io.env }));
}

/** Runs `work` against the chosen admin and always releases it (the embedded database's lock with it). */
export async function withAdmin<T>(io: Io, work: (admin: IdentityAdmin) => Promise<T>): Promise<T> {
  const admin = await chooseAdmin(io);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

async function isServerUp(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/-/health/live/`, {
      signal: AbortSignal.timeout(3000),
    });
    return res.status < 500;
  } catch {
    return false;
  }
}
