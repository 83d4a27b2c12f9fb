// Which of a stage's API Gateway routes (contract/ API_GATEWAY_ROUTES, what lib/constructs/api.ts configures)
// takes a request, for the local stand-in: a request none takes gets API Gateway's own 404, reaching no function.
import { API_GATEWAY_ROUTES, type ApiRouteName } from '../contract/index.js';

export type GatewayRoute = (typeof API_GATEWAY_ROUTES)[number];

/** API Gateway's body for a request no route takes. */
export const NO_ROUTE_BODY = JSON.stringify({ message: 'Not Found' });

/** A route path as API Gateway matches it: `{name}` is one segment, a greedy `{name+}` one or more. */
export function gatewayPattern(path: string): RegExp {
  const segments = path.split('/').map((segment) => {
    if (/^\{\w+\+\}$/.test(segment)) return '.+';
    if (/^\{\w+\}$/.test(segment)) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}

const ROUTES = API_GATEWAY_ROUTES.map((route) => ({ route, pattern: gatewayPattern(route.path) }));

/**
 * The route taking `method` (as sent: methods are case-sensitive) on `path`, or undefined. The path is matched
 * as sent, still percent-encoded, as the stand-in has always told the admin route from the lookups.
 */
export function gatewayRouteOf(method: string, path: string): GatewayRoute | undefined {
  return ROUTES.find((entry) => entry.route.method === method && entry.pattern.test(path))?.route;
}

/** Whether `route` serves `name` (the admin function's route serves `eraseUser`). */
export function routeServes(route: GatewayRoute, name: ApiRouteName): boolean {
  return (route.routes as readonly ApiRouteName[]).includes(name);
}
