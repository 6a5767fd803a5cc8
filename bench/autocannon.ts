/**
 * The part of autocannon's programmatic API the bench uses, typed here: the package ships no types, and a local
 * `declare module` would clash with a typings package if one is ever installed.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

export interface RequestParams {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface AutocannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  connections: number;
  duration: number;
  /** Seconds before requests time out and count as errors. */
  timeout?: number;
  warmup?: { connections: number; duration: number };
  requests?: Array<RequestParams & { setupRequest?: (request: RequestParams) => RequestParams }>;
}

export interface Histogram {
  average: number;
  total: number;
  p50: number;
  p99: number;
}

export interface AutocannonResult {
  /** Seconds the run lasted. */
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram;
  requests: Histogram & { sent: number };
  warmup?: AutocannonResult;
}

/** Emits `response` (client, status, bytes, milliseconds) for each response of the measured run only. */
export type AutocannonRun = EventEmitter & PromiseLike<AutocannonResult>;

const require = createRequire(import.meta.url);

export const autocannon = require('autocannon') as (options: AutocannonOptions) => AutocannonRun;
