// The BroadcastChannel the console's tabs of one browser share: keys handed to a new tab, logouts.
export const KEY_HANDOFF_CHANNEL = 'offscript.moderator.tabs';
