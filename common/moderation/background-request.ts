// A console page that refreshes itself (the queue) says so with this header, so that its
// requests do not keep an unattended session from reaching its idle limit.
export const BACKGROUND_REQUEST_HEADER = 'x-offscript-background';
