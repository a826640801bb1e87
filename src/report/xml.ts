/**
 * Escaping for XML attribute values and text. Characters XML 1.0 cannot carry at all (most C0
 * controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so a strange value never makes the
 * whole file unreadable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/** An element with attributes, and either children lines or nothing. */
export function element(
  name: string,
  attributes: Record<string, string | number>,
  children: readonly string[] = [],
  indent = "",
): string[] {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
  if (children.length === 0) return [`${indent}<${name}${attrs}/>`];
  return [`${indent}<${name}${attrs}>`, ...children, `${indent}</${name}>`];
}
