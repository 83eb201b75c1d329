/**
 * Where a district's signing key lives in the cloud: one SSM SecureString per district, named
 * from its slug. `thidua keys init` creates it (CloudFormation cannot create a SecureString),
 * the stack grants reading that one parameter and passes its name to the functions
 * (`SIGNING_KEY_PARAMETER`). No import here: the CDK app and the CLI both use it.
 */

/** `/thidua/<slug>/signing-key`. */
export function signingKeyParameterName(slug: string): string {
  return `/thidua/${slug}/signing-key`;
}
