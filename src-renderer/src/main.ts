import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createApiClient } from './lib/api/client';
import { API_CONTEXT_KEY } from './lib/api/context';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element.');
mount(App, { target, context: new Map([[API_CONTEXT_KEY, createApiClient()]]) });
