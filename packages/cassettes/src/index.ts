/** Package version marker until the public API lands. */
export const packageName = '@proving-ground/cassettes';
