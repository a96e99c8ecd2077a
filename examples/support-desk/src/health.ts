import { open, readdir, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';

/** `ok`: all is well; `degraded`: serving, with a warning; `down`: a dependency the service needs is gone. */
export type HealthStatus = 'ok' | 'degraded' | 'down';

/** What `GET /health` answers. */
export interface HealthReport {
  status: HealthStatus;
  checks: {
    database: { status: 'ok' | 'down'; detail?: string };
    resources: {
      status: 'ok' | 'warning';
      /** Descriptors the process has open (`/proc/self/fd`), `null` where the system does not say. */
      openDescriptors: number | null;
      /** The process's soft limit on open descriptors (`/proc/self/limits`), `null` where the system does not say. */
      descriptorLimit: number | null;
      warnings: string[];
    };
  };
}

/** Share of the descriptor limit past which the health check warns. */
export const DESCRIPTOR_WARNING_RATIO = 0.8;

/** Where the resource check opens a descriptor to see whether one can still be opened. */
const DESCRIPTOR_PROBE_PATH = '/dev/null';

async function openDescriptorCount(): Promise<number | null> {
  try {
    return (await readdir('/proc/self/fd')).length;
  } catch {
    return null;
  }
}

let knownDescriptorLimit: number | undefined;

/** Read once it could be read: reading it takes a descriptor, which may be the one missing. */
async function descriptorSoftLimit(): Promise<number | null> {
  if (knownDescriptorLimit !== undefined) return knownDescriptorLimit;
  try {
    const limits = await readFile('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    if (soft === undefined) return null;
    knownDescriptorLimit = Number(soft);
    return knownDescriptorLimit;
  } catch {
    return null;
  }
}

/**
 * The resource check: descriptors open against the limit, and whether one more can be opened at
 * all. The probe is what catches exhaustion however it comes (the kernel's limit, a container's,
 * a budget a test sets): counting alone misses limits the count does not see.
 */
async function checkResources(): Promise<HealthReport['checks']['resources']> {
  const warnings: string[] = [];
  try {
    const probe = await open(DESCRIPTOR_PROBE_PATH, 'r');
    await probe.close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EMFILE' && code !== 'ENFILE') throw error;
    warnings.push(`file descriptors exhausted: opening a file fails with ${code}`);
  }
  const [openDescriptors, descriptorLimit] = await Promise.all([openDescriptorCount(), descriptorSoftLimit()]);
  if (openDescriptors !== null && descriptorLimit !== null && openDescriptors > DESCRIPTOR_WARNING_RATIO * descriptorLimit) {
    warnings.push(`${openDescriptors} of ${descriptorLimit} file descriptors open`);
  }
  return { status: warnings.length === 0 ? 'ok' : 'warning', openDescriptors, descriptorLimit, warnings };
}

async function checkDatabase(database: Database): Promise<HealthReport['checks']['database']> {
  try {
    await database.ping();
    return { status: 'ok' };
  } catch {
    // The error (with its address) goes to the log only.
    return { status: 'down', detail: 'The database does not answer.' };
  }
}

/**
 * Register `GET /health`, the one route besides `POST /tenants` without a tenant: 200 with
 * `status: 'ok'`, or `'degraded'` with the resource warnings while the service still serves; 503
 * with `status: 'down'` when the database does not answer.
 *
 * @example
 * registerHealthRoutes(app, database)
 */
export function registerHealthRoutes(app: FastifyInstance, database: Database): void {
  app.get('/health', async (request, reply) => {
    const [databaseCheck, resources] = await Promise.all([checkDatabase(database), checkResources()]);
    const status: HealthStatus = databaseCheck.status === 'down' ? 'down' : resources.status === 'warning' ? 'degraded' : 'ok';
    if (status !== 'ok') request.log.warn({ database: databaseCheck, resources }, `health: ${status}`);
    const report: HealthReport = { status, checks: { database: databaseCheck, resources } };
    return reply.code(status === 'down' ? 503 : 200).send(report);
  });
}
