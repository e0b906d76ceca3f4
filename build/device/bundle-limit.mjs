/** What may travel to a lent device (issue 14 item 4): the archive's size limit in bytes. */
export const DEVICE_BUNDLE_LIMIT = 60 * 1024 * 1024;
