import { t } from '../messages/vi';
import { linkChat } from './chats/link';
import { eventCommands, eventTextHandler } from './events/chat';
import { reportCommands } from './reports/chat';
import { reportTextHandler } from './reports/conversation';
import { organizerCommands } from './summary';
import { broadcastCommands, broadcastTextHandler } from './broadcasts/chat';
import { dashboardCommands } from './dashboard-link';
import { linkCommands } from './chats/commands';
import { planCommands, planImportTextHandler } from './plans/chat';
import { taskCommands, taskTextHandler } from './tasks/chat';
import type { ParsedCommand } from './inbound/command';
import type { Turn } from './inbound/turn';
import { descendantsOf } from './units/tree';

/** Who may run a command: checked here once, so no handler can forget it. */
export type Access = 'anyone' | 'unit' | 'organizer' | 'linked';

export interface CommandSpec {
  access: Access;
  run(turn: Turn, args: string): Promise<void>;
}

/** Free text that is not a command: each feature may claim it (a reply to its message, a mention…). */
export type TextHandler = (turn: Turn) => Promise<boolean>;

const commands = new Map<string, CommandSpec>(
  Object.entries({
    ...eventCommands,
    ...reportCommands,
    ...organizerCommands,
    ...broadcastCommands,
    ...dashboardCommands,
    ...linkCommands,
    ...taskCommands,
    ...planCommands,
  }),
);
/** Order matters: the first handler that recognises a message takes it. */
const textHandlers: TextHandler[] = [
  broadcastTextHandler,
  planImportTextHandler,
  eventTextHandler,
  taskTextHandler,
  reportTextHandler,
];

/** Every command name the router knows, aliases included (tests fuzz them all). */
export function commandNames(): string[] {
  return [...commands.keys()];
}

/** Who may run a command, by name (the help texts are checked against it). */
export function commandAccess(name: string): Access | undefined {
  return commands.get(name)?.access;
}

function registerCommand(names: string[], spec: CommandSpec): void {
  for (const n of names) commands.set(n, spec);
}

registerCommand(['lienket', 'link'], {
  access: 'anyone',
  run: (turn, args) => linkChat(turn, args),
});
/** The help for this chat's role; a unit with units below it also learns to act for them. */
async function help(turn: Turn): Promise<void> {
  const role = turn.isOrganizerChat ? 'organizer' : turn.unit ? 'unit' : null;
  const below = turn.unit ? (await descendantsOf(turn.trx, turn.unit.id)).length > 0 : false;
  await turn.reply(t.help(role, turn.unit?.name, below));
}

registerCommand(['huongdan', 'help', 'trogiup'], { access: 'anyone', run: (turn) => help(turn) });
// Deep link t.me/<bot>?startgroup=<code> arrives as "/start <code>".
registerCommand(['start'], {
  access: 'anyone',
  run: async (turn, args) => {
    if (args && turn.msg.chat.type === 'group') return linkChat(turn, args);
    if (turn.msg.chat.type === 'private') return turn.reply(t.startPrivate());
    return help(turn);
  },
});

function refusal(turn: Turn, access: Access): string | null {
  if (access === 'anyone') return null;
  if (access === 'organizer') return turn.isOrganizerChat ? null : t.onlyOrganizer();
  if (access === 'unit') {
    if (turn.unit && turn.chat.active) return null;
    return turn.isOrganizerChat || turn.msg.chat.type === 'private'
      ? t.onlyUnitChat()
      : t.notLinked();
  }
  return (turn.unit || turn.isOrganizerChat) && turn.chat.active ? null : t.notLinked();
}

export async function route(turn: Turn, command: ParsedCommand | null): Promise<void> {
  if (command) {
    const spec = commands.get(command.name);
    if (!spec) {
      // Unknown commands in a group may be meant for another bot; answer only where we are addressed.
      if (turn.msg.chat.type === 'private' || turn.unit || turn.isOrganizerChat)
        await turn.reply(t.unknownCommand(command.name));
      return;
    }
    const refused = refusal(turn, spec.access);
    if (refused) return turn.reply(refused);
    return spec.run(turn, command.args);
  }
  if (turn.msg.callbackData === undefined && !turn.msg.text && !turn.msg.attachments?.length)
    return;
  for (const handler of textHandlers) {
    if (await handler(turn)) return;
  }
  // Nothing claimed it. Group chatter stays unanswered; a message addressed to the bot never does.
  if (turn.msg.callbackData !== undefined) return turn.reply(t.buttonExpired());
  const addressed =
    turn.msg.chat.type === 'private' ||
    turn.msg.mentionsBot === true ||
    turn.arrival.replied !== null;
  if (!addressed) return;
  if (turn.msg.chat.type === 'private') return turn.reply(t.startPrivate());
  if (!turn.unit && !turn.isOrganizerChat) return turn.reply(t.notLinked());
  return turn.reply(t.notUnderstood());
}
