/** Time is injected everywhere so tests can drive a whole cycle. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
