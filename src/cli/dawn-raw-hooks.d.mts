/** Expands `import.meta.glob('dir/*.ext', { …, eager: true })` in a module's source into an object literal of the files' texts. */
export function expandGlobs(source: string, url: string): Promise<string>;
