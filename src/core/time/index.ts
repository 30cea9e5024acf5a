/** Time for Điều phối: Vietnamese formats, user input, durations, working days, planning. */
export * from './format';
export * from './duration';
export * from './parse';
export * from './calendar';
export * from './schedule';
export * from './recurrence';
