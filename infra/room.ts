/**
 * A room of the district stack (data, mail, scheduling, functions, workflows, pages, alarms): a
 * construct that groups resources for the reader and is left out of their logical ids
 * (`DistrictStack.allocateLogicalId`). CloudFormation replaces a resource whose logical id
 * changes, so a resource moved into a room must keep the id it was first deployed with.
 */
import { Construct } from 'constructs';

export class Room extends Construct {}
