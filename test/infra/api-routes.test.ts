import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_GATEWAY_ROUTES, API_ROUTES, type ApiRouteName } from '../../contract/index.js';
import { repoRoot } from '../../lib/config/bundling.js';
import { ROUTE_TARGETS } from '../../lib/constructs/api.js';
import { gatewayPattern } from '../../local/gateway-routes.js';
import { resourcesOfType, synthConfiguredStage } from './synth.js';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked by key
type Json = any;

const openApi: Json = JSON.parse(readFileSync(join(repoRoot, 'functions/api/openapi.json'), 'utf8'));

/** A public path filled in as API Gateway sees it: decoded, so the user id keeps its `/`, `?` and `%`. */
function decodedExample(path: string): string {
  return path.replace('{userId}', 'a/b?c%d').replace('{sessionId}', '20240101T090000000Z');
}

const routeNames = Object.keys(API_ROUTES) as ApiRouteName[];

describe('API routes: CDK, contract/ and openapi.json agree', () => {
  const { stateless } = synthConfiguredStage('dev');

  it('configures API Gateway with exactly the gateway routes of contract/', () => {
    const routeKeys = Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual(
      API_GATEWAY_ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  it('has every public route served by exactly one gateway route, which matches its decoded paths', () => {
    for (const name of routeNames) {
      const { method, path } = API_ROUTES[name];
      const listing = API_GATEWAY_ROUTES.filter((route) =>
        (route.routes as readonly string[]).includes(name),
      );
      expect(listing, name).toHaveLength(1);
      const matching = API_GATEWAY_ROUTES.filter(
        (route) => route.method === method && gatewayPattern(route.path).test(decodedExample(path)),
      );
      expect(matching, `${method} ${decodedExample(path)}`).toEqual(listing);
    }
  });

  it('sends each gateway route to one function, the lookups to the read-only one', () => {
    for (const route of API_GATEWAY_ROUTES) {
      const targets = new Set(route.routes.map((name: ApiRouteName) => ROUTE_TARGETS[name]));
      expect(targets.size, route.path).toBe(1);
    }
    expect(ROUTE_TARGETS).toEqual({
      getUser: 'lookup',
      listSessions: 'lookup',
      getSession: 'lookup',
      eraseUser: 'admin',
    });
  });

  it('documents exactly the public routes in openapi.json, under their names as operation ids', () => {
    const documented = Object.entries<Json>(openApi.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item)
        .filter(([key]) => key !== 'parameters')
        .map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId}`),
    );
    const contract = routeNames.map((name) => `${API_ROUTES[name].method} ${API_ROUTES[name].path} ${name}`);
    expect(documented.sort()).toEqual(contract.sort());
  });

  it('can tell the routes apart in the gateway pattern (the check above is not vacuous)', () => {
    expect(gatewayPattern('/users/{proxy+}').test('/users/a/b?c%d/sessions')).toBe(true);
    expect(gatewayPattern('/users/{proxy+}').test('/admin/users/a')).toBe(false);
    expect(gatewayPattern('/users/{userId}').test('/users/a/b')).toBe(false);
  });
});
