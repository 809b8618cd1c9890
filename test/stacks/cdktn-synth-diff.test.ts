// The comparison behind `npm run synth:cdktn`: every difference is found, at its path.
// (The synthesis itself needs Node 22.11+ and the cdktn packages; .ci/run runs it.)
const { differences, EXPECTED } = require('../../scripts/cdktn-synth-diff') as {
  differences: (a: unknown, b: unknown) => [string, unknown, unknown][];
  EXPECTED: Record<string, string>;
};

describe('synth:cdktn comparison', () => {
  it('finds a changed leaf, a missing key, an extra key and a changed type, each at its path', () => {
    const a = { '//': { metadata: { version: '0.21.0' } }, resource: { aws_s3_bucket: { b: { bucket: 'x', tags: { a: '1' } } } }, list: [1, 2] };
    const b = { '//': { metadata: { version: '0.24.0' } }, resource: { aws_s3_bucket: { b: { bucket: 'y', force_destroy: false } } }, list: { 0: 1 } };
    expect(differences(a, b)).toEqual([
      ['//.metadata.version', '0.21.0', '0.24.0'],
      ['list', [1, 2], { 0: 1 }],
      ['resource.aws_s3_bucket.b.bucket', 'x', 'y'],
      ['resource.aws_s3_bucket.b.force_destroy', undefined, false],
      ['resource.aws_s3_bucket.b.tags', { a: '1' }, undefined],
    ]);
  });

  it('equal stacks have no differences, and only metadata and the provider pin are expected to differ', () => {
    const stack = { terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } }, resource: { a: { b: [1, { c: null }] } } };
    expect(differences(stack, structuredClone(stack))).toEqual([]);
    expect(Object.keys(EXPECTED)).toEqual(['//.metadata.version', 'terraform.required_providers.aws.source', 'terraform.required_providers.aws.version']);
  });
});
