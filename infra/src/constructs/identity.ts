import { ROLES } from '@huimin/functions/wiring';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Custom attributes; Cognito puts them in ID tokens as `custom:providerId`, `custom:district` and `custom:street` (CONTRACT.md). */
export const CUSTOM_ATTRIBUTES = ['providerId', 'district', 'street'] as const;

const ROLE_DESCRIPTIONS: Record<(typeof ROLES)[number], string> = {
  family: 'Families and residents applying for themselves or a relative',
  grid: 'Grid workers (网格员) applying on residents’ behalf within their street (custom:district, custom:street)',
  provider: 'Care organisations, canteens, retrofit contractors and nurseries (custom:providerId)',
  staff: 'Civil-affairs staff, scoped to their district (custom:district)',
};

export interface IdentityProps {
  /** The site's origin (`https://…`): turns on the hosted login with PKCE, back to `<origin>/signin.html`. */
  webOrigin?: string;
  /** The hosted login's Cognito domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  loginDomainPrefix?: string;
}

/**
 * Who may call the API: a Cognito user pool whose groups are the wiring's roles and whose ID tokens carry
 * the claims the handlers authorise with.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;
  /** The hosted login's domain, when the stage names one. */
  readonly loginDomain?: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityProps = {}) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Accounts are provisioned by staff and grid workers until a sign-up flow that puts new users in the
      // `family` group exists; a self-registered user without a group could call nothing anyway.
      selfSignUpEnabled: false,
      signInAliases: { phone: true, email: true },
      signInCaseSensitive: false,
      customAttributes: {
        providerId: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        district: new cognito.StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
        street: new cognito.StringAttribute({ minLen: 1, maxLen: 50, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: true },
      // Plus tier: adaptive authentication and compromised-credential checks, enforced.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.PHONE_WITHOUT_MFA_AND_EMAIL,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional pool-wide because many users are elderly residents and their families signing in by phone; enforced Plus-tier threat protection asks for a second factor on risky sign-ins. Staff and provider accounts should be enrolled in TOTP when they are provisioned (one pool cannot require MFA per group).',
    });
    // Cognito's SMS role (phone sign-in and SMS MFA) publishes to phone numbers, which have no ARN.
    const smsRole = this.userPool.node.tryFindChild('smsRole');
    if (smsRole) {
      Validations.of(smsRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'sns:Publish to a phone number (Cognito verification and MFA codes) has no resource ARN to scope to; the role is assumable only by cognito-idp.amazonaws.com with this pool’s external id.',
      });
    }

    for (const role of ROLES) {
      new cognito.UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        description: ROLE_DESCRIPTIONS[role],
      });
    }

    const standard = { email: true, phoneNumber: true, fullname: true };
    // The pages' hosted login (signin.html, oidc.js): OpenID Connect's authorisation code flow with
    // PKCE for a public client, turned on when the stage names the site's origin (context `webOrigin`)
    // — never the implicit flow, never a client secret in a browser.
    const webOrigin = props.webOrigin?.replace(/\/$/, '');
    const signIn = webOrigin ? `${webOrigin}/signin.html` : undefined;
    this.webClient = this.userPool.addClient('WebClient', {
      authFlows: { userSrp: true },
      ...(signIn
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, cognito.OAuthScope.PHONE, cognito.OAuthScope.EMAIL],
              callbackUrls: [signIn],
              logoutUrls: [signIn],
            },
          }
        : { disableOAuth: true }),
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes(standard)
        .withCustomAttributes(...CUSTOM_ATTRIBUTES),
      // Users must never set their own provider or district: only administrators (whose API calls ignore
      // client permissions) may write them.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes(standard),
    });
    if (signIn && props.loginDomainPrefix) {
      this.loginDomain = this.userPool.addDomain('HostedLogin', { cognitoDomain: { domainPrefix: props.loginDomainPrefix } });
    }
  }
}
