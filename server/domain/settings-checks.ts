/**
 * What a settings change must make sense as, beyond what its schema can say: the rules that read
 * several values at once. Run after the schema check by the domain (which REST goes through) and by
 * the CLI's flag parser, so all three refuse alike.
 */
import { createError } from '../../shared/errors';
import type { SiteSettingsPatch } from '../../shared/schemas';
import { overlappingRanges } from './business-hours';

/** @returns the patch as given. @throws PAYLOAD_INVALID `{ path, problem }` when two opening ranges of a day overlap */
export function checkSettingsSense<P extends Pick<SiteSettingsPatch, 'businessHours'>>(patch: P): P {
  const overlap = patch.businessHours ? overlappingRanges(patch.businessHours) : null;
  if (overlap) throw createError('PAYLOAD_INVALID', overlap);
  return patch;
}
