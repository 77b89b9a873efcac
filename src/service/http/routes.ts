import type { HttpMethod, ParameterDefinition } from '../definition';

/** The methods `@Http` serves. */
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** One segment of a route: a literal, or a `:name` parameter. */
type Segment = { literal: string } | { param: string };

const PARAM = /^:([A-Za-z_$][\w$]*)$/;
// RFC 3986 unreserved characters and sub-delims that need no escaping in a path segment.
const LITERAL = /^[\w.~!$&'()*+,;=@-]+$/;

/** A route's segments, or what is wrong with its text. */
export function parseRoute(path: string): Segment[] | string {
  if (typeof path !== 'string' || !path.startsWith('/'))
    return `path must start with '/', got ${JSON.stringify(path)}`;
  if (path === '/') return [];
  const parts = path.slice(1).split('/');
  const segments: Segment[] = [];
  for (const part of parts) {
    const param = PARAM.exec(part);
    if (param) segments.push({ param: param[1] });
    else if (LITERAL.test(part)) segments.push({ literal: part });
    else return `path ${path}: segment ${JSON.stringify(part)} is neither a literal nor a :name parameter`;
  }
  return segments;
}

/** Two routes with one key cannot be told apart: `GET /orders/:`. */
export function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/:[A-Za-z_$][\w$]*/g, ':')}`;
}

/** What is wrong with a declared route, or undefined: its method, its text, its parameters. */
export function checkRoute(
  method: string,
  path: string,
  parameters: readonly ParameterDefinition[],
): string | undefined {
  if (!(HTTP_METHODS as readonly string[]).includes(method))
    return `method must be one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(method)}`;
  const segments = parseRoute(path);
  if (typeof segments === 'string') return segments;
  const names = new Set(parameters.flatMap((p) => (p.rest ? [] : [p.name, ...(p.properties ?? [])])));
  const seen = new Set<string>();
  for (const segment of segments) {
    if (!('param' in segment)) continue;
    if (seen.has(segment.param)) return `path ${path} names :${segment.param} twice`;
    seen.add(segment.param);
    if (!names.has(segment.param))
      return `path ${path}: :${segment.param} is not a parameter of the method (${[...names].join(', ') || 'none'})`;
  }
  return undefined;
}

/** A route found for a request, with its path parameters (decoded). */
export interface RouteMatch<T> {
  readonly route: T;
  readonly params: Record<string, string>;
}

interface Entry<T> {
  readonly method: string;
  readonly segments: Segment[];
  readonly route: T;
}

/**
 * Routes by method and path. A literal segment beats a parameter at the same place
 * (`/orders/latest` before `/orders/:id`), whatever order they were added in.
 */
export class RouteTable<T> {
  private readonly bySize = new Map<number, Entry<T>[]>();

  /** Adds a route checked by `checkRoute`. */
  add(method: string, path: string, route: T): void {
    const segments = parseRoute(path) as Segment[];
    const list = this.bySize.get(segments.length) ?? [];
    list.push({ method, segments, route });
    list.sort((a, b) => specificity(b.segments) - specificity(a.segments));
    this.bySize.set(segments.length, list);
  }

  remove(route: T): void {
    for (const [size, list] of this.bySize) {
      const kept = list.filter((e) => e.route !== route);
      if (kept.length === 0) this.bySize.delete(size);
      else this.bySize.set(size, kept);
    }
  }

  /**
   * The route of `method` matching `pathname` (still percent-encoded); `methods` lists the
   * methods the path has when none is `method` (for 405 and its Allow header).
   * A parameter that is not valid percent-encoding matches nothing.
   */
  match(method: string, pathname: string): RouteMatch<T> | { methods: string[] } {
    const parts = pathname === '/' ? [] : pathname.slice(1).split('/');
    const methods: string[] = [];
    for (const entry of this.bySize.get(parts.length) ?? []) {
      const params = matchSegments(entry.segments, parts);
      if (params === undefined) continue;
      if (entry.method === method) return { route: entry.route, params };
      if (!methods.includes(entry.method)) methods.push(entry.method);
    }
    return { methods };
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if ('literal' in segment) {
      if (segment.literal !== parts[i]) return undefined;
    } else {
      if (parts[i] === '') return undefined;
      try {
        params[segment.param] = decodeURIComponent(parts[i]);
      } catch {
        return undefined;
      }
    }
  }
  return params;
}

/** Literal segments weigh more the earlier they come: a bit per place, high bits first. */
function specificity(segments: Segment[]): number {
  let score = 0;
  for (const segment of segments) score = score * 2 + ('literal' in segment ? 1 : 0);
  return score;
}
