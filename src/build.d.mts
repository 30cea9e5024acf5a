/** Types for src/build.mjs (plain JavaScript: `npm start` runs it before anything is compiled). */
export declare function asciiOnly(file: string): boolean;
/** Bundles the entry points into `outdir`; returns the output files whose text was made ASCII. */
export declare function bundle(entryPoints: string[], outdir: string): Promise<string[]>;
/** package.json's start script: the environment it sets and node's flags before src/start.mjs. */
export declare function startScript(root: string): {
  env: Record<string, string>;
  flags: string[];
};
