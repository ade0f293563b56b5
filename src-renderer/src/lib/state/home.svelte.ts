/** State of the home screen: app info, recent runs and devices, loaded from the API. */
import type { ApiClient, AppInfo, DeviceSummary, RunSummary } from '@api/index';
import { toShownError, type ShownError } from '../errors';

export class HomeState {
  info = $state<AppInfo | null>(null);
  runs = $state.raw<RunSummary[]>([]);
  devices = $state.raw<DeviceSummary[]>([]);
  loading = $state(true);
  error = $state<ShownError | null>(null);

  constructor(private readonly api: ApiClient) {}

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const [info, runs, devices] = await Promise.all([
        this.api.call('app.info', {}),
        this.api.call('runs.list', { limit: 8 }),
        this.api.call('devices.list', {}),
      ]);
      this.info = info;
      this.runs = runs.runs;
      this.devices = devices.devices;
    } catch (error) {
      this.error = toShownError(error);
    } finally {
      this.loading = false;
    }
  }
}
