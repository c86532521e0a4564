/**
 * JSONata expressions of the backfill state machine that bound what an execution carries.
 *
 * Step Functions caps every state's input, output and Map result at 256 KiB. A failure that
 * hits every one of the `MAX_CHUNKS` (1,000) chunks, such as a permissions error, must still
 * fit, or the execution dies with `States.DataLimitExceeded` and the list of what to rerun is
 * lost. So each failed chunk is recorded in a fixed number of bytes, the Map output keeps the
 * first few records in full and every failed range coalesced, and the full errors stay where
 * there is room: the execution history, the state machine's log group (level ALL) and the
 * function's log group.
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

/**
 * Catch output of one chunk: its range, the error and the start of the message. Lambda's cause
 * is `{"errorType":…,"errorMessage":"…"}`; the envelope repeats the error, so it is cut off.
 */
export const CHUNK_FAILURE_OUTPUT =
  '{% {"failed": true, "from": $states.input.from, "to": $states.input.to, ' +
  `"error": ${bounded('$states.errorOutput.Error', ERROR_CHARS)}, ` +
  `"cause": ${bounded(
    `$replace($substring($string($states.errorOutput.Cause), 0, 400), /^\\{"errorType":"[^"]*","errorMessage":"/, '')`,
    CAUSE_CHARS,
  )}} %}`;

/**
 * Consecutive failed chunks merged into one `{from, to}` range (chunks are in order and
 * adjacent), so the whole rerun list fits: at most 500 ranges for 1,000 chunks.
 */
const RERUN_RANGES =
  '$append([], $reduce($failed, function($ranges, $r) {(' +
  '$last := $ranges[-1]; ' +
  '$exists($last) and $toMillis($last.to) + 86400000 = $toMillis($r.from) ' +
  '? $append($filter($ranges, function($v, $i) { $i < $count($ranges) - 1 }), ' +
  '[{"from": $last.from, "to": $r.to}]) ' +
  ': $append($ranges, [{"from": $r.from, "to": $r.to}])' +
  ')}, []))';

/** Map output: counts, the first failures in full, and every failed range to rerun. */
export const MAP_OUTPUT =
  '{% ($failed := $filter($states.result, function($r) { $r.failed }); ' +
  '{"window": $states.input.window, "chunks": $count($states.result), ' +
  '"failedCount": $count($failed), ' +
  `"failedChunks": $append([], $filter($failed, function($v, $i) { $i < ${FIRST_FAILURES} })), ` +
  `"rerun": ${RERUN_RANGES}}) %}`;

/**
 * Fail cause (32,768 characters at most): counts and the ranges to rerun. At most 500 ranges
 * of 40 bytes each, so the cut is a guard that never bites.
 */
export const FAIL_CAUSE =
  '{% $substring($string({"failedChunks": $states.input.failedCount, "chunks": $states.input.chunks, ' +
  '"rerun": $states.input.rerun}), 0, 32000) %}';
