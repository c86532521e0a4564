/**
 * JSONata expressions of the backfill state machine: a lane's loop over its chunks (the carry
 * handed from one chunk to the next) and what bounds what an execution carries.
 *
 * Step Functions caps every state's input, output and Map result at 256 KiB. A failure that
 * hits every one of the `MAX_CHUNKS` (1,000) chunks, such as a permissions error, must still
 * fit, or the execution dies with `States.DataLimitExceeded` and the list of what to rerun is
 * lost. So each failed chunk is recorded in a fixed number of bytes, each lane and then the
 * Map output keep the first few records in full and every failed range coalesced, and the full
 * errors stay where there is room: the execution history, the state machine's log group
 * (level ALL) and the function's log group.
 */

/** Characters kept of a failed chunk's error name. */
export const ERROR_CHARS = 64;
/** Characters kept of a failed chunk's cause, after the Lambda error envelope is removed. */
export const CAUSE_CHARS = 80;
/** Failed chunks kept with their error and cause in the Map output (all of them as ranges). */
export const FIRST_FAILURES = 20;

/**
 * `text` cut to `chars` characters of printable ASCII other than quote and backslash: each
 * character then takes exactly one byte of JSON, so a record's size has a fixed ceiling
 * whatever the error says.
 */
function bounded(text: string, chars: number): string {
  // Cut first: the replacement is one character for one, and runs on a short string.
  return `$replace($substring($string(${text}), 0, ${chars}), /[^ !#-\\[\\]-~]/, '?')`;
}

/** The chunk a lane is at: `$lane` holds the lane's chunks, `$next` the index of the one invoked. */
const CHUNK = '$lane[$next]';

/**
 * Catch output of one chunk: the range to rerun, the error and the start of the message. When
 * the invocation was handed a carry, the partitions of those earlier chunks were never confirmed,
 * so the range starts at the carry's `from`. Lambda's cause is
 * `{"errorType":…,"errorMessage":"…"}`; the envelope repeats the error, so it is cut off.
 */
export const CHUNK_FAILURE_OUTPUT =
  `{% {"failed": true, "from": $exists($carry.from) ? $carry.from : ${CHUNK}.from, "to": ${CHUNK}.to, ` +
  `"error": ${bounded('$states.errorOutput.Error', ERROR_CHARS)}, ` +
  `"cause": ${bounded(
    `$replace($substring($string($states.errorOutput.Cause), 0, 400), /^\\{"errorType":"[^"]*","errorMessage":"/, '')`,
    CAUSE_CHARS,
  )}} %}`;

/**
 * JSONata function adding range `$r` to `$ranges` (in date order): merged into the last range when
 * it touches or overlaps it, appended otherwise. Always an array, even of one range.
 */
const ADD_RANGE =
  'function($ranges, $r) {(' +
  '$last := $ranges[-1]; ' +
  '$exists($last) and $toMillis($r.from) <= $toMillis($last.to) + 86400000 ' +
  '? $append($filter($ranges, function($v, $i) { $i < $count($ranges) - 1 }), ' +
  '[{"from": $last.from, "to": $r.to > $last.to ? $r.to : $last.to}]) ' +
  ': $append($ranges, [{"from": $r.from, "to": $r.to}])' +
  ')}';

/**
 * Variables a lane starts with. `$lane` is forced to an array: JSONata hands a one-element
 * sequence back as the element itself (https://docs.jsonata.org/processing, "Sequences"), and
 * `$count`/`$lane[$next]` must see a list.
 */
export const LANE_START = {
  lane: '{% $append([], $states.input.chunks) %}',
  next: 0,
  carry: null,
  failedCount: 0,
  failedChunks: [],
  rerun: [],
} as const;

/** More chunks in this lane? */
export const MORE_CHUNKS = '{% $next < $count($lane) %}';

/**
 * What one chunk's invocation receives: its range, the selection kept once by the split step, the
 * carry the previous invocation of this lane returned, and whether another chunk follows in the
 * lane (only then may the function hand its tail on instead of waiting for it).
 */
export const CHUNK_PAYLOAD = `{% $merge([${CHUNK}, $selection, {"carry": $carry, "carryTail": $next + 1 < $count($lane)}]) %}`;

/** After a chunk succeeded: its carry goes to the next chunk of the lane (null when it waited). */
export const CHUNK_DONE_ASSIGN = {
  carry: '{% $exists($states.result.Payload.carry) ? $states.result.Payload.carry : null %}',
  next: '{% $next + 1 %}',
} as const;

/**
 * After a chunk failed (its record is the state's input): counted, kept in full among the lane's
 * first few, its range merged into the lane's rerun list; the carry is dropped (the record's range
 * already covers it) and the lane goes on with its next chunk.
 */
export const CHUNK_FAILED_ASSIGN = {
  failedCount: '{% $failedCount + 1 %}',
  failedChunks: `{% $count($failedChunks) < ${FIRST_FAILURES} ? $append($failedChunks, [$states.input]) : $failedChunks %}`,
  rerun: `{% ($add := ${ADD_RANGE}; $add($rerun, $states.input)) %}`,
  carry: null,
  next: '{% $next + 1 %}',
} as const;

/** At a lane's end: a carry still held (the last chunk handed queries on instead of waiting)? */
export const CARRY_LEFT = '{% $exists($carry.from) %}';

/**
 * A carry left at a lane's end is recorded as a failure over its range: no invocation follows
 * to confirm those partitions, and the execution must not succeed without them.
 */
export const CARRY_LEFT_ASSIGN = {
  failedCount: '{% $failedCount + 1 %}',
  failedChunks:
    `{% $count($failedChunks) < ${FIRST_FAILURES} ? $append($failedChunks, [{"failed": true, ` +
    `"from": $carry.from, "to": $carry.to, "error": "UnconfirmedCarry", ` +
    `"cause": "the lane's last chunk handed queries on instead of waiting for them"}]) : $failedChunks %}`,
  rerun: `{% ($add := ${ADD_RANGE}; $add($rerun, $carry)) %}`,
  carry: null,
} as const;

/** One lane's result: fixed-size counts, its first failures and its coalesced ranges. */
export const LANE_OUTPUT =
  '{% {"chunks": $count($lane), "failedCount": $failedCount, "failedChunks": $failedChunks, "rerun": $rerun} %}';

/**
 * Map output: the lanes' counts summed, the first failures in full (lanes are in date order), and
 * every failed range, merged again where one lane's last range touches the next lane's first.
 * `$append([], …)` keeps arrays arrays when a single lane or a single failure is all there is.
 */
export const MAP_OUTPUT =
  '{% ($lanes := $append([], $states.result); ' +
  '$failed := $append([], $lanes.failedChunks); ' +
  `$add := ${ADD_RANGE}; ` +
  '{"window": $states.input.window, "chunks": $sum($append([], $lanes.chunks)), ' +
  '"failedCount": $sum($append([], $lanes.failedCount)), ' +
  `"failedChunks": $append([], $filter($failed, function($v, $i) { $i < ${FIRST_FAILURES} })), ` +
  '"rerun": $append([], $reduce($append([], $lanes.rerun), $add, []))}) %}';

/**
 * Fail cause (32,768 characters at most): counts and the ranges to rerun. At most 500 ranges
 * of 40 bytes each, so the cut is a guard that never bites.
 */
export const FAIL_CAUSE =
  '{% $substring($string({"failedChunks": $states.input.failedCount, "chunks": $states.input.chunks, ' +
  '"rerun": $states.input.rerun}), 0, 32000) %}';
