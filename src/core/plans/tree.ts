/**
 * The outline of a plan's body: headings (I. / 1. / 2.1. / a)) nest by their level; bullets and
 * paragraphs are the content of the heading above them, "+" items the details of the bullet above.
 */
import type { Line } from './text';

export interface Content {
  line: Line;
  /** "+" details under a "-" bullet. */
  subs: Line[];
}

export interface Node {
  line: Line | null;
  level: number;
  children: Node[];
  content: Content[];
  parent: Node | null;
}

export type SectionRole = 'purpose' | 'content' | 'event' | 'funding' | 'organization' | 'other';

function levelOf(l: Line): number | null {
  switch (l.kind) {
    case 'roman':
      return 0;
    case 'num':
      return 2;
    case 'sub':
      return 2 + l.marker.split('.').length - 1;
    case 'letter':
      return 6;
    default:
      return null;
  }
}

export function buildTree(lines: Line[]): Node {
  const root: Node = { line: null, level: -1, children: [], content: [], parent: null };
  let current = root;
  for (const l of lines) {
    const level = levelOf(l);
    if (level !== null) {
      while (current.level >= level && current.parent) current = current.parent;
      const node: Node = { line: l, level, children: [], content: [], parent: current };
      current.children.push(node);
      current = node;
      continue;
    }
    const last = current.content[current.content.length - 1];
    if (l.kind === 'plus' && last && last.line.kind === 'dash') last.subs.push(l);
    else current.content.push({ line: l, subs: [] });
  }
  return root;
}

/** Every node below (and including) `n`, depth first, in document order. */
export function walk(n: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    out.push(x);
    for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]!);
  }
  return out;
}

/** Every line of a node and its descendants, in document order. */
export function nodeLines(n: Node): Line[] {
  const out: Line[] = [];
  const visit = (x: Node) => {
    if (x.line) out.push(x.line);
    for (const c of x.content) out.push(c.line, ...c.subs);
    for (const c of x.children) visit(c);
  };
  visit(n);
  return out.sort((a, b) => a.index - b.index);
}

export function sectionRole(title: string): SectionRole {
  const f = title.replace(/[^a-z ,]/g, ' ');
  if (
    /to chuc thuc hien|trach nhiem (thuc hien|cua)|phan cong (nhiem vu|thuc hien|trach nhiem)/.test(
      f,
    )
  )
    return 'organization';
  if (/^\s*kinh phi/.test(f)) return 'funding';
  if (/^\s*(muc dich|muc tieu|yeu cau|quan diem)/.test(f)) return 'purpose';
  if (/thoi gian|dia diem|thanh phan|doi tuong|bao cao vien|chuong trinh/.test(f)) return 'event';
  if (/noi dung|nhiem vu|giai phap|hoat dong|chi tieu/.test(f)) return 'content';
  return 'other';
}

export interface Section {
  node: Node;
  role: SectionRole;
}

/**
 * The top-level sections: the roman headings; in a plan without them, the numbered headings whose
 * title names a section ("3. Tổ chức thực hiện"); else the whole body as one content section.
 */
export function sectionsOf(root: Node): Section[] {
  return allSections(root).filter((s) => s.node.children.length > 0 || s.node.content.length > 0);
}

function allSections(root: Node): Section[] {
  const top = root.children.filter((c) => c.line?.kind === 'roman');
  if (top.length) return top.map((node) => ({ node, role: sectionRole(node.line!.bodyFold) }));
  const named = root.children.map((node) => ({
    node,
    role: sectionRole(node.line?.bodyFold ?? ''),
  }));
  if (named.some((s) => s.role !== 'other')) return named;
  return [{ node: root, role: 'content' }];
}
