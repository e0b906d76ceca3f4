export const DEVICE_BUNDLE_LIMIT: number;
