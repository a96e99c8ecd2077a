import { loadNativeRuntime } from './internal/native-runtime.js';
import type { NetworkGuardRuntime } from './runtime.js';

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
  return loadNativeRuntime().getNetworkGuard();
}
