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
  if (children.length === 0) return [`${indent}<${name}${attributeText(attributes)}/>`];
  return [startTag(name, attributes, indent), ...children, `${indent}</${name}>`];
}

/** The start tag of an element whose children are written one by one after it. */
export function startTag(name: string, attributes: Record<string, string | number>, indent = ""): string {
  return `${indent}<${name}${attributeText(attributes)}>`;
}

function attributeText(attributes: Record<string, string | number>): string {
  return Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
}
