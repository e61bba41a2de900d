/**
 * The scenario files shipped in public/scenarios, bundled as text (a static server lists no folder),
 * for the Scenarios tab. Their path is the one the command line takes, so a report's replay command
 * works from the repository's root.
 */

// The exclusion is spelt as the include is: Vite's '!**/scenario.schema.json' matched no path that
// starts with '../', and the Runs tab listed the schema as a scenario.
const files = import.meta.glob(
  ['../../../../public/scenarios/*.json', '!../../../../public/scenarios/scenario.schema.json'],
  {
    eager: true,
    query: '?raw',
    import: 'default',
  },
) as Record<string, string>;

export interface ShippedScenario {
  path: string;
  label: string;
  text: string;
}

export function shippedScenarios(): ShippedScenario[] {
  return Object.entries(files)
    .map(([file, text]) => {
      const name = file.slice(file.lastIndexOf('/') + 1);
      return { path: `public/scenarios/${name}`, label: name.replace(/\.json$/, ''), text };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}
