/**
 * Every kind of scheduled job and the payload it carries (graphile-worker's task map): planning
 * a job and handling it agree on the payload's shape at compile time. A feature adds its kinds
 * here.
 */
export interface JobPayloads {
  'event.register': Record<string, never>;
  'event.daybefore': Record<string, never>;
  'event.morning': Record<string, never>;
  'event.session': { position: number };
  'campaign.remind': Record<string, never>;
  'campaign.chase': { round: number };
  'campaign.rollover': Record<string, never>;
  'task.remind': { task: number };
  'task.chase': { task: number; round: number };
  'task.checkin': { task: number; period: string };
  'file.fetch': { file: number };
  'plan.import': {
    platform: string;
    fileId: string;
    fileName: string | null;
    mimeType: string | null;
    chatId: number;
    chatExternalId: string;
    messageId: string | null;
    by: string;
    attempt?: number;
  };
}

export type JobKind = keyof JobPayloads;
