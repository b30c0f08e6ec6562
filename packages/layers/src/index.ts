/** Package version; the real API lands here soon. */
export const VERSION = '0.1.0';
