/**
 * Every file units submitted, as one zip: each named `<STT>_<unit>_<original name>` (inside a
 * folder per requirement or task when the zip covers a plan), and a list of the files that could
 * not be kept (over the size limit, or no longer downloadable) with the reason. Pure (fflate).
 */
import { strToU8, zipSync, type Zippable } from 'fflate';

export interface ZipFile {
  /** Folder inside the zip ('' for the root). */
  folder: string;
  /** The unit's number in the status list (STT). */
  stt: number;
  unit: string;
  fileName: string;
  data: Uint8Array;
}

/** Characters Windows, macOS and Linux all accept in a file name; spaces kept. */
export function safeName(s: string, max = 80): string {
  const clean = s
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .trim();
  if (clean.length <= max) return clean || '_';
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return clean.slice(0, max - ext.length).trimEnd() + ext;
}

export function zipEntryName(f: Pick<ZipFile, 'stt' | 'unit' | 'fileName'>, width = 2): string {
  return `${String(f.stt).padStart(width, '0')}_${safeName(f.unit, 60)}_${safeName(f.fileName, 100)}`;
}

/**
 * The zip: files at `<folder>/<STT>_<unit>_<name>` (a repeated name gets " (2)"), and `note`
 * (the list of files not included and why) as DANH_SACH_TEP.txt with Windows line ends.
 */
export function buildFilesZip(
  files: ZipFile[],
  note: string,
  noteName = 'DANH_SACH_TEP.txt',
): Uint8Array {
  const width = Math.max(2, String(Math.max(0, ...files.map((f) => f.stt))).length);
  const tree: Zippable = {};
  const used = new Set<string>();
  const put = (folder: string, name: string, data: Uint8Array) => {
    let path = folder ? `${safeName(folder, 80)}/${name}` : name;
    if (used.has(path.toLowerCase())) {
      const dot = name.lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      for (let i = 2; used.has(path.toLowerCase()); i++)
        path = folder ? `${safeName(folder, 80)}/${stem} (${i})${ext}` : `${stem} (${i})${ext}`;
    }
    used.add(path.toLowerCase());
    tree[path] = [data, { level: 6 }];
  };
  for (const f of files) put(f.folder, zipEntryName(f, width), f.data);
  put('', noteName, strToU8(`\ufeff${note.replace(/\r?\n/g, '\r\n')}`));
  return zipSync(tree);
}
