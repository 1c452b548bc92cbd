import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  type EventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from './event-pattern';

interface MatchRow {
  name: string;
  pattern: EventPattern;
  event: unknown;
  matches: boolean;
}

// Sample events from the EventBridge user guide ("Creating event patterns", "Matching null values
// and empty strings"), reused by several rows.
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const nullValuesEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const ec2Pattern: EventPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const docsResources: EventPattern = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const numericDocs: EventPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const orDocs: EventPattern = {
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};

const cloudwatchOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

const docsRows: MatchRow[] = [
  // Creating event patterns
  { name: 'docs: EC2 termination pattern matches the sample event', pattern: ec2Pattern, event: ec2Event, matches: true },
  {
    name: 'docs: EC2 termination pattern does not match a running instance',
    pattern: ec2Pattern,
    event: { ...ec2Event, detail: { ...ec2Event.detail, state: 'running' } },
    matches: false,
  },
  // Null values and empty strings
  { name: 'docs: [""] matches an empty string', pattern: { detail: { eventVersion: [''] } }, event: nullValuesEvent, matches: true },
  { name: 'docs: [null] matches a null value', pattern: { detail: { responseElements: [null] } }, event: nullValuesEvent, matches: true },
  {
    name: 'docs: an empty-string pattern does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: nullValuesEvent,
    matches: false,
  },
  { name: 'null pattern does not match an empty string', pattern: { detail: { eventVersion: [null] } }, event: nullValuesEvent, matches: false },
  { name: 'null pattern does not match a missing field', pattern: { detail: { userId: [null] } }, event: nullValuesEvent, matches: false },
  { name: 'null pattern does not match an empty array', pattern: { resources: [null] }, event: nullValuesEvent, matches: false },
  // Arrays
  {
    name: 'docs: arrays match when pattern and event arrays intersect',
    pattern: docsResources,
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    matches: true,
  },
  {
    name: 'docs: arrays do not match when they do not intersect',
    pattern: docsResources,
    event: { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/ASGTerminate'] },
    matches: false,
  },
  // Prefix, suffix, equals-ignore-case
  { name: 'docs: prefix on time', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-02T18:43:48Z' }, matches: true },
  {
    name: 'docs: prefix ignoring case',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'eventbridge' } },
    matches: true,
  },
  { name: 'docs: suffix .png', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.png' }, matches: true },
  { name: 'suffix is case-sensitive', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.PNG' }, matches: false },
  {
    name: 'docs: suffix ignoring case',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: { detail: { FileName: 'image.PNG' } },
    matches: true,
  },
  {
    name: 'docs: equals-ignore-case on detail-type',
    pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    event: ec2Event,
    matches: true,
  },
  // Anything-but
  {
    name: 'docs: anything-but string matches another value',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: { detail: { state: 'running' } },
    matches: true,
  },
  {
    name: 'docs: anything-but string rejects its value',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: { detail: { state: 'initializing' } },
    matches: false,
  },
  {
    name: 'docs: anything-but number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: { detail: { 'x-limit': 123 } },
    matches: false,
  },
  {
    name: 'docs: anything-but string list rejects a listed value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: { detail: { state: 'stopped' } },
    matches: false,
  },
  {
    name: 'docs: anything-but number list matches an unlisted number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: { detail: { 'x-limit': 250 } },
    matches: true,
  },
  {
    name: 'docs: anything-but prefix rejects the prefix',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: { detail: { state: 'initializing' } },
    matches: false,
  },
  {
    name: 'docs: anything-but suffix matches another ending',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    event: { detail: { FileName: 'photo.png' } },
    matches: true,
  },
  {
    name: 'docs: anything-but equals-ignore-case rejects any casing',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    event: { detail: { state: 'INITIALIZING' } },
    matches: false,
  },
  {
    name: 'docs: anything-but equals-ignore-case list',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
    event: { detail: { state: 'Stopped' } },
    matches: false,
  },
  {
    name: 'docs: anything-but wildcard rejects a path under lib',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: { detail: { FilePath: '/usr/lib/libc.so' } },
    matches: false,
  },
  {
    name: 'docs: anything-but wildcard list matches a path elsewhere',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    event: { detail: { FilePath: '/home/me/notes.md' } },
    matches: true,
  },
  // Numeric
  {
    name: 'docs: numeric conditions all hold',
    pattern: numericDocs,
    event: { detail: { 'c-count': 5, 'd-count': 9, 'x-limit': 301.8 } },
    matches: true,
  },
  {
    name: 'docs: numeric fails when one field is out of range',
    pattern: numericDocs,
    event: { detail: { 'c-count': 0, 'd-count': 9, 'x-limit': 301.8 } },
    matches: false,
  },
  // IP addresses
  {
    name: 'docs: cidr 10.0.0.0/24 contains 10.0.0.255',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { sourceIPAddress: '10.0.0.255' } },
    matches: true,
  },
  {
    name: 'cidr 10.0.0.0/24 does not contain 10.0.1.1',
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { sourceIPAddress: '10.0.1.1' } },
    matches: false,
  },
  {
    name: 'cidr IPv6 contains a fully written address',
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
    event: { detail: { sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:0000' } },
    matches: true,
  },
  // Exists
  {
    name: 'docs: exists false matches when c-count is missing',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['initializing', 'running'] } },
    matches: true,
  },
  {
    name: 'docs: exists false matches when c-count is an object (not a leaf)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
    matches: true,
  },
  {
    name: 'docs: exists true on description',
    pattern: { detail: { description: [{ exists: true }] } },
    event: { detail: { description: 'a disk filled up' } },
    matches: true,
  },
  // Wildcard
  {
    name: 'docs: wildcard on an event bus ARN',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' },
    matches: true,
  },
  {
    name: 'wildcard ARN misses another region',
    pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    event: { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/myEventBus' },
    matches: false,
  },
  { name: 'docs: dir/*.png matches a png in dir', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/a.png' }, matches: true },
  { name: 'dir/*.png: * also spans slashes', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/sub/a.png' }, matches: true },
  { name: 'dir/*.png misses another folder', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'other/a.png' }, matches: false },
  // $or
  {
    name: 'docs: $or matches through its second alternative',
    pattern: orDocs,
    event: { detail: { 'c-count': 0, 'd-count': 0, 'x-limit': 9.018e2 } },
    matches: true,
  },
  {
    name: 'docs: $or fails when no alternative holds',
    pattern: orDocs,
    event: { detail: { 'c-count': 0, 'd-count': 10, 'x-limit': 9.018e2 } },
    matches: false,
  },
  {
    name: 'docs: $or alongside a field, through namespace',
    pattern: cloudwatchOr,
    event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
    matches: true,
  },
  {
    name: '$or alongside a field still needs that field',
    pattern: cloudwatchOr,
    event: { source: 'aws.ec2', metricName: 'CPUUtilization' },
    matches: false,
  },
  // Complex example
  {
    name: 'docs: complex example combining prefix, anything-but and numeric',
    pattern: {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    event: { time: '2017-10-02T18:43:48Z', detail: { state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } },
    matches: true,
  },
];

const edgeRows: MatchRow[] = [
  // Exact values and types
  { name: 'values in one array are alternatives', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { source: 'aws.fargate' }, matches: true },
  { name: 'a missing field never matches a value', pattern: { source: ['aws.ec2'] }, event: { region: 'us-east-1' }, matches: false },
  { name: 'strings are case-sensitive', pattern: { source: ['aws.ec2'] }, event: { source: 'AWS.EC2' }, matches: false },
  { name: 'a string pattern does not match a number', pattern: { n: ['5'] }, event: { n: 5 }, matches: false },
  { name: 'a number pattern does not match a numeric string', pattern: { n: [5] }, event: { n: '5' }, matches: false },
  { name: 'numbers compare as numbers (3.018e2 = 301.8)', pattern: { n: [3.018e2] }, event: { n: 301.8 }, matches: true },
  { name: 'true matches true', pattern: { flag: [true] }, event: { flag: true }, matches: true },
  { name: 'true does not match "true"', pattern: { flag: [true] }, event: { flag: 'true' }, matches: false },
  { name: '"null" does not match null', pattern: { v: ['null'] }, event: { v: null }, matches: false },
  { name: '[""] does not match a non-empty string', pattern: { v: [''] }, event: { v: 'x' }, matches: false },
  // Nesting
  { name: 'all fields must match (AND)', pattern: { source: ['a'], detail: { x: [1] } }, event: { source: 'a', detail: { x: 2 } }, matches: false },
  { name: 'a value pattern does not match an object', pattern: { detail: ['x'] }, event: { detail: { x: 1 } }, matches: false },
  { name: 'a nested pattern does not match a string', pattern: { detail: { x: ['a'] } }, event: { detail: 'a' }, matches: false },
  {
    name: 'a dotted key names the same field as nesting (Ruler)',
    pattern: { detail: { 'state.status': ['running'] } },
    event: { detail: { state: { status: 'running' } } },
    matches: true,
  },
  // Arrays in events
  { name: 'any element of an event array can match', pattern: { state: ['running'] }, event: { state: ['initializing', 'running'] }, matches: true },
  { name: 'nested event arrays are flattened', pattern: { v: ['c'] }, event: { v: [['a', 'b'], ['c']] }, matches: true },
  { name: 'objects inside arrays are matched by path', pattern: { employees: { firstName: ['Anna'] } }, event: employees, matches: true },
  {
    name: 'fields from one array element match together',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    event: employees,
    matches: true,
  },
  {
    name: 'fields from different array elements do not match together',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: employees,
    matches: false,
  },
  // Prefix, suffix, equals-ignore-case edges
  { name: 'prefix only applies to strings', pattern: { n: [{ prefix: '12' }] }, event: { n: 123 }, matches: false },
  { name: 'suffix only applies to strings', pattern: { n: [{ suffix: '3' }] }, event: { n: 123 }, matches: false },
  { name: 'an empty prefix matches any string', pattern: { source: [{ prefix: '' }] }, event: { source: 'x' }, matches: true },
  { name: 'equals-ignore-case "" matches ""', pattern: { v: [{ 'equals-ignore-case': '' }] }, event: { v: '' }, matches: true },
  { name: 'equals-ignore-case folds non-ASCII letters', pattern: { v: [{ 'equals-ignore-case': 'ÄRGER' }] }, event: { v: 'ärger' }, matches: true },
  // Anything-but edges
  {
    name: 'anything-but matches when any array element differs',
    pattern: { state: [{ 'anything-but': 'stopped' }] },
    event: { state: ['stopped', 'running'] },
    matches: true,
  },
  { name: 'anything-but rejects an array of only excluded values', pattern: { state: [{ 'anything-but': 'stopped' }] }, event: { state: ['stopped'] }, matches: false },
  { name: 'anything-but does not match a missing field', pattern: { state: [{ 'anything-but': 'stopped' }] }, event: {}, matches: false },
  { name: 'anything-but does not match an empty array', pattern: { state: [{ 'anything-but': 'stopped' }] }, event: { state: [] }, matches: false },
  { name: 'anything-but string matches null', pattern: { state: [{ 'anything-but': 'initializing' }] }, event: { state: null }, matches: true },
  { name: 'anything-but prefix matches a number', pattern: { state: [{ 'anything-but': { prefix: 'init' } }] }, event: { state: 12 }, matches: true },
  { name: 'anything-but string matches the same digits as a number', pattern: { n: [{ 'anything-but': '100' }] }, event: { n: 100 }, matches: true },
  { name: 'anything-but prefix list', pattern: { s: [{ 'anything-but': { prefix: ['init', 'test'] } }] }, event: { s: 'test-1' }, matches: false },
  // Numeric boundaries
  { name: 'numeric > 0 <= 5: 5 is in', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: { n: 5 }, matches: true },
  { name: 'numeric > 0 <= 5: 0 is out', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: { n: 0 }, matches: false },
  { name: 'numeric >= 0 < 5: 0 is in', pattern: { n: [{ numeric: ['>=', 0, '<', 5] }] }, event: { n: 0 }, matches: true },
  { name: 'numeric >= 0 < 5: 5 is out', pattern: { n: [{ numeric: ['>=', 0, '<', 5] }] }, event: { n: 5 }, matches: false },
  { name: 'numeric = 3 matches 3', pattern: { n: [{ numeric: ['=', 3] }] }, event: { n: 3 }, matches: true },
  { name: 'numeric = 3 misses 3.5', pattern: { n: [{ numeric: ['=', 3] }] }, event: { n: 3.5 }, matches: false },
  { name: 'numeric only matches JSON numbers', pattern: { n: [{ numeric: ['>', 0] }] }, event: { n: '5' }, matches: false },
  { name: 'numeric against an array: one element in range', pattern: { n: [{ numeric: ['>', 10] }] }, event: { n: [1, 20] }, matches: true },
  // Exists edges
  { name: 'exists true matches a present null', pattern: { v: [{ exists: true }] }, event: { v: null }, matches: true },
  { name: 'exists false does not match a present null', pattern: { v: [{ exists: false }] }, event: { v: null }, matches: false },
  { name: 'exists true does not match an empty array', pattern: { resources: [{ exists: true }] }, event: nullValuesEvent, matches: false },
  { name: 'exists false matches an empty array', pattern: { resources: [{ exists: false }] }, event: nullValuesEvent, matches: true },
  {
    name: 'exists true does not match an object (intermediate node)',
    pattern: { dynamodb: { presentKey: [{ exists: true }] } },
    event: { dynamodb: { presentKey: { S: 'test123' } } },
    matches: false,
  },
  {
    name: 'exists true matches the leaf under that object',
    pattern: { dynamodb: { presentKey: { S: [{ exists: true }] } } },
    event: { dynamodb: { presentKey: { S: 'test123' } } },
    matches: true,
  },
  {
    name: 'exists false matches when a parent is missing',
    pattern: { detail: { level1: { level2: { level3: [{ exists: false }] } } } },
    event: { detail: { level1: { other: 'x' } } },
    matches: true,
  },
  {
    name: 'exists false fails if any array element has the field',
    pattern: { items: { x: [{ exists: false }] } },
    event: { items: [{ x: 1 }, { y: 2 }] },
    matches: false,
  },
  { name: 'exists false or a value: absent', pattern: { v: [{ exists: false }, 'x'] }, event: {}, matches: true },
  { name: 'exists false or a value: another value', pattern: { v: [{ exists: false }, 'x'] }, event: { v: 'y' }, matches: false },
  // CIDR and IP edges
  { name: 'cidr does not match a number', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: 123 }, matches: false },
  { name: 'cidr does not match a non-address string', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: 'ten' }, matches: false },
  { name: 'an IPv4 cidr does not match IPv6', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: { ip: '2001:db8::1' }, matches: false },
  {
    name: 'cidr with host bits starts at the written address (Ruler)',
    pattern: { ip: [{ cidr: '10.0.0.128/24' }] },
    event: { ip: '10.0.0.1' },
    matches: false,
  },
  {
    name: 'an IP literal pattern matches another spelling of the address',
    pattern: { ip: ['2001:db8::1'] },
    event: { ip: '2001:0db8:0:0:0:0:0:1' },
    matches: true,
  },
  // Wildcard edges
  { name: 'wildcard \\* is a literal star', pattern: { v: [{ wildcard: 'a\\*b' }] }, event: { v: 'a*b' }, matches: true },
  { name: 'wildcard \\* does not match other text', pattern: { v: [{ wildcard: 'a\\*b' }] }, event: { v: 'axxb' }, matches: false },
  { name: 'wildcard \\\\ is a literal backslash', pattern: { v: [{ wildcard: 'a\\\\*' }] }, event: { v: 'a\\bc' }, matches: true },
  { name: 'wildcard * matches the empty string', pattern: { v: [{ wildcard: '*' }] }, event: { v: '' }, matches: true },
  { name: 'wildcard * does not match a number', pattern: { v: [{ wildcard: '*' }] }, event: { v: 5 }, matches: false },
  { name: 'wildcard runs may not overlap', pattern: { v: [{ wildcard: 'ab*ab' }] }, event: { v: 'ab' }, matches: false },
  { name: 'wildcard finds runs in order', pattern: { v: [{ wildcard: '*a*b' }] }, event: { v: 'xaxb' }, matches: true },
  // $or edges
  {
    name: 'nested $or matches through its inner alternative',
    pattern: { $or: [{ a: [1] }, { $or: [{ b: [2] }, { c: [3] }] }] },
    event: { c: 3 },
    matches: true,
  },
  { name: 'nested $or fails when nothing holds', pattern: { $or: [{ a: [1] }, { $or: [{ b: [2] }, { c: [3] }] }] }, event: { c: 4 }, matches: false },
  {
    name: 'two $or at different levels must both hold',
    pattern: {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    },
    event: { namespace: 'AWS/EC2', detail: { source: 'other' } },
    matches: false,
  },
  {
    name: '$or alternatives may combine several fields',
    pattern: { $or: [{ a: [1], b: [2] }, { c: [3] }] },
    event: { a: 1, b: 3 },
    matches: false,
  },
  // Events that are not JSON objects
  { name: 'an array event matches nothing', pattern: { v: [{ exists: false }] }, event: [{ v: 1 }], matches: false },
  { name: 'a Date in the event is seen as its JSON string', pattern: { at: [{ prefix: '2024-05-01T' }] }, event: { at: new Date('2024-05-01T08:00:00Z') }, matches: true },
];

describe('matchesEventPattern', () => {
  it.each([...docsRows, ...edgeRows])('$name', ({ pattern, event, matches }) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });

  it('gives the same answers through a compiled predicate', () => {
    const matches = compileEventPattern(ec2Pattern);
    expect(matches(ec2Event)).toBe(true);
    expect(matches({ ...ec2Event, source: 'aws.s3' })).toBe(false);
  });
});

interface InvalidRow {
  name: string;
  pattern: unknown;
  path: string;
}

const invalidRows: InvalidRow[] = [
  { name: 'not an object', pattern: ['source'], path: '$' },
  { name: 'null', pattern: null, path: '$' },
  { name: 'an empty pattern', pattern: {}, path: '$' },
  { name: 'a leaf that is not an array', pattern: { source: 'aws.ec2' }, path: '$.source' },
  { name: 'an empty array', pattern: { detail: { state: [] } }, path: '$.detail.state' },
  { name: 'an empty nested object', pattern: { detail: {} }, path: '$.detail' },
  { name: 'an array inside the values', pattern: { source: [['aws.ec2']] }, path: '$.source[0]' },
  { name: 'a non-finite number', pattern: { n: [Number.NaN] }, path: '$.n[0]' },
  { name: 'an unknown operator', pattern: { source: [{ contains: 'ec2' }] }, path: '$.source[0]' },
  { name: 'two operators in one object', pattern: { source: [{ prefix: 'a', suffix: 'b' }] }, path: '$.source[0]' },
  { name: 'an operator object without operator', pattern: { source: [{}] }, path: '$.source[0]' },
  { name: 'prefix with a number', pattern: { source: [{ prefix: 5 }] }, path: '$.source[0].prefix' },
  { name: 'prefix with another nested operator', pattern: { source: [{ prefix: { wildcard: 'a*' } }] }, path: '$.source[0].prefix' },
  { name: 'equals-ignore-case with a list', pattern: { source: [{ 'equals-ignore-case': ['a'] }] }, path: '$.source[0].equals-ignore-case' },
  { name: 'anything-but null', pattern: { s: [{ 'anything-but': null }] }, path: '$.s[0].anything-but' },
  { name: 'anything-but boolean', pattern: { s: [{ 'anything-but': true }] }, path: '$.s[0].anything-but' },
  { name: 'anything-but mixed list', pattern: { s: [{ 'anything-but': ['a', 1] }] }, path: '$.s[0].anything-but' },
  { name: 'anything-but empty list', pattern: { s: [{ 'anything-but': [] }] }, path: '$.s[0].anything-but' },
  { name: 'anything-but unsupported operator', pattern: { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, path: '$.s[0].anything-but' },
  { name: 'anything-but empty prefix', pattern: { s: [{ 'anything-but': { prefix: '' } }] }, path: '$.s[0].anything-but.prefix' },
  {
    name: 'anything-but prefix ignoring case',
    pattern: { s: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] },
    path: '$.s[0].anything-but.prefix',
  },
  { name: 'numeric not an array', pattern: { n: [{ numeric: '>5' }] }, path: '$.n[0].numeric' },
  { name: 'numeric empty', pattern: { n: [{ numeric: [] }] }, path: '$.n[0].numeric' },
  { name: 'numeric unknown operator', pattern: { n: [{ numeric: ['!=', 5] }] }, path: '$.n[0].numeric' },
  { name: 'numeric value as a string', pattern: { n: [{ numeric: ['>', '5'] }] }, path: '$.n[0].numeric' },
  { name: 'numeric upper bound first', pattern: { n: [{ numeric: ['<', 5, '>', 0] }] }, path: '$.n[0].numeric' },
  { name: 'numeric two lower bounds', pattern: { n: [{ numeric: ['>', 0, '>', 0] }] }, path: '$.n[0].numeric' },
  { name: 'numeric bottom not below top', pattern: { n: [{ numeric: ['>=', 5, '<=', 5] }] }, path: '$.n[0].numeric' },
  { name: 'numeric too many terms', pattern: { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }, path: '$.n[0].numeric' },
  { name: 'exists with a string', pattern: { v: [{ exists: 'true' }] }, path: '$.v[0].exists' },
  { name: 'cidr without a mask', pattern: { ip: [{ cidr: '10.0.0.0' }] }, path: '$.ip[0].cidr' },
  { name: 'cidr mask too large', pattern: { ip: [{ cidr: '10.0.0.0/33' }] }, path: '$.ip[0].cidr' },
  { name: 'cidr bad address', pattern: { ip: [{ cidr: '999.0.0.0/8' }] }, path: '$.ip[0].cidr' },
  { name: 'cidr text mask', pattern: { ip: [{ cidr: 'bad-/64filter' }] }, path: '$.ip[0].cidr' },
  { name: 'cidr not a string', pattern: { ip: [{ cidr: 10 }] }, path: '$.ip[0].cidr' },
  { name: 'wildcard with consecutive stars', pattern: { arn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, path: '$.arn[0].wildcard' },
  { name: 'wildcard escaping another character', pattern: { v: [{ wildcard: 'a\\b' }] }, path: '$.v[0].wildcard' },
  { name: 'wildcard ending in a backslash', pattern: { v: [{ wildcard: 'a\\' }] }, path: '$.v[0].wildcard' },
  { name: '$or not an array', pattern: { $or: { a: ['x'] } }, path: '$.$or' },
  { name: '$or with one alternative', pattern: { $or: [{ a: ['x'] }] }, path: '$.$or' },
  { name: '$or with a non-object alternative', pattern: { $or: [{ a: ['x'] }, ['b']] }, path: '$.$or[1]' },
  { name: 'an operator name used as a field inside $or', pattern: { $or: [{ prefix: ['a'] }, { b: ['c'] }] }, path: '$.$or[0].prefix' },
  { name: 'a keyed path with spaces is quoted', pattern: { 'my field': 'x' }, path: '$["my field"]' },
];

describe('validateEventPattern', () => {
  it.each(invalidRows)('refuses $name', ({ pattern, path }) => {
    let thrown: unknown;
    try {
      validateEventPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPatternError);
    expect(thrown).toMatchObject({ path, message: expect.stringContaining(`at ${path}:`) });
  });

  it('accepts every pattern of the matching table', () => {
    for (const { pattern } of [...docsRows, ...edgeRows]) expect(() => validateEventPattern(pattern)).not.toThrow();
  });

  it.each([
    { name: 'an empty wildcard', pattern: { v: [{ wildcard: '' }] } },
    { name: 'an empty suffix', pattern: { v: [{ suffix: '' }] } },
    { name: 'an empty anything-but wildcard', pattern: { v: [{ 'anything-but': { wildcard: '' } }] } },
    { name: 'an IPv6 cidr', pattern: { ip: [{ cidr: '2001:db8::/32' }] } },
    { name: 'fields with undefined values, as JSON drops them', pattern: { source: ['a'], detail: undefined } },
  ])('accepts $name', ({ pattern }) => {
    expect(() => validateEventPattern(pattern)).not.toThrow();
  });

  it('makes matchesEventPattern throw on an invalid pattern rather than match nothing', () => {
    const invalid: unknown = { source: [] };
    expect(() => compileEventPattern(invalid)).toThrow(InvalidEventPatternError);
  });
});
