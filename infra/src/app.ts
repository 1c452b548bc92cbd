import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HuiminStack } from './huimin-stack';

export const STACK_NAME = 'HuiminStack';

/**
 * The app as `cdk synth` builds it, shared with the infra tests: one environment-agnostic stack, checked by
 * cdk-nag's AWS Solutions pack. The pack runs as a policy-validation plugin, so any finding that is not
 * acknowledged (with a reason) fails the synth.
 */
export function createApp(props?: AppProps): { app: App; stack: HuiminStack } {
  const app = new App(props);
  const stack = new HuiminStack(app, STACK_NAME);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
