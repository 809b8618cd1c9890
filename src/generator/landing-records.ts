// The text of each landing line, written by hand so that doubles keep their `.0` (1.0, -1.0, 0.0)
// the way the phone app sends them, and absent consent fields stay absent.
import type { LandingDatasetName } from './generate-options';

export interface CustomerRecord {
  readonly customerName: string;
  readonly email: string;
  readonly phone: string;
  readonly birthDay: string;
  readonly serialNumber: string;
  readonly registrationDate: number;
  readonly lastUpdateDate: number;
  readonly shareWithResearchAsOfDate?: number;
  readonly shareWithPublicAsOfDate?: number;
  readonly shareWithFriendsAsOfDate?: number;
}

/** Acceleration values as the app writes them; index into this list, never format a double. */
export const AXIS_VALUES = ['-1.0', '0.0', '1.0'] as const;

/** Step trainer distances lie in [1, MAX_DISTANCE_CM]: plausible (at most 10 m). */
export const MAX_DISTANCE_CM = 999;

export function customerLine(c: CustomerRecord): string {
  let s =
    `{"customerName":${JSON.stringify(c.customerName)},"email":${JSON.stringify(c.email)},"phone":"${c.phone}",` +
    `"birthDay":"${c.birthDay}","serialNumber":"${c.serialNumber}",` +
    `"registrationDate":${c.registrationDate},"lastUpdateDate":${c.lastUpdateDate}`;
  if (c.shareWithResearchAsOfDate !== undefined) s += `,"shareWithResearchAsOfDate":${c.shareWithResearchAsOfDate}`;
  if (c.shareWithPublicAsOfDate !== undefined) s += `,"shareWithPublicAsOfDate":${c.shareWithPublicAsOfDate}`;
  if (c.shareWithFriendsAsOfDate !== undefined) s += `,"shareWithFriendsAsOfDate":${c.shareWithFriendsAsOfDate}`;
  return s + '}';
}

/** `quotedUser` is the email already as a JSON string: it is the same for hundreds of lines. */
export function accelerometerLine(quotedUser: string, timestamp: number, x: number, y: number, z: number): string {
  return `{"user":${quotedUser},"timestamp":${timestamp},"x":${AXIS_VALUES[x]},"y":${AXIS_VALUES[y]},"z":${AXIS_VALUES[z]}}`;
}

export function stepTrainerLine(sensorReadingTime: number, serialNumber: string, distanceFromObject: number): string {
  return `{"sensorReadingTime":${sensorReadingTime},"serialNumber":"${serialNumber}","distanceFromObject":${distanceFromObject}}`;
}

type Json = Record<string, unknown>;

/**
 * Ways a copy of a valid record breaks its contract, per dataset: a field of the wrong JSON type or a
 * required field missing. Each still parses as JSON.
 */
export const WRONG_TYPE_VARIANTS: Readonly<Record<LandingDatasetName, readonly ((r: Json) => Json)[]>> = {
  customer: [
    (r) => ({ ...r, registrationDate: String(r.registrationDate) }),
    (r) => ({ ...r, shareWithResearchAsOfDate: null }),
    ({ email: _email, ...r }) => r,
    (r) => ({ ...r, phone: Number(r.phone) }),
  ],
  accelerometer: [
    (r) => ({ ...r, timestamp: String(r.timestamp) }),
    (r) => ({ ...r, x: null }),
    ({ user: _user, ...r }) => r,
    (r) => ({ ...r, z: String(r.z) }),
  ],
  step_trainer: [
    (r) => ({ ...r, sensorReadingTime: String(r.sensorReadingTime) }),
    (r) => ({ ...r, distanceFromObject: null }),
    ({ serialNumber: _serial, ...r }) => r,
    (r) => ({ ...r, distanceFromObject: Number(r.distanceFromObject) + 0.5 }),
  ],
};

/** Ways a line is not JSON at all. None of them is blank (a blank line is no record). */
export const MALFORMED_VARIANTS: readonly ((validLine: string) => string)[] = [
  (l) => l.slice(0, Math.max(1, Math.floor(l.length * 0.6))),
  () => 'connection reset by peer',
  (l) => l.replace(/}$/, ',}'),
  (l) => l.replace(/"/g, "'"),
];

export function wrongTypeLine(dataset: LandingDatasetName, validLine: string, variant: number): string {
  const variants = WRONG_TYPE_VARIANTS[dataset];
  return JSON.stringify(variants[variant % variants.length](JSON.parse(validLine) as Json));
}

export function malformedLine(validLine: string, variant: number): string {
  return MALFORMED_VARIANTS[variant % MALFORMED_VARIANTS.length](validLine);
}

/** Lines that are blank: empty or only whitespace. */
export const BLANK_VARIANTS = ['', '   ', '\t'] as const;
