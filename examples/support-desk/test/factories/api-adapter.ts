import type { PersistenceAdapter } from '@proving-ground/factories';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import type { RunningSupportDesk } from '../support-desk.ts';

let bound: RunningSupportDesk | undefined;

/**
 * Point the factories of this test file at a running desk (call it in `beforeAll`, after
 * `startSupportDesk()`); `create` goes through that desk's API.
 *
 * @example
 * beforeAll(async () => { desk = await startSupportDesk(); useSupportDesk(desk) })
 */
export function useSupportDesk(desk: RunningSupportDesk): void {
  bound = desk;
}

/** The desk `useSupportDesk` bound, for adapters that need more than its API. */
export function boundDesk(): RunningSupportDesk {
  if (bound === undefined) {
    throw new Error('[support-desk factories] Failed to create a row: no desk is bound. Call useSupportDesk(desk) in beforeAll first.');
  }
  return bound;
}

/** How one factory's rows become API calls. */
export interface ApiRoute<Row, Created> {
  /** The route that creates the row, e.g. `/users`. */
  url: string;
  /** The tenant the request acts as (the `x-tenant-id` header); none for `POST /tenants`. */
  tenant?: (row: Row) => string;
  /** The JSON body (default: the row without its tenant). */
  body?: (row: Row) => unknown;
  /** What `create` returns, from the API's answer and the row (default: the answer). */
  created?: (answer: unknown, row: Row) => Created;
}

/**
 * A persistence adapter that creates rows the way a client does: `POST` to the service with
 * `app.inject`, expecting 201. The created object is what the service answered (server-assigned
 * ids, lowercased emails, computed totals), so built and created types differ.
 *
 * @example
 * defineFactory('tenant').attr('name', 'Acme').persistWith(apiAdapter<{ name: string }, Tenant>({ url: '/tenants' }))
 */
export function apiAdapter<Row extends object, Created>(route: ApiRoute<Row, Created>): PersistenceAdapter<Row, Created> {
  return {
    async insert(row, { factory }) {
      const desk = boundDesk();
      const headers = route.tenant === undefined ? {} : { [TENANT_HEADER]: route.tenant(row) };
      const payload = (route.body ?? ((value: Row) => value))(row) as Record<string, unknown>;
      const response = await desk.app.inject({ method: 'POST', url: route.url, headers, payload });
      if (response.statusCode !== 201) {
        throw new Error(`POST ${route.url} for "${factory}" answered ${response.statusCode}: ${response.body}`);
      }
      const answer: unknown = response.json();
      return route.created === undefined ? (answer as Created) : route.created(answer, row);
    },
  };
}
