/** The only two IPC channels: one for calls (invoke), one for pushed events. */
export const IPC_CALL_CHANNEL = 'bitbench:call';
export const IPC_EVENT_CHANNEL = 'bitbench:event';
