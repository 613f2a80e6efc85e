/**
 * The schedule of a Kubernetes CronJob (the training job): five cron fields, or one of the macros the CronJob
 * controller accepts. See https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax.
 */

/** The macros a Kubernetes CronJob schedule accepts instead of five fields. */
export const CRON_MACROS: readonly string[] = [
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
];

/** The default schedule of the training job: daily at 03:00 in the job's time zone. */
export const DEFAULT_TRAINING_SCHEDULE = "0 3 * * *";

const FIELD = /^[0-9A-Za-z*/,?-]+$/;

/** Why `schedule` is not a CronJob schedule, or `undefined` when it is one. */
export function scheduleProblem(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (CRON_MACROS.includes(trimmed)) return undefined;
  const fields = trimmed.split(/\s+/);
  if (fields.length === 5 && fields.every((f) => FIELD.test(f))) return undefined;
  return `must be a five-field cron expression such as "${DEFAULT_TRAINING_SCHEDULE}" or a macro such as "@daily"`;
}

/** Whether `schedule` is a CronJob schedule. */
export function isSchedule(schedule: string): boolean {
  return scheduleProblem(schedule) === undefined;
}

/** Returns `schedule` trimmed; throws an `Error` naming the schedule and the rule when it is not one. */
export function assertSchedule(schedule: string): string {
  const problem = scheduleProblem(schedule);
  if (problem !== undefined) throw new Error(`schedule (${JSON.stringify(schedule)}) ${problem}`);
  return schedule.trim();
}
