import { createApp } from '../src/app';

// `cdk synth` sets CDK_OUTDIR, so the app synthesizes itself when this script ends.
createApp();
