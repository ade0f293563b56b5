import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { CHART_CSS } from '@api/present/chartStyle';
import { createApiClient } from './lib/api/client';
import { API_CONTEXT_KEY, EVENTS_CONTEXT_KEY, ROUTER_CONTEXT_KEY } from './lib/api/context';
import { EventFeed } from './lib/events.svelte';
import { Router } from './lib/router.svelte';

// The charts are drawn by the same builders as the reports, and styled by the same rules.
const chartStyle = document.createElement('style');
chartStyle.textContent = CHART_CSS;
document.head.append(chartStyle);

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');
const api = createApiClient();
mount(App, {
  target,
  context: new Map<symbol, unknown>([
    [API_CONTEXT_KEY, api],
    [EVENTS_CONTEXT_KEY, new EventFeed(api)],
    [ROUTER_CONTEXT_KEY, new Router()],
  ]),
});
