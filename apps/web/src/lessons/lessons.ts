/**
 * The lessons, in the chapter's order (SPEC §2): one server → partitioning → replication → quorums
 * → versioning → failure detection → hinted handoff → anti-entropy → data-centre failure → the
 * write and read paths. Each step says what to look at, asks for a prediction, asks the learner to
 * act on the live cluster (lessonModel.ts sees it done), then says what to check.
 *
 * Claims here are about the lab's real behaviour, so they are checked by its tests: the E2E lesson
 * test walks the quorum lesson; lessons.browser.test.ts asks every `done` of states where it must be
 * false and of states where it must be true.
 */

import { dataLessons } from './dataLessons.ts';
import { failureLessons } from './failureLessons.ts';
import type { Lesson } from './lessonModel.ts';

export const lessons: readonly Lesson[] = [...dataLessons, ...failureLessons];
