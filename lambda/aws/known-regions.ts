/**
 * Region names the installed AWS SDK knows, from its endpoint partitions data (the same
 * table it resolves endpoints with). Names are accepted by shape everywhere, so a region
 * launched after this SDK still works; this only tells a user that a name looks misspelt.
 */
import { partition } from '@aws-sdk/core/client';

/** True when the SDK lists `region` by name (a shape-only match has no description). */
export function isKnownRegion(region: string): boolean {
  // The partition's outputs, plus the region's own entry (with a description) when it is listed.
  return (partition(region) as { description?: string }).description !== undefined;
}

/** One warning per region the SDK does not list, naming where it came from. */
export function unknownRegionWarnings(regions: readonly string[], where: string): string[] {
  return regions
    .filter((region) => !isKnownRegion(region))
    .map(
      (region) =>
        `${where} ${JSON.stringify(region)} is not a region the AWS SDK knows (partition ${partition(region).name}); ` +
        'it is used as given, so check the spelling',
    );
}
