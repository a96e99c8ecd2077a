import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import type { DownloadLinks } from './download-links.ts';
import { UUID_PATTERN } from './ids.ts';
import { Problem, problem } from './problems.ts';
import { inTenant } from './tenancy.ts';

/** The media type of an export: one JSON order (with its lines) per line. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** Where exports are written, and how their download links are signed. */
export interface ExportOptions {
  /** The folder exports go to, one subfolder per tenant (`EXPORT_DIR`). */
  directory: string;
  /** Signs and checks the short-lived download links. */
  links: DownloadLinks;
}

/** What `POST /orders/export` answers. */
export interface OrderExport {
  id: string;
  orderCount: number;
  bytes: number;
  createdAt: string;
  /** A link that downloads the export without a tenant header, until `expiresAt`. */
  download: { url: string; expiresAt: string };
}

/** Errors that mean the disk (or the user's quota on it) is full. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

interface ExportRow {
  id: string;
  user_id: string;
  currency: string;
  total_cents: string;
  created_at: Date;
  lines: { lineNo: number; sku: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
}

/**
 * Write `lines` to `file` so that `file` either does not exist or holds all of them: into a temporary
 * file in the same folder, flushed to the disk (`fsync`), then renamed over `file` (atomic within a
 * file system), then the folder flushed so the rename survives a crash. On any failure the
 * temporary file is removed and the error rethrown.
 */
async function writeAtomically(file: string, folder: string, lines: Iterable<string>): Promise<number> {
  const temporary = join(folder, `.${randomUUID()}.tmp`);
  let bytes = 0;
  try {
    const handle = await open(temporary, 'wx');
    try {
      for (const line of lines) {
        const { bytesWritten } = await handle.write(line);
        bytes += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const directory = await open(folder, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return bytes;
}

function exportFile(options: ExportOptions, tenantId: string, exportId: string): { folder: string; file: string } {
  const folder = join(options.directory, tenantId);
  return { folder, file: join(folder, `${exportId}.ndjson`) };
}

const downloadSchema = {
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['token'],
    properties: { token: { type: 'string', minLength: 1, maxLength: 1000 } },
  },
} as const;

/**
 * Register the export routes:
 * - `POST /orders/export` (tenant header): write every order of the tenant, with its lines, as
 *   NDJSON to the export folder, all or nothing (temporary file, `fsync`, rename): 201 with the
 *   export and a signed download link; 507 (`insufficient-storage`) when the disk is full, with
 *   no file left behind; 404 when exports are not configured;
 * - `GET /exports/:id?token=`: download an export with its signed link, no tenant header: 403
 *   (`link-expired`, `link-invalid`) for a link past its expiry or not signed here.
 *
 * @example
 * registerExportRoutes(app, database, { directory: '/var/lib/support-desk/exports', links: new DownloadLinks({ secret }) })
 */
export function registerExportRoutes(app: FastifyInstance, database: Database, options: ExportOptions | undefined): void {
  app.post('/orders/export', async (request, reply) => {
    if (options === undefined) throw problem('not-found', 'Exports are not configured on this server (EXPORT_DIR).');
    const exportId = randomUUID();
    const { tenant, rows } = await inTenant(database, request, async (sql, tenant) => {
      const found = await sql.query<ExportRow>(
        `SELECT o.id, o.user_id, o.currency, o.total_cents, o.created_at,
                coalesce((SELECT json_agg(json_build_object(
                   'lineNo', l.line_no, 'sku', l.sku, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents,
                   'lineTotalCents', l.quantity * l.unit_price_cents) ORDER BY l.line_no)
                 FROM order_lines l WHERE l.order_id = o.id), '[]') AS lines
         FROM orders o
         ORDER BY o.created_at, o.id`,
      );
      return { tenant, rows: found.rows };
    });
    const { folder, file } = exportFile(options, tenant.id, exportId);
    await mkdir(folder, { recursive: true });
    const lines = rows.map(
      (row) =>
        `${JSON.stringify({
          id: row.id,
          userId: row.user_id,
          currency: row.currency,
          totalCents: Number(row.total_cents),
          lines: row.lines,
          createdAt: row.created_at.toISOString(),
        })}\n`,
    );
    let bytes: number;
    try {
      bytes = await writeAtomically(file, folder, lines);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined || !NO_SPACE.has(code)) throw error;
      throw new Problem(
        'insufficient-storage',
        `The export of ${rows.length} orders could not be written: the disk is full (${code}). Nothing was kept; try again once space is freed.`,
        {},
        { cause: error },
      );
    }
    const link = options.links.sign({ tenantId: tenant.id, exportId });
    const created: OrderExport = {
      id: exportId,
      orderCount: rows.length,
      bytes,
      createdAt: new Date().toISOString(),
      download: { url: `/exports/${exportId}?token=${link.token}`, expiresAt: link.expiresAt },
    };
    return reply.code(201).header('location', created.download.url).send(created);
  });

  app.get<{ Params: { id: string }; Querystring: { token: string } }>(
    '/exports/:id',
    { schema: downloadSchema },
    async (request, reply) => {
      if (options === undefined) throw problem('not-found', 'Exports are not configured on this server (EXPORT_DIR).');
      const claims = options.links.verify(request.query.token);
      if (claims.exportId !== request.params.id.toLowerCase() || !UUID_PATTERN.test(claims.tenantId)) {
        throw problem('link-invalid', 'The download link is not valid. Ask for a new export.');
      }
      const { file } = exportFile(options, claims.tenantId, claims.exportId);
      const found = await stat(file).catch(() => undefined);
      if (found === undefined) throw problem('not-found', `No export has the id ${claims.exportId}.`);
      return reply.type(NDJSON_CONTENT_TYPE).header('content-length', found.size).send(createReadStream(file));
    },
  );
}
