/**
 * `fold` takes a table for Latin text and the general path (NFD and regular expressions) for
 * anything else. Both must always agree: on every character of the Basic Multilingual Plane, and
 * on mixed texts of Vietnamese letters (precomposed and decomposed), marks, runs of whitespace of
 * every kind, other scripts and emoji.
 */
import { expect, it } from 'vitest';
import { fold, foldAnyText } from '../../src/core/text/normalize';

it('folds every single character as the general path does', () => {
  const differing: string[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    if (fold(ch) !== foldAnyText(ch)) differing.push(c.toString(16));
  }
  expect(differing).toEqual([]);
});

it('folds mixed texts as the general path does', () => {
  const pieces = [
    ...'aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789/.,:-()',
    ...'áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ',
    ...'ÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ',
    '\u0300',
    '\u0301',
    '\u0303',
    '\u0309',
    '\u0323',
    '\u0302',
    '\u0306',
    '\u031b',
    '\u0301\u0301\u0301\u0301\u0301\u0301',
    '\u1dc4',
    '\u20d7',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r\n',
    '\u00a0',
    '\u2003',
    '\u3000',
    '\ufeff',
    'Ω',
    'Σ',
    'ς',
    'İ',
    'ß',
    'Ǆ',
    'ﬁ',
    '中',
    '😀',
    '\ud800',
    'ŉ',
    'Ⓐ',
  ];
  let seed = 20261201;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const differing: string[] = [];
  for (let n = 0; n < 20_000; n++) {
    let s = '';
    const length = Math.floor(next() * 24);
    for (let i = 0; i < length; i++) s += pieces[Math.floor(next() * pieces.length)];
    if (fold(s) !== foldAnyText(s)) differing.push(JSON.stringify(s));
  }
  expect(differing.slice(0, 5)).toEqual([]);
  expect(fold('  Đồng   Tháp\u00a0')).toBe('dong thap');
});

it('takes the general path for texts longer than its buffer', () => {
  const long = 'Ủy ban nhân dân '.repeat(300);
  expect(fold(long)).toBe(foldAnyText(long));
  expect(fold(long).startsWith('uy ban nhan dan uy ban')).toBe(true);
});
