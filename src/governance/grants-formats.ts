// The formats `stedi grants` renders in, apart from the renderers so that the CLI can offer them
// without loading them.

export type GrantsFormat = 'md' | 'json';

export const GRANTS_FORMATS = ['md', 'json'] as const satisfies readonly GrantsFormat[];
