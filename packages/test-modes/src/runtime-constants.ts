/** Set by the global setup when it has printed the banner, so workers stay quiet. */
export const BANNER_PRINTED_ENV = 'PROVING_GROUND_TEST_MODES_BANNER_PRINTED';
