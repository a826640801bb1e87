/**
 * A file that could not be read or understood, located as precisely as possible. Reported in
 * every output format, and the run exits with 2: an input that could not be used is never a pass.
 */
export interface InputProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}
