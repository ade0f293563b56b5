/** The API client and the shared event feed and router, provided once at mount time as Svelte context. */
import { getContext } from 'svelte';
import type { ApiClient } from '@api/index';
import type { EventFeed } from '../events.svelte';
import type { Router } from '../router.svelte';

export const API_CONTEXT_KEY = Symbol('bitbench-api');
export const EVENTS_CONTEXT_KEY = Symbol('bitbench-events');
export const ROUTER_CONTEXT_KEY = Symbol('bitbench-router');

function required<T>(key: symbol, what: string): T {
  const value = getContext<T | undefined>(key);
  if (!value) throw new Error(`No ${what} in context: mount the app through main.ts.`);
  return value;
}

export const getApi = (): ApiClient => required<ApiClient>(API_CONTEXT_KEY, 'API client');
export const getEvents = (): EventFeed => required<EventFeed>(EVENTS_CONTEXT_KEY, 'event feed');
export const getRouter = (): Router => required<Router>(ROUTER_CONTEXT_KEY, 'router');
