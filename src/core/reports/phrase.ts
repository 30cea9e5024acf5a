/** Kept for the chat handler until it calls `recognizeReport` (recognize.ts) directly. */
export { classifyReportText } from './recognize';
