import { createHash } from 'node:crypto';

/** A request reduced to what identifies it: no host, no headers, no secrets, keys sorted. */
export interface NormalizedRequest {
  method: string;
  /** The URL path, e.g. `/v1/chat/completions`. The host is left out so a recording replays anywhere. */
  path: string;
  /** Query parameters, sorted, without secrets. */
  query: Record<string, string>;
  /** The JSON body with sorted keys, the raw text when it is not JSON, or null. */
  body: unknown;
}

/** Query parameters that carry credentials on some hosts; they never enter a key or a cassette. */
const secretQueryParameters: ReadonlySet<string> = new Set([
  'key',
  'api-key',
  'api_key',
  'apikey',
  'access_token',
  'token',
  'auth',
  'authorization',
  'sig',
  'signature',
]);

/**
 * Normalizes what `fetch` was called with. Headers are ignored entirely: they carry the keys, and
 * what matters for matching is the method, the path, the query and the body.
 */
export async function normalizeRequest(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<NormalizedRequest> {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request?.url ?? String(input));
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const query: Record<string, string> = {};
  for (const name of [...new Set(url.searchParams.keys())].sort()) {
    if (secretQueryParameters.has(name.toLowerCase())) continue;
    query[name] = url.searchParams.getAll(name).join(',');
  }
  let text: string | undefined;
  const body = init?.body;
  if (typeof body === 'string') text = body;
  // A stream can be read only once, and the real request still needs it.
  else if (body instanceof ReadableStream) text = '(streamed body)';
  else if (body !== undefined && body !== null) text = await new Response(body).text();
  else if (request !== undefined && request.body !== null) text = await request.clone().text();
  return {
    method,
    path: url.pathname,
    query,
    body: text === undefined || text === '' ? null : parseBody(text),
  };
}

function parseBody(text: string): unknown {
  try {
    return canonicalize(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Sorts object keys recursively, so that key order never changes a hash. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = canonicalize((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/** The SHA-256 (hex) of a normalized request: the key of a cassette entry. */
export function requestKey(request: NormalizedRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify([request.method, request.path, canonicalize(request.query), canonicalize(request.body)]),
    )
    .digest('hex');
}
