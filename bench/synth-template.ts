/**
 * The one place the cost benchmark touches infra/: a district's stack synthesized as `cdk synth`
 * would (bundling skipped, the template is what is read), returned as template JSON. Everything
 * else reads that JSON only (bench/stack-template.ts), so a change in infra/'s layout touches
 * this function at most; `bench/cost.ts --template <file>` bypasses it altogether.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function synthesizeDistrictTemplate(district: string): Promise<unknown> {
  const [{ App }, { buildApp }] = await Promise.all([import('aws-cdk-lib'), import('#infra/app')]);
  const { app, stack } = buildApp(
    new App({
      outdir: join(ROOT, 'cdk.out', `bench-cost-${district}`),
      context: { district, 'aws:cdk:bundling-stacks': [] },
    }),
  );
  try {
    return app.synth().getStackArtifact(stack.artifactId).template;
  } catch (error) {
    // A validation finding (cdk-nag) fails synth after the template is written: price it anyway.
    const file = join(app.outdir, stack.templateFile);
    if (!existsSync(file)) throw error;
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    console.warn(`synth reported: ${first} — pricing the written template`);
    return JSON.parse(readFileSync(file, 'utf8'));
  }
}
