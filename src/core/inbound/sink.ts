import type { AppContext } from '../../app-context';
import type { InboundSink } from '../channel';
import { handleInbound } from './handle';
import { handleChatEvent } from '../chats/lifecycle';

/** The core's entry point as an adapter sees it; `onHandled` lets the runtime send replies promptly. */
export function createSink(
  ctx: AppContext,
  botUsername: () => string | null,
  onHandled: () => void,
): InboundSink {
  return {
    async message(msg) {
      const result = await handleInbound(ctx, msg, { botUsername: botUsername() });
      onHandled();
      return result;
    },
    async event(event) {
      const result = await handleChatEvent(ctx, event);
      onHandled();
      return result;
    },
  };
}
