/** The API client is provided once at mount time as Svelte context; screens read it with getApi(). */
import { getContext } from 'svelte';
import type { ApiClient } from '@api/contract';

export const API_CONTEXT_KEY = Symbol('bitbench-api');

export function getApi(): ApiClient {
  const api = getContext<ApiClient | undefined>(API_CONTEXT_KEY);
  if (!api) throw new Error('No API client in context: mount the app through main.ts.');
  return api;
}
