/** Chat commands about links themselves: an organizer unlinks a unit's groups from the organizer group. */
import { ac } from '../../messages/vi';
import type { CommandSpec } from '../router';
import { findUnits } from '../units/lookup';
import { unlinkUnitChats } from './unlink';

export const linkCommands: Record<string, CommandSpec> = {
  huylienket: {
    access: 'organizer',
    async run(turn, args) {
      const typed = args.trim();
      if (!typed) return turn.reply(ac.unlinkUsage());
      const units = await turn.trx
        .selectFrom('units')
        .select(['id', 'code', 'name'])
        .orderBy('sort_order')
        .execute();
      const found = findUnits(units, typed);
      if (found.length === 0) return turn.reply(ac.unlinkUnitNotFound(typed));
      if (found.length > 1)
        return turn.reply(
          ac.unlinkUnitAmbiguous(
            typed,
            found.slice(0, 8).map((u) => u.name),
          ),
        );
      const unit = found[0]!;
      const gone = await unlinkUnitChats(
        turn.trx,
        unit.id,
        `${turn.msg.platform}:${turn.msg.sender.id}`,
      );
      if (gone.length === 0) return turn.reply(ac.unlinkNothing(unit.name));
      return turn.reply(
        ac.unlinkDone(
          unit.name,
          gone.map((g) => g.title ?? g.chatId),
        ),
      );
    },
  },
};
