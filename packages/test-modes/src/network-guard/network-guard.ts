import { loadNativeRuntime } from './native-runtime.js';
import type { NetworkGuardRuntime } from './types.js';

/**
 * The process-wide network guard (installed by the setup entry). Other packages plug in here: a
 * request handler answers intercepted requests before the guard judges them.
 *
 * @example
 * const remove = networkGuard().addRequestHandler(({ request, controller }) => {
 *   if (new URL(request.url).pathname === '/v1/models') controller.respondWith(Response.json({ data: [] }))
 * })
 * afterAll(remove)
 */
export function networkGuard(): NetworkGuardRuntime {
  return loadNativeRuntime().ensureNetworkGuard();
}

/**
 * The network guard of this process if the suite installed one, without installing one (resolving
 * a service must not install a guard where the suite did not ask for one).
 *
 * @example
 * installedNetworkGuard()?.allowHost('db.internal:5432')
 */
export function installedNetworkGuard(): NetworkGuardRuntime | undefined {
  return loadNativeRuntime().installedNetworkGuard();
}
