/** The help each role reads covers every command that role has, and the command menu lists them. */
import { describe, expect, it } from 'vitest';
import { commandAccess, commandNames } from '../../src/core/router';
import { COMMANDS, t } from '../../src/messages/vi';

const ALIASES = new Set(['link', 'help', 'trogiup', 'start', 'quantri']);
const primary = commandNames().filter((n) => !ALIASES.has(n));

describe('help texts', () => {
  it('units read every unit command; organizers every organizer command; parents how to act for units below', () => {
    const unitHelp = t.help('unit', 'Sở Y tế');
    const parentHelp = t.help('unit', 'UBND huyện Tân Phú', true);
    const organizerHelp = t.help('organizer');
    expect(primary.length).toBeGreaterThanOrEqual(20);
    for (const name of primary) {
      const access = commandAccess(name);
      if (access === 'unit') expect(unitHelp, name).toContain(`/${name}`);
      if (access === 'organizer') expect(organizerHelp, name).toContain(`/${name}`);
      if (access === 'linked') expect(`${unitHelp}${organizerHelp}`, name).toContain(`/${name}`);
    }
    expect(unitHelp).toMatch(/Không cử người tham dự/);
    expect(unitHelp).toMatch(/\/huy <họ tên> — bỏ một người; \/huy — rút cả đăng ký/);
    expect(organizerHelp).toMatch(/\/mien/);
    expect(organizerHelp).toMatch(/chưa đăng ký:.*chưa báo cáo:.*nhóm <tên nhóm>:/);
    expect(parentHelp).toMatch(/Thay mặt đơn vị cấp dưới/);
    expect(unitHelp).not.toMatch(/Thay mặt đơn vị cấp dưới/);
    for (const text of [unitHelp, parentHelp, organizerHelp])
      expect(text.length).toBeLessThan(2000);
  });

  it('the Telegram command menu lists every command (aliases aside)', () => {
    const menu = new Set(COMMANDS.map((c) => c.command));
    for (const name of primary) expect(menu.has(name), name).toBe(true);
  });
});
