import type { ChannelSender } from '../channel';

/**
 * Keeps one channel within its limits: an even spacing for the overall rate (so any 1-second
 * window holds at most perSecond sends), a sliding minute per chat, a daily cap, and pauses
 * ordered by the platform (429 retry_after).
 */
export class Pacer {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly perChat = new Map<string, number[]>();
  private readonly chatPausedUntil = new Map<string, number>();
  private sentToday = 0;
  private day = '';

  constructor(
    private readonly limits: ChannelSender['limits'],
    private readonly random: () => number = Math.random,
  ) {}

  /** Spacing between sends; 3% margin absorbs timer jitter against the platform's own window. */
  private get gapMs(): number {
    const fromRate = this.limits.perSecond > 0 ? (1000 / this.limits.perSecond) * 1.03 : 0;
    return Math.max(fromRate, this.limits.minGapMs ?? 0);
  }

  seedHistory(
    sends: Array<{ chatId: string; at: number }>,
    sentToday: number,
    dayKey: string,
  ): void {
    for (const s of sends) this.recordChat(s.chatId, s.at);
    this.sentToday = sentToday;
    this.day = dayKey;
  }

  /** When this chat may receive its next message (0 if now). */
  chatAvailableAt(chatId: string, now: number): number {
    const paused = this.chatPausedUntil.get(chatId) ?? 0;
    const perMinute = this.limits.perChatPerMinute;
    if (perMinute <= 0) return Math.max(paused, 0);
    const recent = (this.perChat.get(chatId) ?? []).filter((t) => t > now - 60_000);
    this.perChat.set(chatId, recent);
    const byWindow = recent.length >= perMinute ? recent[recent.length - perMinute]! + 60_000 : 0;
    return Math.max(paused, byWindow);
  }

  recentToChat(chatId: string, now: number): number {
    return (this.perChat.get(chatId) ?? []).filter((t) => t > now - 60_000).length;
  }

  dailyCapReached(dayKey: string): boolean {
    if (dayKey !== this.day) {
      this.day = dayKey;
      this.sentToday = 0;
    }
    return this.limits.dailyCap !== undefined && this.sentToday >= this.limits.dailyCap;
  }

  /** Reserves the next global slot; returns how long to wait before using it. */
  reserve(now: number): number {
    const jitter = this.limits.jitterMs ? Math.floor(this.random() * this.limits.jitterMs) : 0;
    const slot = Math.max(now, this.nextSlot, this.pausedUntil);
    this.nextSlot = slot + this.gapMs + jitter;
    return slot - now;
  }

  recordChat(chatId: string, at: number): void {
    const list = this.perChat.get(chatId) ?? [];
    list.push(at);
    this.perChat.set(chatId, list);
  }

  recordSent(): void {
    this.sentToday++;
  }

  /**
   * A timer may fire late; the next send is spaced from when this one really went, so two
   * sends are never closer than the gap (a late send followed by an on-time one would be).
   */
  sentAt(actualMs: number): void {
    this.nextSlot = Math.max(this.nextSlot, actualMs + this.gapMs);
  }

  /** How long the whole channel must still wait because of a pause (0 when not paused). */
  pausedFor(now: number): number {
    return Math.max(0, this.pausedUntil - now);
  }

  pauseAll(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
  }

  pauseChat(chatId: string, untilMs: number): void {
    this.chatPausedUntil.set(chatId, Math.max(this.chatPausedUntil.get(chatId) ?? 0, untilMs));
  }
}
