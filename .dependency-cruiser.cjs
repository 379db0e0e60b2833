/**
 * The layers, enforced: each folder knows its runtime and imports only downward.
 *   common   ← imports nothing of ours (protocol, codec, frames, schemas)
 *   server   ← common; plain Node, no Electron, no UI, no client
 *   client   ← common; universal (browser and Node), so no node: modules
 *   cli      ← client, common; Node only
 *   renderer ← client, common; reaches servers only over the wire
 *   main     ← composes server and common for Electron
 * Tests (test/, e2e/, scripts/ and *.test.ts) may reach across to exercise the parts together.
 */
const ours = '^(common|server|client|cli|renderer|main|test|e2e|scripts)/';
const testFile = '(^(test|e2e|scripts)/|\\.test\\.ts$|\\.spec\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'common-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^common/', pathNot: testFile },
      to: { path: ours, pathNot: '^common/' },
    },
    {
      name: 'server-knows-no-electron-ui-or-client',
      severity: 'error',
      from: { path: '^server/', pathNot: testFile },
      to: { path: '^(client|cli|renderer|main)/|(^|/)node_modules/electron/' },
    },
    {
      name: 'server-never-imports-electron',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^electron$', dependencyTypes: ['npm', 'npm-dev', 'unknown', 'undetermined'] },
    },
    {
      name: 'client-is-universal',
      comment: 'client/ runs in browsers too: no node: modules (the Node CLI lives in cli/)',
      severity: 'error',
      from: { path: '^client/', pathNot: testFile },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-only-uses-common',
      severity: 'error',
      from: { path: '^client/', pathNot: testFile },
      to: { path: ours, pathNot: '^(common|client)/' },
    },
    {
      name: 'cli-uses-client-and-common',
      severity: 'error',
      from: { path: '^cli/', pathNot: testFile },
      to: { path: ours, pathNot: '^(common|client|cli)/' },
    },
    {
      name: 'renderer-reaches-servers-only-through-client',
      severity: 'error',
      from: { path: '^renderer/', pathNot: testFile },
      to: { path: ours, pathNot: '^(common|client|renderer)/' },
    },
    {
      name: 'renderer-has-no-node',
      severity: 'error',
      from: { path: '^renderer/', pathNot: testFile },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|release|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.cts', '.mts'],
    },
  },
};
