/** The labelled lines of one plan item (a heading with its bullets), and what the item is called. */
import { type Field, isLabelHeading, readField } from './fields';
import { trimPhrase } from './text';
import type { Node } from './tree';

export interface ItemFields {
  lead?: Field;
  support?: Field;
  time?: Field;
  content?: Field;
  form?: Field;
  venue?: Field;
  participants?: Field;
  /** The item's name: its heading, or the heading above a label heading, or its "Nội dung". */
  title: string;
  /** The heading and the labelled lines, one per line. */
  source: string;
  lines: number[];
}

const cache = new WeakMap<Node, ItemFields>();

/** Fields from the item's own bullets, from child headings that are fields, and from its heading. */
export function fieldsOf(n: Node): ItemFields {
  let f = cache.get(n);
  if (!f) {
    f = readFields(n);
    cache.set(n, f);
  }
  return f;
}

function readFields(n: Node): ItemFields {
  // A bare heading (most of a long outline): nothing to read but its own words.
  if (!n.content.length && !n.children.length && n.line && !readField(n.line.body, n.line.bodyFold))
    return {
      title: isLabelHeading(n.line.bodyFold) ? '' : trimPhrase(n.line.body),
      source: n.line.text,
      lines: [n.line.index],
    };
  const found: Partial<Record<Field['kind'], Field>> = {};
  const sourceLines: string[] = [];
  const lines: number[] = [];
  const take = (body: string, bodyFold: string, text: string, index: number) => {
    const f = readField(body, bodyFold);
    if (!f || f.kind === 'other' || found[f.kind]) return;
    found[f.kind] = f;
    sourceLines.push(text);
    lines.push(index);
  };
  if (n.line) take(n.line.body, n.line.bodyFold, n.line.text, n.line.index);
  for (const c of n.content) take(c.line.body, c.line.bodyFold, c.line.text, c.line.index);
  for (const child of n.children)
    if (child.line && child.children.length === 0)
      take(child.line.body, child.line.bodyFold, child.line.text, child.line.index);

  let title = '';
  let x: Node | null = n;
  while (x?.line && isLabelHeading(x.line.bodyFold)) x = x.parent;
  if (x?.line && x.line.kind !== 'roman') title = x.line.body;
  if (!title && found.content) title = found.content.value;
  if (!title) {
    const para = n.content.find((c) => !readField(c.line.body, c.line.bodyFold));
    if (para) title = para.line.body;
  }
  const head = x?.line && x !== n ? [x.line.text] : [];
  const own = n.line && !sourceLines.includes(n.line.text) ? [n.line.text] : [];
  return {
    ...found,
    title: trimPhrase(title),
    source: [...head, ...own, ...sourceLines].join('\n'),
    lines: [...(x?.line ? [x.line.index] : []), ...lines],
  };
}
