// Maps a policy validation issue's field path ("input[1].entities[0]", "gateway.onBlock") to the
// line of the YAML text it is about, so the editor can point at it. Loaded with the policy editor only.
import { isMap, isScalar, parseDocument, type Node } from 'yaml';

function parsePath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** 1-based line for each field (undefined when the text does not parse or the path is empty). */
export function linesFor(text: string, fields: string[]): (number | undefined)[] {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text);
  } catch {
    return fields.map(() => undefined);
  }
  return fields.map((f) => {
    let path = parsePath(f);
    // A missing field has no node: point at the nearest ancestor that exists (its key line).
    while (path.length) {
      const last = path[path.length - 1]!;
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
        const r = (pair?.key as Node | undefined)?.range;
        if (r) return lineOf(text, r[0]);
      } else {
        const node = doc.getIn(path, true) as Node | undefined;
        if (node?.range) return lineOf(text, node.range[0]);
      }
      path = path.slice(0, -1);
    }
    return undefined;
  });
}
