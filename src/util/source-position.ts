/**
 * Where something was written in an input file — a template, plan, snapshot, rule or
 * configuration — so that a finding or a problem can name `file:line:column`. Every reader and
 * the resources they produce use this one type.
 */
export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /**
   * 1-based column, in UTF-16 code units. Parsers always know it; a snapshot written by another
   * tool may record lines only.
   */
  column?: number;
}
