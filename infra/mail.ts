/**
 * How the district sends mail: SES v2 through a configuration set of its own, from the address
 * in its config.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { Room } from './room.ts';

export interface DistrictMailProps {
  /** `district.mailFrom` of the config. */
  mailFrom: string;
}

export class DistrictMail extends Room {
  readonly configurationSet: ses.ConfigurationSet;
  readonly mailFrom: string;
  /** The domain of `mailFrom`: the SES identity to verify before sending. */
  readonly domain: string;

  constructor(scope: Construct, id: string, props: DistrictMailProps) {
    super(scope, id);
    // No tracking options and engagement metrics off: open/click tracking would rewrite the
    // signed links in every email.
    this.configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      vdmOptions: { engagementMetrics: false },
    });
    this.mailFrom = props.mailFrom;
    this.domain = props.mailFrom.slice(props.mailFrom.lastIndexOf('@') + 1);
  }

  /** `ses:SendEmail` from the district's address only, through its identity and configuration set. */
  sendAccess(): iam.PolicyStatement {
    const stack = Stack.of(this);
    return new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        // Whichever the admin verified: the domain (documented) or the address itself.
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.domain }),
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.mailFrom }),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet.configurationSetName,
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': this.mailFrom } },
    });
  }
}
